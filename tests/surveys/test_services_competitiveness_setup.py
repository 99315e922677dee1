"""A DDCI edition set up from its framework workbook (surveys/services/competitiveness_setup.py), the commands that
import and export it, and the units' valid answers the edition's page shows."""
import dataclasses
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from scoring.excel.sheets import WorkbookError
from scoring.models import AuditEntry, EditionState, Index, IndexEdition
from surveys.competitiveness_workbook import (
    CompetitivenessSpec, IndicatorLine, SubIndexLine, read_competitiveness_workbook, write_competitiveness_workbook,
)
from surveys.models import CompetitivenessFramework, Indicator
from surveys.selectors import competitiveness_spec, competitiveness_units
from surveys.services.competitiveness import competitiveness_close
from surveys.services.competitiveness_setup import competitiveness_import, competitiveness_import_issues

from .competitiveness_data import answer_ddci, make_ddci

pytestmark = pytest.mark.django_db


def spec_for(framework, **changes):
    """The spec of another year of `framework`'s survey: a new edition, same questions."""
    return dataclasses.replace(competitiveness_spec(framework), **changes)


def new_spec(survey="DDCI-2024", year=2025, **changes):
    return dataclasses.replace(CompetitivenessSpec(
        index="DDCI", year=year, block="SO", survey=survey, version="DDCI-2025", precision=2, minimum_answers=2,
        bounds_years=2,
        sub_indices=(SubIndexLine(2, "time", "Chi phí thời gian", Decimal(70)),
                     SubIndexLine(3, "open", "Tính minh bạch", Decimal(30))),
        indicators=(IndicatorLine(2, "time", "t1", "Đúng hẹn", ("Q1", "Q2")),
                    IndicatorLine(3, "open", "o1", "Công khai", ("Q3",)))), **changes)


def test_an_import_creates_a_collecting_edition_with_its_tree_and_an_audit_line():
    make_ddci()
    summary = competitiveness_import(spec=new_spec())
    edition = summary.framework.edition
    assert summary.created and edition.state == EditionState.COLLECTING and edition.year == 2025
    assert (summary.framework.minimum_answers, summary.framework.bounds_years) == (2, 2)
    t1 = Indicator.objects.get(sub_index__framework=summary.framework, code="t1")
    assert sorted(t1.questions.values_list("code", flat=True)) == ["Q1", "Q2"]
    assert competitiveness_spec(summary.framework) == new_spec()
    assert AuditEntry.objects.filter(entity="index_edition", entity_id=edition.pk, field="framework").exists()


def test_a_second_import_replaces_the_framework_while_collecting_and_is_refused_once_computed():
    framework = make_ddci()
    answer_ddci(framework, [("SNV", "AAA"), ("SNV", "AAA"), ("STC", "DDD"), ("STC", "DDD")])
    replaced = competitiveness_import(spec=spec_for(framework, minimum_answers=1))
    assert not replaced.created and replaced.framework.edition_id == framework.edition_id
    assert CompetitivenessFramework.objects.filter(edition=framework.edition).count() == 1
    competitiveness_close(framework=replaced.framework)
    with pytest.raises(WorkbookError) as refusal:
        competitiveness_import(spec=spec_for(framework))
    assert "không thay được" in str(refusal.value)
    assert IndexEdition.objects.get(pk=framework.edition_id).state == EditionState.COMPUTED


@pytest.mark.parametrize(("changes", "words"), [
    ({"index": "XYZ"}, "chưa có chỉ số 'XYZ'"),
    ({"index": "PAR"}, "được chấm theo bộ tiêu chí"),
    ({"block": "NOPE"}, "không có khối 'NOPE'"),
    ({"survey": "NOPE"}, "không có cuộc điều tra 'NOPE'"),
    ({"indicators": (IndicatorLine(7, "time", "t1", "x", ("Q1", "Q9")),)}, "câu hỏi Q9 không có"),
])
def test_what_the_database_refuses_is_listed_and_nothing_is_saved(changes, words):
    make_ddci()
    Index.objects.standard("PAR")
    spec = new_spec(**changes)
    assert any(words in issue.message for issue in competitiveness_import_issues(spec))
    with pytest.raises(WorkbookError):
        competitiveness_import(spec=spec)
    assert not IndexEdition.objects.filter(year=2025).exists()


def test_the_commands_export_and_import_the_same_framework(tmp_path, capsys):
    framework = make_ddci()
    path = tmp_path / "ddci.xlsx"
    call_command("export_competitiveness", str(path), year=2024, block="SO")
    spec, issues = read_competitiveness_workbook(path)
    assert issues == [] and spec == competitiveness_spec(framework)
    path.write_bytes(write_competitiveness_workbook(dataclasses.replace(spec, year=2025)))
    call_command("import_competitiveness", str(path))
    assert IndexEdition.objects.filter(year=2025, state=EditionState.COLLECTING).exists()
    path.write_bytes(write_competitiveness_workbook(dataclasses.replace(spec, year=2026, survey="NOPE")))
    with pytest.raises(CommandError):
        call_command("import_competitiveness", str(path))
    assert "không có cuộc điều tra 'NOPE'" in capsys.readouterr().err


def test_units_count_valid_answers_as_the_engine_does():
    framework = make_ddci(minimum_answers=2)
    # SNV: two firms answer everything; STC: one firm, and a "don't know" (E) on Q3 from the other.
    answer_ddci(framework, [("SNV", "AAA"), ("SNV", "BBB"), ("STC", "AAA"), ("STC", "AAE")])
    rows = {row.unit.code: row for row in competitiveness_units(framework)}
    assert (rows["SNV"].answers, rows["SNV"].enough) == (2, True)
    assert (rows["STC"].answers, rows["STC"].enough) == (1, False)
    assert rows["SXD"].answers == 0
    counts = competitiveness_close(framework=framework)
    assert counts["rated"] == sum(1 for row in rows.values() if row.enough)


def test_the_documented_ddci_samples_import_with_the_commands_in_order(settings):
    from pathlib import Path

    from tests.conftest import make_block

    make_block("SO")
    samples = Path(settings.BASE_DIR) / "docs" / "samples"
    call_command("import_survey", str(samples / "khao-sat-ddci-mau.xlsx"))
    call_command("import_competitiveness", str(samples / "bo-chi-so-ddci-mau.xlsx"))
    framework = CompetitivenessFramework.objects.get(edition__year=2026, edition__block__code="SO")
    assert framework.sub_indices.count() == 8
    assert sum(sub.weight for sub in framework.sub_indices.all()) == 100


def test_grades_from_the_workbook_are_given_to_rated_units_by_the_highest_tier_reached():
    from surveys.competitiveness import grade_of
    from surveys.competitiveness_workbook import GradeLine
    from surveys.services.competitiveness import framework_tiers

    framework = make_ddci(minimum_answers=1)
    grades = (GradeLine(2, "TB", "Trung bình", Decimal(0)), GradeLine(3, "TOT", "Tốt", Decimal(60)))
    framework = competitiveness_import(spec=spec_for(framework, grades=grades)).framework
    assert [grade["code"] for grade in framework.grades] == ["TOT", "TB"]  # highest first
    answer_ddci(framework, [("SNV", "AAA"), ("STC", "BBB"), ("SXD", "DDD")])
    competitiveness_close(framework=framework)
    results = list(framework.edition.results.all())
    assert {result.grade for result in results if result.rated} == {"TOT", "TB"}
    for result in results:
        assert result.grade == grade_of(result.value if result.rated else None, framework_tiers(framework))
