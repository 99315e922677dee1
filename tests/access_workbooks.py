"""Access-matrix lines of one capability (format: top of tests/access_matrix.py)."""
# Imported at the bottom of access_matrix.py, once these names exist there.
from .access_matrix import LOGIN, OWN_UNIT_ONLY, SIGNED_IN, access

WORKBOOK = {"pk": "workbook_assessment"}
STAGED = {"pk": "workbook_assessment", "token": "unknown_token"}
API_CYCLE = {"pk": "api_cycle"}
API_LEAF = {"pk": "api_leaf"}
# The documents of tests/access_evidence.py (stored in its temporary MEDIA_ROOT): one per unit, on its first leaf.
API_EVIDENCE = {"pk": "evidence"}
VERSION = {"version": 1}


def objects(own_unit, other_unit):
    """Each unit's assessment of 2024 (on the shared framework of route_objects; another capability may have
    opened the cycle already) and the score of its first leaf."""
    from scoring.models import Assessment, Cycle, Framework, LeafScore

    framework = Framework.objects.filter(year=2024, block=own_unit.block).order_by("-revision").first()
    cycle = Cycle.objects.get_or_create(year=2024, block=own_unit.block, defaults={"framework": framework})[0]
    leaf = cycle.framework.criteria.exclude(method="").order_by("position").first()
    sides = {}
    for side, unit in (("own", own_unit), ("other", other_unit)):
        assessment = Assessment.objects.get_or_create(cycle=cycle, unit=unit)[0]
        score = LeafScore.objects.get_or_create(assessment=assessment, criterion=leaf)[0]
        sides[side] = {"workbook_assessment": assessment.pk, "api_cycle": cycle.pk, "api_leaf": score.pk}
    return sides


# Writes refused to whoever may not make them (403) and another unit's objects not revealed (404); whoever may
# make them gets the services' refusal, since the assessment is a draft whose leaf is not scored (400).
REFUSED = {"anonymous": LOGIN, "signed_in": 403, "unit_users_on_other": 404}

MATRIX = {
    # The unit's workbook: its own officers and head, and the managers who help them; appraisers and leaders work
    # in the browser. Uploading is the unit's own act. A staged token not in the visitor's session is gone (404).
    "scoring:workbook_download": access(anonymous=LOGIN, signed_in=403, managers=200, unit_users_on_own=200,
                                        unit_users_on_other=404, kwargs=WORKBOOK),
    "scoring:workbook_upload": access(anonymous=LOGIN, signed_in=403, unit_users_on_own=200, unit_users_on_other=404,
                                      kwargs=WORKBOOK),
    "scoring:workbook_confirm": access(anonymous=LOGIN, signed_in=403, unit_users=404, kwargs=STAGED),
    # The API of the yearly cycle, with the pages' permissions. Both units are in the cycle's block.
    "scoring_api:cycle_list": access(**SIGNED_IN),
    "scoring_api:cycle_detail": access(**SIGNED_IN, kwargs=API_CYCLE),
    "scoring_api:assessment_list": access(**SIGNED_IN),
    "scoring_api:assessment_detail": access(**OWN_UNIT_ONLY, kwargs=WORKBOOK),
    "scoring_api:leaf_list": access(**OWN_UNIT_ONLY, kwargs=WORKBOOK),
    "scoring_api:leaf_detail": access(**OWN_UNIT_ONLY, kwargs=API_LEAF),
    "scoring_api:evidence_list": access(**OWN_UNIT_ONLY, kwargs=API_LEAF),
    "scoring_api:evidence_detail": access(**OWN_UNIT_ONLY, kwargs=API_EVIDENCE),
    "scoring_api:evidence_download": access(**OWN_UNIT_ONLY, kwargs=API_EVIDENCE),
    "scoring_api:assessment_submit": access(**REFUSED, unit_head_on_own=400, kwargs=WORKBOOK, method="post"),
    "scoring_api:assessment_finalize": access(**REFUSED, managers=400, kwargs=WORKBOOK, method="post"),
    "scoring_api:assessment_submit_explanation": access(**REFUSED, unit_users_on_own=400, kwargs=WORKBOOK,
                                                        method="post"),
    # The leaf has no appraising agency: only managers may decide on it (and the draft refuses them).
    **{f"scoring_api:leaf_{action}": access(**REFUSED, managers=400, kwargs=API_LEAF, method="post", data=VERSION)
       for action in ("accept", "adjust", "confirm_not_applicable", "reject_not_applicable", "request_explanation")},
    "scoring_api:leaf_answer": access(**REFUSED, unit_users_on_own=400, kwargs=API_LEAF, method="post",
                                      data={**VERSION, "answer": "Đã bổ sung kế hoạch"}),
    # The cycle as a whole: the managers' (closing, reopening an open cycle, finalizing with nothing complete all
    # succeed); unit users know the cycle of their block but may not run it (403).
    "scoring_api:cycle_close": access(anonymous=LOGIN, managers=200, others=403, kwargs=API_CYCLE, method="post"),
    "scoring_api:cycle_reopen": access(anonymous=LOGIN, managers=200, others=403, kwargs=API_CYCLE, method="post"),
    "scoring_api:cycle_finalize_complete": access(anonymous=LOGIN, managers=200, others=403, kwargs=API_CYCLE,
                                                  method="post"),
    # The board's bulk acceptance and the managers' reopening: the draft refuses whoever may act on it (400).
    "scoring_api:assessment_accept_untouched": access(**REFUSED, managers=400, appraiser=400, kwargs=WORKBOOK,
                                                      method="post"),
    "scoring_api:assessment_reopen": access(**REFUSED, managers=400, kwargs=WORKBOOK, method="post",
                                            data={"target": "in_appraisal", "reason": "Đơn vị khiếu nại"}),
    # Reusing a stored document: every reader sees the choices (empty unless they may add); only the unit's own
    # users cite, and a request without a source is refused (400).
    "scoring_api:evidence_sources": access(**OWN_UNIT_ONLY, kwargs=API_LEAF),
    "scoring_api:evidence_attach": access(**REFUSED, unit_users_on_own=400, kwargs=API_LEAF, method="post"),
    "scoring_api:evidence_link": access(**REFUSED, unit_users_on_own=400, kwargs=API_LEAF, method="post"),
    # The board's reason templates: managers and appraisers.
    "scoring_api:reason_template_list": access(anonymous=LOGIN, managers=200, appraiser=200, others=403),
}
