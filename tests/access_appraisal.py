"""Access-matrix lines of one capability (format: top of tests/access_matrix.py): the appraisal board's pages and
the unit's explanation page (issue 3)."""
# Imported at the bottom of access_matrix.py, once these names exist there.
from .access_matrix import CONFIRMED, LOGIN, MANAGERS_ONLY, OWN_UNIT_ONLY, SIGNED_IN, UNIT, Redirect, access  # noqa: F401

CYCLE = {"pk": "appraisal_cycle"}
CRITERION = {"pk": "appraisal_cycle", "criterion_pk": "appraisal_criterion"}
FILE = {"pk": "appraisal_assessment"}
LEAF = {"pk": "appraisal_assessment", "criterion_pk": "appraisal_criterion"}
ASKED_LEAF = {"pk": "appraisal_leaf_score"}
BACK_TO_FILE = Redirect("scoring:appraisal_assessment", kwargs=FILE)
BACK_TO_QUESTIONS = Redirect("scoring:explanation_list", kwargs=FILE)
# The board: managers and appraisers. Leaders read results, not the board's work; unit users never.
BOARD = {"anonymous": LOGIN, "managers": 200, "appraiser": 200, "others": 403}
# A file: another unit's is not revealed to a unit user (404).
BOARD_ON_FILE = {**BOARD, "unit_users_on_other": 404}
UNIT_ONLY_ON_FILE = {"anonymous": LOGIN, "signed_in": 403, "unit_users_on_other": 404}


def objects(own_unit, other_unit):
    """A cycle of 2021 of its own (the other capabilities work in 2024), each unit's file in it waiting for the
    explanation asked on leaf 1.1, which the personas' appraiser agency (Sở Tư pháp) appraises."""
    from decimal import Decimal

    from django.utils import timezone

    from tests.scoring.appraisal_data import S, leaf, make_cycle, make_file

    cycle = make_cycle(year=2021, block=own_unit.block)
    asked = {"self_score": Decimal(2), "explanation_question": "Bổ sung quyết định",
             "explanation_requested_at": timezone.now()}
    sides = {}
    for side, unit in (("own", own_unit), ("other", other_unit)):
        assessment = make_file(cycle, unit, S.EXPLANATION_REQUESTED, {"1.1": asked}, explanation_round=True)
        sides[side] = {"appraisal_cycle": cycle.pk, "appraisal_assessment": assessment.pk,
                       "appraisal_criterion": leaf(cycle, "1.1").pk,
                       "appraisal_leaf_score": assessment.scores.get().pk}
    return sides


MATRIX = {
    "scoring:appraisal_home": access(**BOARD),
    "scoring:appraisal_cycle": access(**BOARD, kwargs=CYCLE),
    "scoring:appraisal_criterion": access(**BOARD, kwargs=CRITERION),
    # Nothing is complete yet: the manager is sent back to the cycle with "no unit to finalize".
    "scoring:appraisal_cycle_finalize": access(**{**MANAGERS_ONLY, "managers": Redirect(
        "scoring:appraisal_cycle", kwargs=CYCLE)}, kwargs=CYCLE, method="post", data=CONFIRMED),
    # An appraiser finishes its agency's round 1, a manager opens the explanation round: both back on the cycle.
    "scoring:appraisal_cycle_round": access(**{**BOARD, "managers": Redirect("scoring:appraisal_cycle", kwargs=CYCLE),
                                               "appraiser": Redirect("scoring:appraisal_cycle", kwargs=CYCLE)},
                                            kwargs=CYCLE, method="post"),
    "scoring:appraisal_assessment": access(**BOARD_ON_FILE, kwargs=FILE),
    "scoring:appraisal_leaf": access(**BOARD_ON_FILE, kwargs=LEAF),
    "scoring:appraisal_accept_untouched": access(**{**BOARD_ON_FILE, "managers": BACK_TO_FILE,
                                                    "appraiser": BACK_TO_FILE}, kwargs=FILE, method="post",
                                                  data=CONFIRMED),
    # Refused (leaves lack a score): the manager is back on the file with the reason.
    "scoring:appraisal_finalize": access(**{**MANAGERS_ONLY, "managers": BACK_TO_FILE, "unit_users_on_other": 404},
                                         kwargs=FILE, method="post", data=CONFIRMED),
    "scoring:appraisal_reopen": access(**MANAGERS_ONLY, unit_users_on_other=404, kwargs=FILE),
    # Every reader of the file reads the questions; only its unit answers and submits.
    "scoring:explanation_list": access(**OWN_UNIT_ONLY, kwargs=FILE),
    "scoring:explanation_answer": access(**{**UNIT_ONLY_ON_FILE, "unit_users_on_own": BACK_TO_QUESTIONS},
                                         kwargs=ASKED_LEAF, method="post",
                                         data={"version": "1", "answer": "Đã ban hành QĐ 12"}),
    "scoring:explanation_submit": access(**{**UNIT_ONLY_ON_FILE, "unit_users_on_own": BACK_TO_QUESTIONS},
                                         kwargs=FILE, method="post", data=CONFIRMED),
}
