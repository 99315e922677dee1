"""Writes the sample questionnaire docs/samples/khao-sat-mau.xlsx (surveys/demo_questionnaire.py), ready for
`python manage.py import_survey` once the sample framework khung-chi-so-tinh-2017.xlsx is imported; and a DDCI
pair (surveys/demo_competitiveness.py): the firms' questionnaire khao-sat-ddci-mau.xlsx (`import_survey`), then
the DDCI framework bo-chi-so-ddci-mau.xlsx that reads it (`import_competitiveness`), for the departments' block SO.

The scored questions must map to the survey leaves of area 8 of that framework: they are read from its criteria
sheet, and the script stops if a question points elsewhere or a leaf is left without a question.

Run from the repository root: .venv/bin/python docs/samples/build_survey_sample.py
"""
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
FRAMEWORK = HERE / "khung-chi-so-tinh-2017.xlsx"
TARGET = HERE / "khao-sat-mau.xlsx"
DDCI_YEAR, DDCI_SURVEY, DDCI_FRAMEWORK = 2026, "khao-sat-ddci-mau.xlsx", "bo-chi-so-ddci-mau.xlsx"


def main():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parindex.settings")
    import django

    django.setup()
    from surveys.demo_questionnaire import sample_survey_spec
    from surveys.excel import read_survey_workbook, write_survey_workbook

    spec = sample_survey_spec()
    check_mapping(spec, area_survey_leaves(FRAMEWORK, area="8"))
    TARGET.write_bytes(write_survey_workbook(spec))
    again, issues = read_survey_workbook(TARGET)
    if issues or again != spec:
        sys.exit(f"{TARGET} does not read back as written: {issues}")
    print(f"Đã ghi {TARGET}: {len(spec.groups)} nhóm đối tượng, {len(spec.questions)} câu hỏi")
    write_ddci_pair()


def write_ddci_pair():
    from surveys.competitiveness_workbook import read_competitiveness_workbook, write_competitiveness_workbook
    from surveys.demo_competitiveness import ddci_framework_spec, ddci_survey_spec
    from surveys.excel import read_survey_workbook, write_survey_workbook

    survey = ddci_survey_spec(DDCI_YEAR, "SO", "Khối sở, ban, ngành")
    (HERE / DDCI_SURVEY).write_bytes(write_survey_workbook(survey))
    framework = ddci_framework_spec("DDCI", DDCI_YEAR, "SO")
    (HERE / DDCI_FRAMEWORK).write_bytes(write_competitiveness_workbook(framework))
    for name, reader, spec in ((DDCI_SURVEY, read_survey_workbook, survey),
                               (DDCI_FRAMEWORK, read_competitiveness_workbook, framework)):
        again, issues = reader(HERE / name)
        if issues or again != spec:
            sys.exit(f"{name} does not read back as written: {issues}")
    print(f"Đã ghi {DDCI_SURVEY} và {DDCI_FRAMEWORK}: {len(framework.sub_indices)} chỉ số thành phần, "
          f"{len(framework.indicators)} chỉ tiêu")


def area_survey_leaves(path, *, area):
    from scoring.excel.frameworks import read_framework_workbook

    framework, issues = read_framework_workbook(path)
    if framework is None or issues:
        sys.exit(f"{path}: {'; '.join(str(issue) for issue in issues)}")
    return {node.code for node in framework.criteria if node.method == "survey" and node.area_code == area}


def check_mapping(spec, leaves):
    mapped = {question.criterion_code for question in spec.questions if question.criterion_code}
    if mapped - leaves or leaves - mapped:
        sys.exit(f"The questionnaire maps {sorted(mapped)}; the survey leaves of area 8 are {sorted(leaves)}")


if __name__ == "__main__":
    main()
