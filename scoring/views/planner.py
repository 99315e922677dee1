"""The improvement planner (issue 6): a unit's distances to its next grade and to higher ranks, the leaves where it
lost points, a what-if on chosen leaves (recomputed by scoring/planning.py, saved nowhere unless the user saves the
scenario), and the province's analyses for Home Affairs and leaders."""
import re
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Max
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import planning, selectors
from ..permissions import (
    get_scenario_for_user, get_scorecard_unit_for_user, is_manager, may_see_dashboards, require_dashboard_reader,
    results_visible_to, scenarios_visible_to, units_visible_to,
)
from ..models.indices import PAR
from ..rules import format_decimal_vi
from ..selectors import planner as plans
from ..services.scenarios import scenario_delete, scenario_save
from .index_choice import index_asked, index_context

PLACES, MAX_PLACES = 5, 100  # the province's target: "raise the index by 5-7 places"
LEAF_FIELD = "leaf-"
NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
PAGE_SIZE = 20
NAME_LENGTH = 200


@login_required
def planner_home(request):
    """The nav's entry: a unit's users go to their unit's plan, the others to the province's analyses."""
    user = request.user
    if user.is_unit_user:
        unit = get_scorecard_unit_for_user(user, user.unit_id)
        years = plans.unit_plan_years(unit)
        return redirect("scoring:planner", pk=unit.pk, year=years[0] if years else timezone.localdate().year)
    require_dashboard_reader(user)
    year = (results_visible_to(user).filter(index_code=PAR).aggregate(year=Max("year"))["year"]
            or timezone.localdate().year)
    return redirect("scoring:planner_province", year=year)


# --- One unit ---------------------------------------------------------------------------------------------------


@login_required
def unit_planner(request, pk, year):
    """GET shows the plan (or a saved scenario, ?scenario=); POST is the what-if without JavaScript."""
    unit = get_scorecard_unit_for_user(request.user, pk)
    index = _index(request)
    places, places_error = _places(request.POST.get("places") or request.GET.get("places"))
    plan = plans.unit_plan(unit, year, places=places, index_code=index.code)
    values, scenario = {}, None
    if plan is not None and request.method == "POST":
        values = _posted_values(request.POST)
    elif plan is not None and request.GET.get("scenario"):
        scenario = plans.scenario_find(scenarios_visible_to(request.user), request.GET["scenario"], unit, year,
                                       index.code)
        if scenario is None:
            raise Http404(_("Không có kịch bản này."))
        values = {code: format_decimal_vi(Decimal(points)) for code, points in scenario.changes.items()}
    return _render_planner(request, unit, year, plan, values, places_error=places_error, scenario=scenario)


def _index(request):
    """The index planned (?index=, or the form's hidden field on a POST; PAR by default)."""
    return index_asked(request.POST if request.method == "POST" and "index" in request.POST else request.GET)


def _index_query(index, **params):
    """A query string of `params` with the index (none for PAR, as before indices became data)."""
    query = urlencode({**params, **({} if index.code == PAR else {"index": index.code})})
    return f"?{query}" if query else ""


@login_required
@require_POST
def planner_what_if(request, pk, year):
    """The what-if as JSON for planner.js: the result box re-rendered, or the errors by leaf code."""
    unit = get_scorecard_unit_for_user(request.user, pk)
    plan = plans.unit_plan(unit, year, places=_places(request.POST.get("places"))[0], index_code=_index(request).code)
    if plan is None:
        return JsonResponse({"ok": False, "errors": {"": _("Chưa có kết quả năm %(year)s.") % {"year": year}}},
                            status=404)
    changes, errors = _changes(plan, _posted_values(request.POST))
    if errors:
        return JsonResponse({"ok": False, "errors": errors}, status=400)
    what_if = plan.what_if(changes)
    html = render_to_string("scoring/planner_result.html", _result_context(plan, what_if, changes), request)
    result = what_if.result
    return JsonResponse({"ok": True, "html": html, "changed": sorted(changes), "total": str(result.total),
                         "index": None if result.index is None else str(result.index), "grade": result.grade,
                         "rank": what_if.rank})


