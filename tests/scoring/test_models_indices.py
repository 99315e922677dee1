"""Indices as data: the three the province evaluates are there from the start, and a not-rated unit has no value."""
import pytest
from django.db import IntegrityError

from scoring.models import EditionSource, Index, IndexEdition, IndexResult

from tests.conftest import make_block, make_unit


def test_par_dti_and_ddci_are_seeded_with_their_scales(db):
    assert list(Index.objects.values_list("code", "scale")) == [("PAR", "percent"), ("DTI", "ratio"),
                                                                ("DDCI", "points")]


def test_a_unit_not_rated_cannot_carry_a_value(db):
    edition = IndexEdition.objects.create(index=Index.objects.standard("DDCI"), year=2024, block=make_block(),
                                          source=EditionSource.SURVEY)
    with pytest.raises(IntegrityError):
        IndexResult.objects.create(edition=edition, unit=make_unit("SNV"), rated=False, value=0)
