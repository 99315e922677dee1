"""Access-matrix lines of one capability (format: top of tests/access_matrix.py)."""
# Imported at the bottom of access_matrix.py, once these names exist there.
import hashlib
from pathlib import Path

from .access_matrix import CONFIRMED, LOGIN, MANAGERS_ONLY, OWN_UNIT_ONLY, SIGNED_IN, UNIT, Redirect, access  # noqa: F401


def objects(own_unit, other_unit):
    """Each unit's assessment of 2024 (open, in draft; another capability may have opened the cycle already), the
    score of its first leaf, and one document cited on it, its bytes stored on disk."""
    from scoring.models import Assessment, Cycle, Evidence, EvidenceFile, Framework, LeafScore

    root = temporary_media_root()
    framework = Framework.objects.filter(year=2024, block=own_unit.block).order_by("-revision").first()
    cycle = Cycle.objects.get_or_create(year=2024, block=own_unit.block, defaults={"framework": framework})[0]
    leaf = cycle.framework.criteria.exclude(method="").order_by("position").first()
    sides = {}
    for side, unit in (("own", own_unit), ("other", other_unit)):
        assessment = Assessment.objects.get_or_create(cycle=cycle, unit=unit)[0]
        score = LeafScore.objects.get_or_create(assessment=assessment, criterion=leaf)[0]
        stored = _stored_file(EvidenceFile, root, f"%PDF-1.4\n% {unit.code}\n%%EOF\n".encode())
        evidence = Evidence.objects.create(leaf_score=score, file=stored, title=f"Kế hoạch CCHC {unit.code}")
        sides[side] = {"evidence_leaf": score.pk, "evidence": evidence.pk}
    return sides


def temporary_media_root():
    """tests/conftest.py points MEDIA_ROOT at a temporary folder for every test: documents never land in var/media."""
    from django.conf import settings

    return Path(settings.MEDIA_ROOT)


def _stored_file(model, root, content):
    digest = hashlib.sha256(content).hexdigest()
    name = f"evidence/{digest[:2]}/{digest}.pdf"
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return model.objects.create(sha256=digest, file=name, size=len(content), kind="pdf", original_name="ke-hoach.pdf")


LEAF = {"pk": "evidence_leaf"}
EVIDENCE = {"pk": "evidence"}
BACK_TO_LEAF = Redirect("scoring:leaf_detail", kwargs=LEAF)
# Writing is the unit's own act: every other role is refused (403), another unit's leaf or document is not found
# (404). An empty upload re-shows the form with its errors; reusing nothing, or removing, goes back to the leaf.
UNIT_WRITES = {"anonymous": LOGIN, "signed_in": 403, "unit_users_on_other": 404}

MATRIX = {
    "scoring:evidence_list": access(**OWN_UNIT_ONLY, kwargs=LEAF),
    "scoring:evidence_download": access(**OWN_UNIT_ONLY, kwargs=EVIDENCE),
    "scoring:evidence_upload": access(**UNIT_WRITES, unit_users_on_own=200, kwargs=LEAF, method="post"),
    "scoring:evidence_attach": access(**UNIT_WRITES, unit_users_on_own=BACK_TO_LEAF, kwargs=LEAF, method="post"),
    "scoring:evidence_link": access(**UNIT_WRITES, unit_users_on_own=BACK_TO_LEAF, kwargs=LEAF, method="post"),
    "scoring:evidence_remove": access(**UNIT_WRITES, unit_users_on_own=BACK_TO_LEAF, kwargs=EVIDENCE,
                                      method="post", data=CONFIRMED),
}