@login_required
@require_POST
def planner_scenario_save(request, pk, year):
    unit, index = get_scorecard_unit_for_user(request.user, pk), _index(request)
    plan = plans.unit_plan(unit, year, places=_places(request.POST.get("places"))[0], index_code=index.code)
    if plan is None:
        raise Http404(_("Chưa có kết quả năm %(year)s.") % {"year": year})
    values = _posted_values(request.POST)
    changes, errors = _changes(plan, values)
    name = request.POST.get("name", "").strip()
    if not name:
        errors["name"] = _("Đặt tên cho kịch bản, ví dụ “Hoàn thiện văn bản QPPL”.")
    elif len(name) > NAME_LENGTH:
        errors["name"] = _("Tên kịch bản dài tối đa %(n)s ký tự.") % {"n": NAME_LENGTH}
    elif "\x00" in name:  # PostgreSQL refuses it: a message, not a 500
        errors["name"] = _("Tên kịch bản có ký tự không hợp lệ.")
    if not changes and not errors:
        errors["name"] = _("Chưa thay đổi điểm tiêu chí nào: nhập điểm giả định trước khi lưu.")
    if errors:
        return _render_planner(request, unit, year, plan, values, errors=errors, name=name)
    scenario = scenario_save(unit=unit, year=year, name=name, changes=changes, user=request.user,
                             index_code=index.code)
    messages.success(request, _("Đã lưu kịch bản “%(name)s”.") % {"name": scenario.name})
    return redirect(f"{reverse('scoring:planner', args=[unit.pk, year])}{_index_query(index, scenario=scenario.pk)}")


@login_required
@require_POST
def planner_scenario_delete(request, pk):
    scenario = get_scenario_for_user(request.user, pk, write=True)
    unit_pk, year, name = scenario.unit_id, scenario.year, scenario.name
    index = index_asked({"index": scenario.index_code})
    scenario_delete(scenario=scenario)
    messages.success(request, _("Đã xóa kịch bản “%(name)s”.") % {"name": name})
    return redirect(f"{reverse('scoring:planner', args=[unit_pk, year])}{_index_query(index)}")


def _render_planner(request, unit, year, plan, values, *, errors=None, places_error="", scenario=None, name=""):
    errors = dict(errors or {})
    changes = {}
    if plan is not None and values:
        changes, value_errors = _changes(plan, values)
        errors = {**value_errors, **errors}
    what_if = plan.what_if(changes) if plan is not None and changes and not errors else None
    index = _index(request)
    scenarios = plans.unit_scenarios(scenarios_visible_to(request.user), unit, year, index.code)
    page = Paginator(scenarios, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "scoring/planner.html", {
        "unit": unit, "year": year, "plan": plan, "years": plans.unit_plan_years(unit, index.code),
        **index_context(request, year, unit.block_id, index),
        "rows": _rows(plan, values, changes, errors) if plan else [], "errors": errors, "places_error": places_error,
        "scenario": scenario, "scenarios": page, "scenario_name": name or (scenario.name if scenario else ""),
        "pager": _pager(request, page, "page"), "show_peer_names": may_see_dashboards(request.user),
        "can_delete_any": is_manager(request.user),
        "goals": _goals(plan, may_see_dashboards(request.user)) if plan else [],
        **(_result_context(plan, what_if, changes) if plan else {}),
    }, status=400 if errors and request.method == "POST" else 200)


def _result_context(plan, what_if, changes):
    labels = plan.grade_labels
    return {"plan": plan, "what_if": what_if, "changed_count": len(changes),
            "current_grade": labels.get(plan.current.grade, plan.current.grade),
            "what_if_grade": labels.get(what_if.result.grade, what_if.result.grade) if what_if else None,
            **_rank_move(plan.rank, what_if.rank if what_if else None)}


def _rank_move(rank, new_rank):
    move = 0 if rank is None or new_rank is None else rank - new_rank
    return {"rank_gain": max(move, 0), "rank_loss": max(-move, 0)}


def _rows(plan, values, changes, errors):
    """The leaves table: the leaves with points to recover, and any other leaf the what-if changes."""
    listed = {leaf.code for leaf in plan.table}
    extra = [leaf for leaf in plan.all_rows if leaf.code in values and leaf.code not in listed]
    return [{"leaf": leaf, "value": values.get(leaf.code, _shown(leaf.score)), "changed": leaf.code in changes,
             "error": errors.get(leaf.code, "")} for leaf in [*plan.table, *extra]]


# --- Goals ------------------------------------------------------------------------------------------------------


def _goals(plan, show_names):
    """The three goals as table rows: a title, the gap (None: no such goal) and notes in Vietnamese."""
    precision = plan.rules.precision
    return [_grade_goal_row(plan, precision), _above_goal_row(plan, show_names, precision),
            _places_goal_row(plan)]


