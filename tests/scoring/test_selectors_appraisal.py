from datetime import date
from decimal import Decimal

import pytest

from scoring.models import Evidence, EvidenceFile, Role
from scoring.permissions import cycles_visible_to
from scoring.selectors import appraisal as selectors
from scoring.services import appraisal as service
from scoring.services.explanations import assessment_submit_explanation, leaf_score_answer
from tests.conftest import make_block, make_unit

from .appraisal_data import S, leaf, make_cycle, make_file, score_of, self_scored


@pytest.fixture
def cycle(db):
    return make_cycle()


@pytest.fixture
def appraiser(personas):
    return personas[Role.APPRAISER]


def test_the_criterion_rows_put_each_units_self_score_beside_last_years_official_score(cycle, own_unit, other_unit,
                                                                                       appraiser):
    last_year = make_cycle(year=2024)
    make_file(last_year, own_unit, S.APPRAISED, {"1.1": {"self_score": Decimal(2), "final_score": Decimal("1.25")}})
    make_file(last_year, other_unit, S.APPRAISED, {"1.1": {"not_applicable": True}})
    mine = make_file(cycle, own_unit, scores={"1.1": {"self_score": Decimal("1.5"), "explanation": "Đã ban hành",
                                                      "self_inputs": {"choice": "Đúng hạn"}}})
    theirs = make_file(cycle, other_unit, scores={"1.1": Decimal(2)})

    rows = selectors.criterion_rows(appraiser, cycle, leaf(cycle, "1.1"), [mine, theirs])

    assert [(row.assessment.unit.code, row.self_score, row.previous_score) for row in rows] == [
        ("SNV", Decimal("1.5"), Decimal("1.25")), ("STC", Decimal(2), None)]
    assert rows[1].previous["not_applicable"] is True
    assert rows[0].score.explanation == "Đã ban hành"
    assert rows[0].inputs == [("Lựa chọn", "Đúng hạn")]
    assert all(row.can_decide and row.round == 1 for row in rows)


def test_last_years_score_comes_from_the_same_block_only(cycle, own_unit, appraiser):
    other_block = make_cycle(year=2024, block=make_block("XA", "Khối xã"))
    make_file(other_block, own_unit, S.APPRAISED, {"1.1": {"final_score": Decimal(1)}})
    mine = make_file(cycle, own_unit, scores={"1.1": Decimal(2)})

    assert selectors.criterion_rows(appraiser, cycle, leaf(cycle, "1.1"), [mine])[0].previous is None


def test_a_row_carries_the_leafs_evidence_with_out_of_year_documents_flagged(cycle, own_unit, appraiser):
    mine = make_file(cycle, own_unit, scores={"1.1": Decimal(2)})
    stored = EvidenceFile.objects.create(sha256="a" * 64, file="evidence/a.pdf", size=10, kind="pdf",
                                         original_name="a.pdf")
    for title, day in (("Kế hoạch CCHC 2025", date(2025, 1, 5)), ("Báo cáo 2023", date(2023, 12, 1))):
        Evidence.objects.create(leaf_score=score_of(mine, "1.1"), file=stored if "2025" in title else
                                EvidenceFile.objects.create(sha256="b" * 64, file="evidence/b.pdf", size=1,
                                                            kind="pdf", original_name="b.pdf"),
                                title=title, issue_date=day)

    row = selectors.unit_rows(appraiser, mine, [leaf(cycle, "1.1")])[0]

    assert [(entry["item"].title, entry["out_of_year"]) for entry in row.evidence] == [
        ("Kế hoạch CCHC 2025", False), ("Báo cáo 2023", True)]


def test_a_leaf_the_unit_never_opened_is_a_row_without_a_score_still_pending(cycle, own_unit, coordinator):
    mine = make_file(cycle, own_unit)

    row = selectors.unit_rows(coordinator, mine, [leaf(cycle, "9.1")])[0]

    assert (row.score, row.version, row.pending, row.can_decide) == (None, 0, True, True)


