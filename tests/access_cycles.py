"""Access-matrix lines of one capability (format: top of tests/access_matrix.py): cycles, a unit's to-do list,
submission and the leaf page (issue 3)."""
# Imported at the bottom of access_matrix.py, once these names exist there.
from .access_matrix import CONFIRMED, LOGIN, MANAGERS_ONLY, OWN_UNIT_ONLY, SIGNED_IN, UNIT, Redirect, access  # noqa: F401

CYCLE = {"pk": "cycle"}
ASSESSMENT = {"pk": "assessment"}
LEAF_SCORE = {"pk": "leaf_score"}
BACK_TO_CYCLE = Redirect("scoring:cycle_detail", kwargs=CYCLE)


def objects(own_unit, other_unit):
    """An open cycle of 2024 on the shared framework of route_objects (another capability may have opened it
    already), each unit's assessment in it and the score of its first leaf."""
    from scoring.models import Assessment, Cycle, Framework, LeafScore

    framework = Framework.objects.filter(year=2024, block=own_unit.block).order_by("-revision").first()
    cycle = Cycle.objects.get_or_create(year=2024, block=own_unit.block, defaults={"framework": framework})[0]
    leaf = cycle.framework.criteria.exclude(method="").order_by("position").first()
    sides = {}
    for side, unit in (("own", own_unit), ("other", other_unit)):
        assessment = Assessment.objects.get_or_create(cycle=cycle, unit=unit)[0]
        score = LeafScore.objects.get_or_create(assessment=assessment, criterion=leaf)[0]
        sides[side] = {"cycle": cycle.pk, "assessment": assessment.pk, "leaf_score": score.pk}
    return sides


MATRIX = {
    # Every role reads the cycles of its block (a unit user sees only its own assessment in them).
    "scoring:cycle_list": access(**SIGNED_IN),
    "scoring:cycle_detail": access(**SIGNED_IN, kwargs=CYCLE),
    "scoring:cycle_create": access(**MANAGERS_ONLY),
    "scoring:cycle_deadlines": access(**MANAGERS_ONLY, kwargs=CYCLE),
    "scoring:cycle_close": access(**{**MANAGERS_ONLY, "managers": BACK_TO_CYCLE}, kwargs=CYCLE, method="post",
                                  data=CONFIRMED),
    "scoring:cycle_reopen": access(**{**MANAGERS_ONLY, "managers": BACK_TO_CYCLE}, kwargs=CYCLE, method="post"),
    # The roster, late units and the survey (issue 11): the coordinator's; an act without a valid form goes back.
    "scoring:cycle_roster": access(**MANAGERS_ONLY, kwargs=CYCLE),
    "scoring:cycle_roster_act": access(**{**MANAGERS_ONLY, "managers": Redirect("scoring:cycle_roster", kwargs=CYCLE)},
                                       kwargs=CYCLE, method="post"),
    "scoring:cycle_remind": access(**{**MANAGERS_ONLY, "managers": BACK_TO_CYCLE}, kwargs=CYCLE, method="post"),
    # Another unit's assessment or leaf is not revealed (404); every other role reads them.
    "scoring:assessment_detail": access(**OWN_UNIT_ONLY, kwargs=ASSESSMENT),
    "scoring:leaf_detail": access(**OWN_UNIT_ONLY, kwargs=LEAF_SCORE),
    # Only the unit's head submits; its leaf is not scored yet, so the head is sent back with the reason.
    "scoring:assessment_submit": access(anonymous=LOGIN, signed_in=403, unit_users_on_other=404,
                                        unit_head_on_own=Redirect("scoring:assessment_detail", kwargs=ASSESSMENT),
                                        kwargs=ASSESSMENT, method="post", data=CONFIRMED),
}
