"""Writes the sample framework workbooks next to this file:

- khung-chi-so-tinh-2017.xlsx: the 2017 province tree (2948/QĐ-BNV, 8 areas, 100 points) with criteria, a bonus
  and a penalty area and five grades, ready for `python manage.py import_framework`;
- mau-khung-chi-so.xlsx: a blank framework with drop-down lists and the instructions sheet `huong_dan`;
- khung-chi-so-so-2026.xlsx: the same tree as provinces write it (a bonus area without a maximum, a penalty area
  with 0, a choice on a bonus leaf, `deduct` per occurrence on a penalty leaf), for the onboarding steps;
- don-vi-mau.xlsx: the demo province's units with their blocks sheet and one merge (as `seed_demo --write-sample`);
- tai-khoan-mau.xlsx: accounts for those units and the framework's agencies, without any password;
- khung-chi-so-dti-mau.xlsx: a digital transformation (DTI) framework for departments and districts, seven areas,
  four pillars and 1,000 points (scoring/demo/dti.py).

Run from the repository root: .venv/bin/python docs/samples/build_samples.py
"""
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent


def main():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parindex.settings")
    import django

    django.setup()
    from scoring.demo import demo_accounts, demo_units
    from scoring.demo.frameworks import province_spec, sample_spec
    from scoring.excel.accounts import write_accounts_workbook
    from scoring.excel.frameworks import write_framework_template, write_framework_workbook
    from scoring.excel.units import write_units_workbook
    from scoring.framework_spec import validate_framework

    spec = sample_spec()
    issues = validate_framework(spec)
    if issues:
        sys.exit("\n".join(str(issue) for issue in issues))
    (HERE / "khung-chi-so-tinh-2017.xlsx").write_bytes(write_framework_workbook(spec))
    (HERE / "mau-khung-chi-so.xlsx").write_bytes(write_framework_template())
    province = province_spec(year=2026)
    issues = validate_framework(province)
    if issues:
        sys.exit("\n".join(str(issue) for issue in issues))
    (HERE / "khung-chi-so-so-2026.xlsx").write_bytes(write_framework_workbook(province))
    (HERE / "don-vi-mau.xlsx").write_bytes(write_units_workbook(demo_units()))
    (HERE / "tai-khoan-mau.xlsx").write_bytes(write_accounts_workbook(demo_accounts()))
    print(f"Đã ghi {HERE / 'khung-chi-so-tinh-2017.xlsx'} ({len(spec.criteria)} tiêu chí, "
          f"tổng điểm tối đa {spec.max_total.normalize():f}) và {HERE / 'mau-khung-chi-so.xlsx'}")
    from scoring.demo.dti import dti_sample_spec

    dti = dti_sample_spec()
    issues = validate_framework(dti)
    if issues:
        sys.exit("\n".join(str(issue) for issue in issues))
    (HERE / "khung-chi-so-dti-mau.xlsx").write_bytes(write_framework_workbook(dti))
    print(f"Đã ghi {HERE / 'khung-chi-so-dti-mau.xlsx'} ({len(dti.criteria)} tiêu chí, "
          f"tổng điểm tối đa {dti.max_total.normalize():f})")


if __name__ == "__main__":
    main()