def test_rows_of_a_finalized_file_say_why_nothing_can_be_decided(cycle, own_unit, coordinator):
    done = make_file(cycle, own_unit, S.APPRAISED, {"1.1": {"self_score": Decimal(2), "final_score": Decimal(2)}})

    row = selectors.unit_rows(coordinator, done, [leaf(cycle, "1.1")])[0]

    assert not row.can_decide and "cần mở lại" in row.blocked


def test_leaves_left_count_only_the_appraisers_areas_and_open_files(cycle, own_unit, other_unit, appraiser,
                                                                   coordinator):
    mine = make_file(cycle, own_unit, scores=self_scored())
    theirs = make_file(cycle, other_unit, scores=self_scored())
    make_file(cycle, make_unit("SYT", block=cycle.block), S.DRAFT, self_scored())
    service.leaf_score_accept(leaf_score=score_of(mine, "1.1"), user=appraiser, version=1)

    assert selectors.assessments_left(appraiser, [mine, theirs], cycle.framework_id) == {mine.pk: 1, theirs.pk: 2}
    assert selectors.assessments_left(coordinator, [mine, theirs], cycle.framework_id) == {
        mine.pk: 4, theirs.pk: 5}
    work = selectors.cycles_work(appraiser, [cycle])[cycle.pk]
    assert (work.left, work.handed_in, work.by_status) == (3, 2, {S.SUBMITTED: 1, S.IN_APPRAISAL: 1})
    criteria = selectors.appraisable_criteria(appraiser, cycle.framework_id)
    assert {c.code: n for c, n in zip(criteria, selectors.criteria_left(cycle, criteria).values())} == {
        "1.1": 1, "1.2": 2}


def test_an_answer_given_since_the_last_decision_puts_the_leaf_back_on_the_list(cycle, own_unit, appraiser,
                                                                                 unit_officer):
    mine = make_file(cycle, own_unit, scores=self_scored())
    service.leaf_score_adjust(leaf_score=score_of(mine, "1.1"), user=appraiser, version=1, score=Decimal(1),
                              reason="Thiếu")
    service.leaf_score_accept(leaf_score=score_of(mine, "1.2"), user=appraiser, version=1)
    service.leaf_score_request_explanation(leaf_score=score_of(mine, "1.1"), user=appraiser, version=2,
                                           question="?")
    assert selectors.assessments_left(appraiser, [mine], cycle.framework_id) == {mine.pk: 0}
    leaf_score_answer(leaf_score=score_of(mine, "1.1"), user=unit_officer, version=3, answer="Đã bổ sung")
    assessment_submit_explanation(assessment=mine, user=unit_officer)
    mine.refresh_from_db()

    assert selectors.assessments_left(appraiser, [mine], cycle.framework_id) == {mine.pk: 1}
    assert selectors.unit_rows(appraiser, mine, [leaf(cycle, "1.1")])[0].round == 2


def test_the_work_list_shows_cycles_with_files_handed_in(cycle, own_unit, other_unit, appraiser):
    make_file(make_cycle(year=2024), own_unit, S.DRAFT)
    make_file(cycle, other_unit)

    assert list(selectors.appraisal_cycles(cycles_visible_to(appraiser))) == [cycle]


def test_finalizable_counts_files_with_every_final_score(cycle, own_unit, other_unit, coordinator):
    done = make_file(cycle, own_unit, scores=self_scored())
    make_file(cycle, other_unit, scores=self_scored())
    service.assessment_accept_untouched(assessment=done, user=coordinator)

    assert selectors.finalizable_count(cycle) == 1
    assert selectors.leaves_lacking_final_score(done) == []


def test_reason_templates_are_the_shared_ones_and_the_appraisers_agencys(cycle, appraiser, coordinator):
    from scoring.models import Agency, ReasonTemplate

    shared = ReasonTemplate.objects.create(text="Không có tài liệu kiểm chứng")
    own = ReasonTemplate.objects.create(text="Văn bản QPPL chưa rà soát", agency=appraiser.agency)
    ReasonTemplate.objects.create(text="Của Sở Tài chính", agency=Agency.objects.get(code="STC"))
    ReasonTemplate.objects.create(text="Cũ", active=False)

    assert set(selectors.reason_templates_for(appraiser)) == {shared, own}
    assert len(selectors.reason_templates_for(coordinator)) == 3


