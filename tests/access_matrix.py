"""Who may open which route: the access matrix, one line per URL name.

tests/test_access_matrix.py fails when a route of the project has no line here, and requests every line as each
persona of tests/conftest.py (one user per role; unit roles belong to own_unit) and as an anonymous visitor.

    "scoring:unit_detail": access(anonymous=LOGIN, signed_in=200, unit_users_on_other=404, kwargs={"pk": "unit"}),

Audiences, broadest first; a narrower audience overrides a broader one, whatever the order of the keywords:

    everyone     the anonymous visitor and every role
    signed_in    every role: admin, coordinator, appraiser, unit_officer, unit_head, leader
    managers     admin, coordinator (they run the yearly cycle)
    others       every role that is not a manager
    unit_users   unit_officer, unit_head
    <role>       one role, e.g. leader=403
    anonymous    a visitor who has not signed in

Every role is asked twice: about objects of its own unit (own_unit) and of another unit (other_unit). Suffix a
role audience with "_on_own" or "_on_other" to set one side only (unit_users_on_other=404); without a suffix both
sides get the same answer, as for frameworks, which every unit shares. The anonymous visitor is asked once.

Outcomes:

    200, 403, 404...    the status code
    LOGIN               the visitor must sign in: a 302 to the login page, or 401 for the API (paths under /api/)
    Redirect("home")    a 302 to that route (with or without a query string); for a route with kwargs,
                        Redirect("surveys:invitation_list", kwargs=INVITED_GROUP)

Other keywords:

    kwargs   the route's URL kwargs, each naming a value of the route_objects fixture in test_access_matrix.py:
             "unit" (own_unit or other_unit), "framework" (a shared framework), "unknown_token" (in no session),
             "survey" (a survey rating both units), "invited_group" (its group invited by name), "question" (a
             question of that group, not answered yet), "survey_code" and "unit_code" (its public link for own_unit
             or other_unit; "own_unit_code" is own_unit's on both sides), "job" (a results run of 2024 that no
             persona started, still queued), "publication" (a publication of 2024)
    method   "get" (the default) or "post" for routes that only accept POST
    data     the request body
"""
from dataclasses import dataclass, field

ROLES = ("admin", "coordinator", "appraiser", "unit_officer", "unit_head", "leader")
ANONYMOUS = "anonymous"
SIDES = ("own", "other")
AUDIENCES = {  # broadest first
    "everyone": (ANONYMOUS, *ROLES),
    "signed_in": ROLES,
    "managers": ("admin", "coordinator"),
    "others": ("appraiser", "unit_officer", "unit_head", "leader"),
    "unit_users": ("unit_officer", "unit_head"),
    **{role: (role,) for role in ROLES},
    ANONYMOUS: (ANONYMOUS,),
}
LOGIN = "LOGIN"
# The POST that carries out an irreversible action once its confirmation step was passed (parindex/confirmation.py).
CONFIRMED = {"confirmed": "1"}


@dataclass(frozen=True)
class Redirect:
    route: str
    kwargs: dict = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class Access:
    outcomes: dict  # (who, side) -> outcome; the anonymous visitor has side None
    kwargs: dict = field(default_factory=dict)
    method: str = "get"
    data: dict = field(default_factory=dict)

    def expected(self, who, side):
        return self.outcomes[(who, None if who == ANONYMOUS else side)]


def access(*, kwargs=None, method="get", data=None, **audiences):
    outcomes = {}
    for key in sorted(audiences, key=specificity):
        audience, sides = split_side(key)
        for who in AUDIENCES[audience]:
            for side in (None,) if who == ANONYMOUS else sides:
                outcomes[(who, side)] = audiences[key]
    missing = [f"{who} ({side})" for who in ROLES for side in SIDES if (who, side) not in outcomes]
    missing += [ANONYMOUS] if (ANONYMOUS, None) not in outcomes else []
    if missing:
        raise ValueError(f"access(): no outcome for {', '.join(missing)}")
    return Access(outcomes, kwargs or {}, method, data or {})


def split_side(key):
    for side in SIDES:
        if key.endswith(f"_on_{side}"):
            audience = key.removesuffix(f"_on_{side}")
            if audience not in AUDIENCES or audience == ANONYMOUS:
                raise ValueError(f"access(): unknown audience {key!r}")
            return audience, (side,)
    if key not in AUDIENCES:
        raise ValueError(f"access(): unknown audience {key!r}")
    return key, SIDES


