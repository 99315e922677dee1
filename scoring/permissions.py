"""Who may see and do what in scoring. Every view fetches through these helpers; role checks live nowhere else."""
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from .models import (Agency, Assessment, Criterion, Cycle, Evidence, Framework, IndexEdition, Job, LeafScore, Method,
                     Publication, Role, Scenario, Unit, UnitResult, User)

MANAGERS = (Role.ADMIN, Role.COORDINATOR)


def is_manager(user):
    """Runs the yearly cycle: coordinators (Home Affairs) and administrators."""
    return user.is_authenticated and (user.role in MANAGERS or user.is_superuser)


def require_manager(user):
    if not is_manager(user):
        raise PermissionDenied


def may_grant_role(actor, role):
    """Who may create or change an account of `role`: the command line (actor None) and administrators any role, a
    coordinator every role but admin."""
    if actor is None or actor.role == Role.ADMIN or actor.is_superuser:
        return True
    return actor.role == Role.COORDINATOR and role != Role.ADMIN


def is_admin(user):
    return user.is_authenticated and (user.role == Role.ADMIN or user.is_superuser)


def require_admin(user):
    if not is_admin(user):
        raise PermissionDenied


def require_account_manager(user):
    """Accounts, agencies, blocks and the setup checklist: administrators and coordinators."""
    require_manager(user)


def accounts_visible_to(user):
    return User.objects.all() if is_manager(user) else User.objects.none()


def get_agency_for_user(user, pk, *, write=False):
    require_manager(user)
    return get_object_or_404(Agency, pk=pk)


def units_visible_to(user):
    units = Unit.objects.select_related("block")
    if not user.is_authenticated:
        return units.none()
    if user.is_unit_user:
        return units.filter(pk=user.unit_id)
    return units


def get_unit_for_user(user, pk, *, write=False):
    """Another unit's record answers 404 so its existence is not revealed."""
    unit = get_object_or_404(units_visible_to(user), pk=pk)
    if write:
        require_manager(user)
    return unit


def frameworks_visible_to(user):
    """Frameworks are the published rules: every signed-in role reads them."""
    if not user.is_authenticated:
        return Framework.objects.none()
    return Framework.objects.select_related("block", "index")


def get_framework_for_user(user, pk, *, write=False):
    framework = get_object_or_404(frameworks_visible_to(user), pk=pk)
    if write:
        require_manager(user)
    return framework


# --- Results, their runs and publications (issue 4) -------------------------------------------------------------


def results_visible_to(user):
    """Managers, leaders and appraisers read every result; a unit user only its own unit's."""
    results = UnitResult.objects.select_related("unit", "framework")
    if not user.is_authenticated:
        return results.none()
    if user.is_unit_user:
        return results.filter(unit=user.unit_id)
    return results


def require_results_manager(user):
    """Starting a results run and publishing are the managers' acts."""
    require_manager(user)


def jobs_visible_to(user):
    """Managers follow every job; anyone else only the jobs they started."""
    if not user.is_authenticated:
        return Job.objects.none()
    if is_manager(user):
        return Job.objects.all()
    return Job.objects.filter(created_by=user)


def get_job_for_user(user, pk):
    return get_object_or_404(jobs_visible_to(user), pk=pk)


def publications_visible_to(user):
    """A publication is the People's Committee's public table: every signed-in role reads it."""
    if not user.is_authenticated:
        return Publication.objects.none()
    return Publication.objects.select_related("published_by")


def get_publication_for_user(user, pk):
    return get_object_or_404(publications_visible_to(user), pk=pk)


def get_edition_for_manager(user, pk):
    """An edition of an index not scored leaf by leaf (DDCI, an imported DTI): its import and publication are the
    managers'."""
    require_manager(user)
    return get_object_or_404(IndexEdition.objects.select_related("index", "block"), pk=pk)


# --- The yearly cycle (issue 3) --------------------------------------------------------------------------------
# Reading: unit users their own unit's assessments; managers, appraisers and leaders every assessment.
# Writing, by action (get_leaf_score_for_user(..., action=...)):
#   "self"     the unit's officer or head, on their own unit (the workflow then says whether the state allows it)
#   "submit"   the unit's head only
#   "appraise" managers on every leaf; an appraiser on the leaves assigned to their agency
#   "manage"   managers: open cycles, deadlines, finalize, reopen
# Leaders read everything and change nothing.

SELF_ACTIONS = ("self", "explain")


def cycles_visible_to(user):
    cycles = Cycle.objects.select_related("block", "framework")
    if not user.is_authenticated:
        return cycles.none()
    if user.is_unit_user:
        return cycles.filter(block__units=user.unit_id)
    return cycles


def get_cycle_for_user(user, pk, *, write=False):
    cycle = get_object_or_404(cycles_visible_to(user), pk=pk)
    if write:
        require_manager(user)
    return cycle


def assessments_visible_to(user):
    assessments = Assessment.objects.select_related("cycle__block", "cycle__framework__index", "unit")
    if not user.is_authenticated:
        return assessments.none()
    if user.is_unit_user:
        return assessments.filter(unit=user.unit_id)
    return assessments