# --- The leaf page's boxes -------------------------------------------------------------------------------------


def test_the_leaf_history_lists_changes_newest_first_with_vietnamese_labels(cycle, own_unit, appraiser,
                                                                           coordinator):
    mine = make_file(cycle, own_unit, scores=self_scored())
    service.leaf_score_adjust(leaf_score=score_of(mine, "1.1"), user=appraiser, version=1, score=Decimal("1.5"),
                              reason="Thiếu kế hoạch")
    service.leaf_score_adjust(leaf_score=score_of(mine, "1.1"), user=coordinator, version=2, score=Decimal("2"))

    history = selectors.leaf_history(score_of(mine, "1.1"))

    first = history.entries[0]
    assert first["actor"] == "dieuphoi" and first["field"] in ("Điểm thẩm định vòng 1", "Điểm chính thức",
                                                              "Lý do điều chỉnh")
    finals = [(e["old"], e["new"], e["actor"], e["reason"]) for e in history if e["field"] == "Điểm chính thức"]
    assert finals == [("1,5", "2", "dieuphoi", ""), ("—", "1,5", "thamdinh", "Thiếu kế hoạch")]
    # The first decision's reason is stored once, on its score entry, not again as a "reason" entry of its own.
    assert len(history) == len(history.entries) == 5


def test_explain_my_score_puts_the_self_score_and_each_round_side_by_side(cycle, own_unit, appraiser,
                                                                         unit_officer):
    mine = make_file(cycle, own_unit, scores=self_scored(**{"1.1": {"self_score": Decimal(2),
                                                                   "explanation": "Có kế hoạch"}}))
    service.leaf_score_adjust(leaf_score=score_of(mine, "1.1"), user=appraiser, version=1, score=Decimal("1"),
                              reason="Kế hoạch ban hành muộn")
    service.leaf_score_request_explanation(leaf_score=score_of(mine, "1.1"), user=appraiser, version=2,
                                           question="?")
    leaf_score_answer(leaf_score=score_of(mine, "1.1"), user=unit_officer, version=3, answer="Đúng hạn")
    assessment_submit_explanation(assessment=mine, user=unit_officer)
    service.leaf_score_adjust(leaf_score=score_of(mine, "1.1"), user=appraiser, version=4, score=Decimal("1.5"),
                              reason="Chấp nhận một phần")

    rounds = selectors.leaf_history(score_of(mine, "1.1")).rounds

    assert [(step["label"], step["score"], step["reason"]) for step in rounds] == [
        ("Tự đánh giá", Decimal(2), "Có kế hoạch"), ("Thẩm định vòng 1", Decimal(1), "Kế hoạch ban hành muộn"),
        ("Thẩm định vòng 2", Decimal("1.5"), "Chấp nhận một phần"), ("Điểm chính thức", Decimal("1.5"), "")]


def test_the_leaf_box_offers_the_form_only_to_who_may_appraise_it_now(cycle, own_unit, personas):
    mine = make_file(cycle, own_unit, scores=self_scored())
    score = score_of(mine, "2.1")  # Sở Tài chính's leaf

    assert selectors.leaf_appraisal(personas[Role.COORDINATOR], score)["can_appraise"] is True
    assert selectors.leaf_appraisal(personas[Role.APPRAISER], score)["can_appraise"] is False
    assert selectors.leaf_appraisal(personas[Role.LEADER], score)["can_appraise"] is False
    assert selectors.leaf_appraisal(personas[Role.UNIT_OFFICER], score)["can_appraise"] is False


def test_the_leaf_box_links_the_unit_to_its_answer_page_when_asked(cycle, own_unit, personas):
    mine = make_file(cycle, own_unit, scores=self_scored())
    service.leaf_score_request_explanation(leaf_score=score_of(mine, "1.1"), user=personas[Role.APPRAISER],
                                           version=1, question="?")

    box = selectors.leaf_appraisal(personas[Role.UNIT_OFFICER], score_of(mine, "1.1"))

    assert box["explanation_url"] == f"/explanations/{mine.pk}/"
    assert selectors.leaf_appraisal(personas[Role.LEADER], score_of(mine, "1.1"))["explanation_url"] == ""
    mine.status = S.EXPLANATION_SUBMITTED
    mine.save()
    assert selectors.leaf_appraisal(personas[Role.UNIT_OFFICER], score_of(mine, "1.1"))["explanation_url"] == ""


