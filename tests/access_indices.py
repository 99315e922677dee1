"""Access-matrix lines of one capability (format: top of tests/access_matrix.py): every index of a unit, and the
conference report (issue 14)."""
from .access_matrix import CONFIRMED, LOGIN, OWN_UNIT_ONLY, RESULTS_OF_SO_2024, SURVEY_READERS, Redirect, access


def objects(own_unit, other_unit):
    """A DDCI result of 2024 for each unit; the latest year with results is what the capabilities before this one
    left (one of them scores a later year)."""
    from scoring.models import EditionSource, Index, IndexEdition, IndexResult, UnitResult

    sides = {}
    for side, unit in (("own", own_unit), ("other", other_unit)):
        edition, _created = IndexEdition.objects.get_or_create(
            index=Index.objects.standard("DDCI"), year=2024, block=unit.block,
            defaults={"source": EditionSource.IMPORTED})
        IndexResult.objects.get_or_create(edition=edition, unit=unit, defaults={"value": 50, "rank": 1})
        latest = max([2024, *UnitResult.objects.filter(unit=unit).values_list("year", flat=True)])
        sides[side] = {"indices_year": 2024, "indices_latest_year": latest}
    shared = {"edition": edition.pk, "competitiveness": _competitiveness(own_unit.block).pk}
    return {side: {**values, **shared} for side, values in sides.items()}


def _competitiveness(block):
    from scoring.models import EditionSource, Index, IndexEdition
    from surveys.models import CompetitivenessFramework, Survey

    survey = Survey.objects.create(code="DDCI-2025", name="Khảo sát DDCI 2025", year=2025)
    edition = IndexEdition.objects.create(index=Index.objects.standard("DDCI"), year=2025, block=block,
                                          source=EditionSource.SURVEY)
    return CompetitivenessFramework.objects.create(edition=edition, survey=survey)


UNIT_YEAR = {"pk": "unit", "year": "indices_year"}
COMPETITIVENESS = {"pk": "competitiveness"}
DASHBOARD_READERS = {"anonymous": LOGIN, "signed_in": 200, "unit_users": 403}

MATRIX = {
    # A unit's every index: as its scorecard, its own users and every other role; another unit's is not revealed.
    "scoring:unit_indices": access(**OWN_UNIT_ONLY, kwargs=UNIT_YEAR),
    # Its latest year with results (with none yet, the unit's page).
    "scoring:unit_indices_latest": access(**{**OWN_UNIT_ONLY, "signed_in": Redirect("scoring:unit_indices", kwargs={
        "pk": "unit", "year": "indices_latest_year"})}, kwargs={"pk": "unit"}),
    # The conference report covers a whole block: the dashboards' readers (leaders, managers, appraisers).
    "scoring:conference_report": access(**DASHBOARD_READERS, data=RESULTS_OF_SO_2024),
    "scoring:conference_report_pdf": access(**DASHBOARD_READERS, data=RESULTS_OF_SO_2024),
    "scoring:conference_report_xlsx": access(**DASHBOARD_READERS, data=RESULTS_OF_SO_2024),
    # The indices: managers read them; only an administrator adds one (a coordinator's POST is refused).
    "scoring:index_list": access(anonymous=LOGIN, managers=200, others=403),
    # The editions of the other indices, their import and publication, and closing a DDCI collection: managers'.
    "scoring:edition_list": access(anonymous=LOGIN, managers=200, others=403),
    "scoring:edition_import": access(anonymous=LOGIN, managers=200, others=403),
    "scoring:edition_import_confirm": access(anonymous=LOGIN, managers=404, others=403,
                                             kwargs={"token": "unknown_token"}),
    "scoring:edition_publish": access(anonymous=LOGIN, managers=Redirect("scoring:edition_list"), others=403,
                                      method="post", data=CONFIRMED, kwargs={"pk": "edition"}),
    # A DDCI edition's framework workbook and page: the readers of surveys (managers and leaders). Closing its
    # collection, after the confirmation step: managers'.
    "surveys:competitiveness_import": access(anonymous=LOGIN, managers=200, others=403),
    "surveys:competitiveness_import_confirm": access(anonymous=LOGIN, managers=404, others=403,
                                                     kwargs={"token": "unknown_token"}),
    "surveys:competitiveness_detail": access(**SURVEY_READERS, kwargs=COMPETITIVENESS),
    "surveys:competitiveness_export": access(**SURVEY_READERS, kwargs=COMPETITIVENESS),
    "surveys:competitiveness_close": access(anonymous=LOGIN, managers=Redirect(
        "surveys:competitiveness_detail", kwargs=COMPETITIVENESS), others=403, method="post", data=CONFIRMED,
        kwargs=COMPETITIVENESS),
}