def get_assessment_for_user(user, pk, *, action=None):
    """Another unit's assessment answers 404 so its existence is not revealed; a known one the user may not
    change answers 403."""
    assessment = get_object_or_404(assessments_visible_to(user), pk=pk)
    if action is not None and not may_act_on_assessment(user, assessment, action):
        raise PermissionDenied
    return assessment


def may_act_on_assessment(user, assessment, action):
    if action in SELF_ACTIONS:
        return user.is_unit_user and user.unit_id == assessment.unit_id
    if action == "submit":
        return user.role == Role.UNIT_HEAD and user.unit_id == assessment.unit_id
    if action == "appraise":
        return is_manager(user) or user.role == Role.APPRAISER
    if action == "manage":
        return is_manager(user)
    raise ValueError(action)


def leaf_scores_visible_to(user):
    scores = LeafScore.objects.select_related("assessment__cycle__framework", "assessment__unit", "criterion")
    if not user.is_authenticated:
        return scores.none()
    if user.is_unit_user:
        return scores.filter(assessment__unit=user.unit_id)
    return scores


def get_leaf_score_for_user(user, pk, *, action=None):
    score = get_object_or_404(leaf_scores_visible_to(user), pk=pk)
    if action is not None and not may_act_on_leaf(user, score, action):
        raise PermissionDenied
    return score


def may_act_on_leaf(user, score, action):
    if action == "appraise":
        return may_appraise_criterion(user, score.criterion)
    return may_act_on_assessment(user, score.assessment, action)


def may_appraise_criterion(user, criterion):
    """Managers appraise every leaf; an appraiser the appraised leaves assigned to their agency. Survey leaves
    take their points from the survey, never from an appraiser."""
    if criterion.method == Method.SURVEY:
        return False
    if is_manager(user):
        return True
    return user.is_authenticated and user.role == Role.APPRAISER and criterion.agency_id == user.agency_id


def criteria_appraisable_by(user, criteria):
    """The leaves of `criteria` (a Criterion queryset) that `user` may appraise."""
    leaves = criteria.exclude(method="").exclude(method=Method.SURVEY)
    if is_manager(user):
        return leaves
    if user.is_authenticated and user.role == Role.APPRAISER:
        return leaves.filter(agency=user.agency_id)
    return leaves.none()


def evidence_visible_to(user):
    """Evidence follows its assessment: a unit never sees another unit's documents."""
    evidence = Evidence.objects.select_related("file", "leaf_score__assessment__unit")
    if not user.is_authenticated:
        return evidence.none()
    if user.is_unit_user:
        return evidence.filter(leaf_score__assessment__unit=user.unit_id)
    return evidence


def get_evidence_for_user(user, pk, *, write=False):
    evidence = get_object_or_404(evidence_visible_to(user), pk=pk)
    if write and not may_act_on_assessment(user, evidence.leaf_score.assessment, "self"):
        raise PermissionDenied
    return evidence


# --- Dashboards, scorecards and the planner (issue 6) ----------------------------------------------------------


def may_see_dashboards(user):
    """Ranking dashboards and province analyses: leaders, managers and appraisers."""
    return user.is_authenticated and not user.is_unit_user


def require_dashboard_reader(user):
    if not may_see_dashboards(user):
        raise PermissionDenied


def get_scorecard_unit_for_user(user, pk):
    """A unit's scorecard: its own users, and every non-unit role. Another unit's answers 404 (before and after
    publication: the public page shows the published ranking, not other units' scorecards)."""
    return get_unit_for_user(user, pk)


def scenarios_visible_to(user):
    scenarios = Scenario.objects.select_related("unit")
    if not user.is_authenticated:
        return scenarios.none()
    if user.is_unit_user:
        return scenarios.filter(unit=user.unit_id)
    return scenarios


def get_scenario_for_user(user, pk, *, write=False):
    scenario = get_object_or_404(scenarios_visible_to(user), pk=pk)
    if write and scenario.created_by_id != user.pk and not is_manager(user):
        raise PermissionDenied
    return scenario


# --- The appraisal board's pages (issue 3) ----------------------------------------------------------------------


def is_board_member(user):
    """The appraisal board: managers and appraisers. Leaders read results, not the board's work in progress."""
    return is_manager(user) or (user.is_authenticated and user.role == Role.APPRAISER)


def require_board_member(user):
    if not is_board_member(user):
        raise PermissionDenied


def get_criterion_to_appraise(user, framework_id, pk):
    """A leaf of the framework that `user` may appraise: 404 when it is not a leaf of it, 403 when it is another
    agency's (or a survey leaf)."""
    criterion = get_object_or_404(Criterion.objects.select_related("agency").exclude(method=""),
                                  framework=framework_id, pk=pk)
    if not may_appraise_criterion(user, criterion):
        raise PermissionDenied
    return criterion


def public_publications():
    """The public page (no login) shows published snapshots and nothing else: never live results or scorecards."""
    return Publication.objects.all()


# --- The unit's offline workbook (issue 3) ----------------------------------------------------------------------


def get_assessment_workbook_for_user(user, pk):
    """The unit's self-assessment workbook: its own officers and head, and the managers who help them. Another
    unit's answers 404; appraisers and leaders work in the browser (403)."""
    assessment = get_assessment_for_user(user, pk)
    if not (is_manager(user) or may_act_on_assessment(user, assessment, "self")):
        raise PermissionDenied
    return assessment
