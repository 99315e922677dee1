"""Which index a results page reads and which indices its switcher offers (issue 14)."""
import pytest
from django.http import QueryDict

from scoring.selectors.index_scope import index_find, index_tabs, indices_with_results
from tests.conftest import make_block, make_framework

from .two_indices_data import make_two_indices

pytestmark = pytest.mark.django_db


def test_no_index_asked_is_par_and_an_unknown_code_is_none():
    assert index_find(None).code == "PAR" and index_find("").scale == "percent"
    make_two_indices(compute=False)
    assert index_find("dti").code == "DTI" and index_find("DTI").scale == "ratio"
    assert index_find("NOPE") is None and index_find("X" * 500) is None and index_find("D\x00") is None


def test_a_year_of_par_alone_offers_no_switcher():
    make_framework(year=2025, block=make_block("SO"))

    assert [index.code for index in indices_with_results(2025)] == ["PAR"]
    assert index_tabs(2025, None, index_find(None), QueryDict("year=2025")) is None


def test_a_year_with_a_dti_cycle_offers_both_and_keeps_the_other_parameters():
    make_two_indices(compute=False)
    block = make_block("SO")

    assert [index.code for index in indices_with_results(2025, block)] == ["PAR", "DTI"]
    assert [index.code for index in indices_with_results(2024, block)] == ["PAR"]
    tabs = index_tabs(2025, block, index_find("DTI"), QueryDict("year=2025&block=SO&index=DTI&page=3"))
    assert [(tab["index"].code, tab["current"], tab["query"]) for tab in tabs] == [
        ("PAR", False, "year=2025&block=SO"), ("DTI", True, "year=2025&block=SO&index=DTI")]