def specificity(key):
    audience, sides = split_side(key)
    return list(AUDIENCES).index(audience), len(sides) == 1


# A namespace listed here is covered by its one entry (the Django admin guards all its pages the same way).
WHOLE_NAMESPACES = {"admin": "admin:index"}

MANAGERS_ONLY = {"anonymous": LOGIN, "managers": 200, "others": 403}
SIGNED_IN = {"anonymous": LOGIN, "signed_in": 200}
OWN_UNIT_ONLY = {**SIGNED_IN, "unit_users_on_other": 404}
UNIT = {"pk": "unit"}
FRAMEWORK = {"pk": "framework"}
TOKEN = {"token": "unknown_token"}
SURVEY_READERS = {"anonymous": LOGIN, "managers": 200, "others": 403, "leader": 200}
SURVEY = {"pk": "survey"}
INVITED_GROUP = {"pk": "survey", "group_pk": "invited_group"}
PUBLIC_LINK = {"survey_code": "survey_code", "unit_code": "unit_code"}
RESULTS_OF_SO_2024 = {"year": "2024", "block": "SO"}
JOB = {"pk": "job"}
PUBLICATION = {"pk": "publication"}
BACK_TO_INVITATIONS = Redirect("surveys:invitation_list", kwargs=INVITED_GROUP)
QUESTION = {"pk": "survey", "question_pk": "question"}
BACK_TO_DESIGN = Redirect("surveys:survey_design", kwargs=SURVEY)

