"""Access-matrix lines of one capability (format: top of tests/access_matrix.py): every index of a unit, and the
conference report (issue 14)."""
from .access_matrix import LOGIN, OWN_UNIT_ONLY, RESULTS_OF_SO_2024, access


def objects(own_unit, other_unit):
    return {"own": {"indices_year": 2024}, "other": {"indices_year": 2024}}


UNIT_YEAR = {"pk": "unit", "year": "indices_year"}
DASHBOARD_READERS = {"anonymous": LOGIN, "signed_in": 200, "unit_users": 403}

MATRIX = {
    # A unit's every index: as its scorecard, its own users and every other role; another unit's is not revealed.
    "scoring:unit_indices": access(**OWN_UNIT_ONLY, kwargs=UNIT_YEAR),
    # The conference report covers a whole block: the dashboards' readers (leaders, managers, appraisers).
    "scoring:conference_report": access(**DASHBOARD_READERS, data=RESULTS_OF_SO_2024),
    "scoring:conference_report_pdf": access(**DASHBOARD_READERS, data=RESULTS_OF_SO_2024),
    "scoring:conference_report_xlsx": access(**DASHBOARD_READERS, data=RESULTS_OF_SO_2024),
}