def _grade_goal_row(plan, precision):
    goal = plan.grade_goal
    if goal is None:
        return {"kind": "grade", "title": _("Lên xếp loại cao hơn"), "gap": None,
                "notes": [_("Đơn vị đã ở xếp loại cao nhất.") if plan.current.grade else _("Chưa có xếp loại.")]}
    notes = [] if goal.gap.reachable else [_("Không thể đạt: vượt điểm tối đa.")]
    if goal.blocking:
        notes.append(_("Chỉ số đã đạt nhưng còn vướng điều kiện:") if goal.index_reached
                     else _("Ngoài chỉ số, còn cần đạt điều kiện:"))
    label = plan.grade_labels.get(goal.grade, goal.grade)
    return {"kind": "grade", "title": _("Lên xếp loại “%(grade)s”") % {"grade": label}, "gap": goal.gap,
            "notes": notes, "conditions": [_condition_text(plan, gap, precision) for gap in goal.blocking]}


def _condition_text(plan, gap, precision):
    values = {"current": _number(gap.current, precision), "required": _number(gap.required, precision),
              "points": _number(gap.points, 3)}
    if gap.kind == planning.AREA:
        title = plan.area_titles.get(gap.code, "")
        return _("%(code)s. %(title)s: chỉ số %(current)s, cần từ %(required)s — thêm %(points)s điểm trong lĩnh "
                 "vực") % {**values, "code": gap.code, "title": title}
    if gap.kind == planning.SURVEY_INDEX:
        return _("Chỉ số điều tra XHH %(current)s, cần từ %(required)s — thêm %(points)s điểm điều tra") % values
    values["current"], values["required"] = _number(gap.current, 3), _number(gap.required, 3)
    return _("Điểm trừ %(current)s, tối đa %(required)s — cần giảm %(points)s điểm trừ") % values


def _above_goal_row(plan, show_names, precision):
    goal = plan.above_goal
    title = _("Vượt đơn vị xếp ngay trên")
    if goal is None:
        note = _("Đơn vị không xếp hạng.") if not plan.ranked or plan.rank is None else _("Đơn vị đang đứng đầu.")
        return {"kind": "above", "title": title, "gap": None, "notes": [note]}
    above = goal.gap.index - Decimal(1).scaleb(-precision)
    names = ", ".join(plan.peer_names[key] for key in goal.passes)
    note = (_("%(names)s, chỉ số %(index)s") % {"names": names, "index": _number(above, precision)} if show_names
            else _("Đơn vị xếp ngay trên có chỉ số %(index)s") % {"index": _number(above, precision)})
    notes = [note, _("Sau đó: hạng %(rank)s") % {"rank": goal.rank}]
    return {"kind": "above", "title": title, "gap": goal.gap,
            "notes": notes if goal.gap.reachable else [*notes, _("Không thể đạt: vượt điểm tối đa.")]}


def _places_goal_row(plan):
    goal = plan.places_goal
    title = _("Tăng %(n)s bậc") % {"n": plan.places}
    if goal is None:
        note = _("Đơn vị không xếp hạng.") if not plan.ranked or plan.rank is None else _("Đơn vị đang đứng đầu.")
        return {"kind": "places", "title": title, "gap": None, "notes": [note]}
    notes = [_("Lên hạng %(rank)s (tăng %(places)s bậc)") % {"rank": goal.rank, "places": goal.places}]
    if plan.rank - plan.places < 1:
        notes.append(_("Chỉ còn %(n)s bậc để lên hạng 1.") % {"n": plan.rank - 1})
    if not goal.gap.reachable:
        notes.append(_("Không thể đạt: vượt điểm tối đa."))
    return {"kind": "places", "title": title, "gap": goal.gap, "notes": notes}


def _number(value, places):
    return "—" if value is None else number_format(value, places)


def _shown(points):
    return "" if points is None else format_decimal_vi(points)


# --- What-if input ----------------------------------------------------------------------------------------------


def _posted_values(data):
    return {key.removeprefix(LEAF_FIELD): value.strip() for key, value in data.items()
            if key.startswith(LEAF_FIELD)}


def _changes(plan, values):
    """({code: points} that differ from the official scores, {code: error in Vietnamese}); blanks change nothing."""
    leaves = {leaf.code: leaf for leaf in plan.leaves if not leaf.not_applicable}
    changes, errors = {}, {}
    for code, text in values.items():
        if not text:
            continue
        leaf = leaves.get(code)
        points, error = _points(text, leaf, code)
        if error:
            errors[code] = error
        elif points != leaf.score:
            changes[code] = points
    return changes, errors