MATRIX = {
    "home": access(**SIGNED_IN),
    "healthz": access(everyone=200),
    "login": access(anonymous=200, signed_in=Redirect("home")),
    "logout": access(everyone=Redirect("login"), method="post"),
    "password_change": access(**SIGNED_IN),
    "password_change_done": access(**SIGNED_IN),
    "session_keepalive": access(**SIGNED_IN),
    "notice_settings": access(**SIGNED_IN),
    "set_language": access(everyone=Redirect("home"), method="post", data={"language": "vi", "next": "/"}),
    "admin:index": access(everyone=Redirect("admin:login"), admin=200),
    "api_schema": access(**SIGNED_IN),
    "api_docs": access(**SIGNED_IN),
    "scoring:framework_list": access(**SIGNED_IN),
    "scoring:framework_detail": access(**SIGNED_IN, kwargs=FRAMEWORK),
    "scoring:framework_export": access(**SIGNED_IN, kwargs=FRAMEWORK),
    "scoring:framework_import": access(**MANAGERS_ONLY),
    "scoring:framework_template": access(**MANAGERS_ONLY),
    # A token that is not in the visitor's session: managers learn it is gone, others may not ask at all.
    "scoring:framework_import_confirm": access(anonymous=LOGIN, managers=404, others=403, kwargs=TOKEN),
    "scoring:unit_list": access(**SIGNED_IN),
    "scoring:unit_detail": access(**OWN_UNIT_ONLY, kwargs=UNIT),
    "scoring_api:unit_list": access(**SIGNED_IN),
    "scoring_api:unit_detail": access(**OWN_UNIT_ONLY, kwargs=UNIT),
    "scoring_api:framework_list": access(**SIGNED_IN),
    "scoring_api:framework_detail": access(**SIGNED_IN, kwargs=FRAMEWORK),
    "surveys:survey_list": access(**SURVEY_READERS),
    "surveys:survey_detail": access(**SURVEY_READERS, kwargs=SURVEY),
    "surveys:public_links": access(**SURVEY_READERS, kwargs=SURVEY),
    "surveys:sample_plan": access(**SURVEY_READERS, kwargs=SURVEY),
    "surveys:paper_entry": access(**MANAGERS_ONLY, kwargs=SURVEY),
    "surveys:invitation_list": access(**SURVEY_READERS, kwargs=INVITED_GROUP),
    "surveys:invitation_issue": access(**MANAGERS_ONLY, kwargs=INVITED_GROUP),
    # Sending and reminding redirect back to the invitation list.
    "surveys:invitation_send": access(**{**MANAGERS_ONLY, "managers": BACK_TO_INVITATIONS}, kwargs=INVITED_GROUP,
                                      method="post"),
    "surveys:invitation_remind": access(**{**MANAGERS_ONLY, "managers": BACK_TO_INVITATIONS}, kwargs=INVITED_GROUP,
                                        method="post"),
    "surveys:invitation_sheet": access(**MANAGERS_ONLY, kwargs=INVITED_GROUP, method="post"),
    # Respondents have no account: the link is the permission (an unknown token gets a page in Vietnamese, 404).
    "surveys:answer_token": access(everyone=404, kwargs=TOKEN),
    "surveys:answer_public": access(everyone=200, kwargs=PUBLIC_LINK),
    "surveys:answer_thanks": access(everyone=200),
    "surveys:kiosk_next": access(everyone=404, method="post"),  # this device is no kiosk
    # A manager turns this device into a kiosk for own_unit's public link (data names it on both sides).
    "surveys:kiosk_start": access(**{**MANAGERS_ONLY, "managers": Redirect("surveys:answer_public", kwargs={
        "survey_code": "survey_code", "unit_code": "own_unit_code"})}, kwargs=SURVEY, method="post",
        data={"unit": "SNV"}),
    # Survey results (issue 5): readers see the page; the exports hold every answer, so only managers download.
    "surveys:survey_results": access(**SURVEY_READERS, kwargs=SURVEY),
    "surveys:survey_export_answers": access(**MANAGERS_ONLY, kwargs=SURVEY),
    "surveys:survey_export_aggregates": access(**MANAGERS_ONLY, kwargs=SURVEY),
    # The design editor and the design workbook in the browser are the managers'.
    "surveys:survey_create": access(**MANAGERS_ONLY),
    "surveys:survey_edit": access(**MANAGERS_ONLY, kwargs=SURVEY),
    "surveys:survey_design": access(**MANAGERS_ONLY, kwargs=SURVEY),
    "surveys:survey_design_export": access(**MANAGERS_ONLY, kwargs=SURVEY),
    "surveys:group_create": access(**MANAGERS_ONLY, kwargs=SURVEY),
    "surveys:group_edit": access(**MANAGERS_ONLY, kwargs=INVITED_GROUP),
    "surveys:question_create": access(**MANAGERS_ONLY, kwargs=INVITED_GROUP),
    "surveys:question_edit": access(**MANAGERS_ONLY, kwargs=QUESTION),
    # The question has no answer yet: it is deleted and the manager is back on the design page.
    "surveys:question_delete": access(**{**MANAGERS_ONLY, "managers": BACK_TO_DESIGN}, kwargs=QUESTION,
                                      method="post"),
    "surveys:design_import": access(**MANAGERS_ONLY),
    # As for frameworks: a token that is not in the visitor's session.
    "surveys:design_import_confirm": access(anonymous=LOGIN, managers=404, others=403, kwargs=TOKEN),
    # Results (issue 4). Unit users read only their own unit's row (tests/scoring/test_views_results.py).
    "scoring:results": access(**SIGNED_IN),
    "scoring:results_export": access(**SIGNED_IN, data=RESULTS_OF_SO_2024),
    "scoring_api:result_list": access(**SIGNED_IN, data=RESULTS_OF_SO_2024),
    # A run of a scope already queued is that job: managers land on its page.
    "scoring:results_run": access(anonymous=LOGIN, managers=Redirect("scoring:job_detail", kwargs=JOB), others=403,
                                  method="post", data={"year": "2024"}),
    # A job is its starter's and the managers': anyone else is not told it exists.
    "scoring:job_detail": access(anonymous=LOGIN, managers=200, others=404, kwargs=JOB),
    "scoring:job_status": access(anonymous=LOGIN, managers=200, others=404, kwargs=JOB),
    # Refused while that run is queued: the manager is sent back to the results page with the reason.
    "scoring:publication_create": access(anonymous=LOGIN, managers=Redirect("scoring:results"), others=403,
                                         method="post", data={"year": "2024", **CONFIRMED}),
    "scoring:publication_list": access(**SIGNED_IN),
    "scoring:publication_detail": access(**SIGNED_IN, kwargs=PUBLICATION),
    "scoring:publication_content": access(**SIGNED_IN, kwargs=PUBLICATION),
}


# Each capability keeps its lines (and the objects its routes need) in a module of its own, so that work on one
# does not touch another's: tests/access_<capability>.py with MATRIX and objects(own_unit, other_unit).
from . import (access_appraisal, access_cycles, access_dashboards, access_evidence, access_indices,  # noqa: E402
               access_onboarding, access_planner, access_scorecards, access_workbooks)

CAPABILITIES = (access_cycles, access_evidence, access_appraisal, access_workbooks, access_dashboards,
                access_scorecards, access_planner, access_onboarding, access_indices)
for capability in CAPABILITIES:
    MATRIX.update(capability.MATRIX)
