"""Access-matrix lines of one capability (format: top of tests/access_matrix.py)."""
# Imported at the bottom of access_matrix.py, once these names exist there.
import zipfile
from decimal import Decimal
from pathlib import Path

from .access_matrix import LOGIN, OWN_UNIT_ONLY, RESULTS_OF_SO_2024, SIGNED_IN, Redirect, access


def objects(own_unit, other_unit):
    """Each unit's result of 2024 (on the shared framework of route_objects), a finished bulk job whose ZIP exists
    and a bulk job of 2024 still queued, that no persona started."""
    from django.conf import settings

    from scoring.models import Framework, Job, JobStatus, UnitResult

    framework = Framework.objects.filter(year=2024, block=own_unit.block).order_by("-revision").first()
    for unit in (own_unit, other_unit):
        UnitResult.objects.get_or_create(year=2024, unit=unit, defaults=_result(unit, framework))
    # tests/conftest.py points MEDIA_ROOT at a temporary folder for every test.
    archive = Path(settings.MEDIA_ROOT) / "reports" / "phieu-diem-2024-so.zip"
    archive.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(archive, "w") as file:
        file.writestr("phieu-diem-2024-SNV-so-noi-vu.pdf", b"%PDF-1.4\n%%EOF\n")
    done = Job.objects.create(kind="scorecards_zip", scope="scorecards:2023:SO", status=JobStatus.DONE,
                              params={"year": 2023, "block": "SO"},
                              result={"path": "reports/phieu-diem-2024-so.zip", "units": 1})
    queued = Job.objects.create(kind="scorecards_zip", scope="scorecards:2024:SO",
                                params={"year": 2024, "block": "SO"})
    shared = {"scorecard_year": 2024, "scorecards_job": done.pk, "scorecards_queued_job": queued.pk}
    return {"own": dict(shared), "other": dict(shared)}


def _result(unit, framework):
    zero = Decimal(0)
    return {"block": unit.block, "framework": framework, "appraised": Decimal(5), "survey": zero, "bonus": zero,
            "penalty": zero, "total": Decimal(5), "max_total": Decimal(10), "index": Decimal(50), "grade": "C",
            "rank": 1, "areas": [{"code": "1", "points": "5", "max": "10", "index": "50.00", "change": None}]}


SCORECARD = {"pk": "unit", "year": "scorecard_year"}
FINISHED_JOB = {"pk": "scorecards_job"}

MATRIX = {
    # A unit's scorecard: its own users and every other role; another unit's is not revealed (404).
    "scoring:scorecard": access(**OWN_UNIT_ONLY, kwargs=SCORECARD),
    "scoring:scorecard_pdf": access(**OWN_UNIT_ONLY, kwargs=SCORECARD),
    "scoring:scorecard_xlsx": access(**OWN_UNIT_ONLY, kwargs=SCORECARD),
    # The ranking table as PDF: as its workbook, what the user may see of it (a unit user, its own row).
    "scoring:results_export_pdf": access(**SIGNED_IN, data=RESULTS_OF_SO_2024),
    # The block's scorecards in bulk: the managers' act; the job of 2024 already queued is where they land.
    "scoring:scorecards_zip": access(anonymous=LOGIN, others=403, method="post", data=RESULTS_OF_SO_2024,
                                     managers=Redirect("scoring:job_detail", kwargs={"pk": "scorecards_queued_job"})),
    # A job's archive is its starter's and the managers', like the job itself.
    "scoring:report_download": access(anonymous=LOGIN, managers=200, others=404, kwargs=FINISHED_JOB),
}