def _points(text, leaf, code):
    if leaf is None:
        return None, _("Tiêu chí %(code)s không có trong bộ chỉ số hoặc không áp dụng cho đơn vị.") % {"code": code}
    if not NUMBER.fullmatch(text):
        return None, _("Điểm phải là một số không âm, ví dụ 1,25.")
    points = Decimal(text.replace(",", "."))
    if points > leaf.max_points:
        return None, _("Điểm phải trong khoảng 0 đến %(max)s.") % {"max": format_decimal_vi(leaf.max_points)}
    if points != points.quantize(Decimal("0.001")):
        return None, _("Điểm có tối đa 3 chữ số thập phân.")
    return points, ""


def _places(text):
    """(places, error): the N of "gain N places", 5 unless a whole number from 1 to 100 is given."""
    if not text:
        return PLACES, ""
    if text.strip().isdigit() and 1 <= int(text) <= MAX_PLACES:
        return int(text), ""
    return PLACES, _("Số bậc cần tăng phải là số nguyên từ 1 đến %(max)s.") % {"max": MAX_PLACES}


# --- The province -----------------------------------------------------------------------------------------------


@login_required
def province_planner(request, year):
    require_dashboard_reader(request.user)
    index = index_asked(request.GET)
    blocks = list(selectors.blocks_of(units_visible_to(request.user)))
    block = next((b for b in blocks if b.code == request.GET.get("block")), blocks[0] if blocks else None)
    years = plans.province_years(block, index.code) if block else []
    framework = plans.province_framework(year, block, index.code) if block else None
    context = {"year": year, "blocks": blocks, "current_block": block, "years": years, "framework": framework,
               "precision": framework.precision if framework else 2, **index_context(request, year, block, index)}
    if framework is not None:
        context.update(_province_sections(request, year, block, framework, plans.history_years(years, year),
                                          index.code))
    return render(request, "scoring/planner_province.html", context)


def _province_sections(request, year, block, framework, history, index_code=PAR):
    needs = Paginator(plans.training_needs(framework), PAGE_SIZE).get_page(request.GET.get("page_needs"))
    units = Paginator(plans.self_gap_units(year, block, index_code), PAGE_SIZE).get_page(
        request.GET.get("page_units"))
    criteria = Paginator(plans.self_gap_criteria(framework), PAGE_SIZE).get_page(request.GET.get("page_criteria"))
    appraisers = Paginator(plans.appraiser_statistics(year, block, index_code), PAGE_SIZE).get_page(
        request.GET.get("page_appraisers"))
    unit_history = plans.self_gap_history([result.unit_id for result in units], history, index_code)
    criteria_history = plans.self_gap_criteria_history(block, [criterion.code for criterion in criteria], history,
                                                       index_code)
    return {
        "history": history,
        "needs": needs, "need_rows": plans.criteria_lost_rows(needs), "needs_pager": _pager(request, needs,
                                                                                           "page_needs"),
        "units": units, "units_pager": _pager(request, units, "page_units"),
        "unit_rows": [{"result": result, "gaps": [unit_history.get(result.unit_id, {}).get(y) for y in history]}
                      for result in units],
        "criteria": criteria, "criteria_pager": _pager(request, criteria, "page_criteria"),
        "criterion_rows": [{"criterion": criterion, "gaps": [criteria_history.get(criterion.code, {}).get(y)
                                                             for y in history]} for criterion in criteria],
        "appraisers": appraisers, "appraisers_pager": _pager(request, appraisers, "page_appraisers"),
        "appraiser_rows": [plans.appraiser_row(row) for row in appraisers],
    }


def _pager(request, page, param):
    """Links of one of the page's paginated lists; the other lists keep their page (param names differ)."""
    def href(number):
        query = request.GET.copy()
        query[param] = number
        return f"?{query.urlencode()}#{param}"
    if not page.has_other_pages():
        return None
    paginator = page.paginator
    return {"number": page.number, "total": paginator.num_pages,
            "first": href(1) if page.has_previous() else None,
            "previous": href(page.previous_page_number()) if page.has_previous() else None,
            "next": href(page.next_page_number()) if page.has_next() else None,
            "last": href(paginator.num_pages) if page.has_next() else None}