def test_the_leaf_history_includes_the_documents_cited_on_it(cycle, own_unit, unit_officer):
    from scoring.models import AuditEntry

    mine = make_file(cycle, own_unit, scores={"1.1": Decimal(2), "1.2": Decimal(1)})
    # As services/evidence.py writes them: each citation's change is also keyed to its leaf.
    AuditEntry.objects.create(entity="leaf_score", entity_id=score_of(mine, "1.1").pk, field="evidence",
                              new_value="Kế hoạch (dddd)", actor=unit_officer, assessment_id=mine.pk)
    AuditEntry.objects.create(entity="leaf_score", entity_id=score_of(mine, "1.2").pk, field="evidence",
                              new_value="Khác", assessment_id=mine.pk)

    history = selectors.leaf_history(score_of(mine, "1.1"))

    assert [(e["field"], e["new"], e["actor"]) for e in history] == [("Tài liệu kiểm chứng", "Kế hoạch (dddd)",
                                                                       "canbo")]


@pytest.mark.parametrize(("stored", "shown"), [
    ('{"denominator": "20", "numerator": "18"}', "Tử số 18 / mẫu số 20"),
    ('{"choice": "Ban hành đúng hạn"}', "Chọn: Ban hành đúng hạn"),
    ('{"occurrences": "1"}', "Số lần vi phạm: 1"),
    ('{"value": "1.50"}', "Điểm nhập: 1,5"),
    ("", "—"),
])
def test_the_history_shows_a_units_entries_in_words_not_json(stored, shown):
    from scoring.selectors.appraisal import value_text

    assert value_text("self_inputs", stored) == shown


def test_a_leaf_whose_window_opens_before_the_year_does_not_flag_a_plan_of_last_december(cycle, own_unit,
                                                                                        appraiser):
    from scoring.models import Criterion

    Criterion.objects.filter(pk=leaf(cycle, "1.1").pk).update(evidence_months_before=3)
    mine = make_file(cycle, own_unit, scores={"1.1": Decimal(2)})
    stored = EvidenceFile.objects.create(sha256="c" * 64, file="evidence/c.pdf", size=10, kind="pdf",
                                         original_name="c.pdf")
    for title, day in (("Kế hoạch ban hành 20/12", date(cycle.year - 1, 12, 20)),
                       ("Kế hoạch quá sớm", date(cycle.year - 1, 9, 30))):
        Evidence.objects.create(leaf_score=score_of(mine, "1.1"), file=stored if "20/12" in title else
                                EvidenceFile.objects.create(sha256="d" * 64, file="evidence/d.pdf", size=1,
                                                            kind="pdf", original_name="d.pdf"),
                                title=title, issue_date=day)

    row = selectors.unit_rows(appraiser, mine, [leaf(cycle, "1.1")])[0]

    assert [entry["out_of_year"] for entry in row.evidence] == [False, True]


def test_a_leafs_evidence_window_is_its_year_unless_the_framework_opens_it_earlier(cycle):
    from scoring.selectors.evidence import evidence_flags

    criterion = leaf(cycle, "1.1")
    assert criterion.evidence_window(2026) == (date(2026, 1, 1), date(2026, 12, 31))
    criterion.evidence_months_before = 3
    assert criterion.evidence_window(2026) == (date(2025, 10, 1), date(2026, 12, 31))
    criterion.evidence_months_before = 14
    assert criterion.evidence_window(2026)[0] == date(2024, 11, 1)

    assert evidence_flags(date(2025, 12, 20), (date(2025, 10, 1), date(2026, 12, 31))) == []
    assert evidence_flags(date(2025, 12, 20), (date(2026, 1, 1), date(2026, 12, 31))) == [
        "Ngày ban hành ngoài năm đánh giá"]
    assert evidence_flags(date(2025, 9, 1), (date(2025, 10, 1), date(2026, 12, 31))) == [
        "Ngày ban hành ngoài thời gian tiêu chí cho phép (01/10/2025 – 31/12/2026)"]
