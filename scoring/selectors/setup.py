"""The setup checklist (issue 10): what an installation has and what it still lacks, in the order a Home Affairs
department fills it in on day one. Each item names the page or import that fixes it."""
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..models import Agency, Block, Cycle, Framework, Role, Unit, User
from ..models.indices import PAR

SHOWN = 8  # missing things named on the page; the rest are counted


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    title: str
    done: bool
    summary: str
    fix_url: str
    fix_label: str
    missing: list[str] = field(default_factory=list)


def setup_checklist(*, year: int) -> list[ChecklistItem]:
    return [_blocks(), _units(), _agencies(), _unit_accounts(year), _frameworks(year), _cycles(year)]


def setup_complete(*, year: int) -> bool:
    return all(item.done for item in setup_checklist(year=year))


def _blocks():
    blocks = list(Block.objects.order_by("position", "code").values_list("code", flat=True))
    return ChecklistItem(
        "blocks", _("Khối đơn vị"), bool(blocks),
        _("%(n)d khối: %(codes)s") % {"n": len(blocks), "codes": ", ".join(blocks)} if blocks else
        _("Chưa có khối nào: tệp danh sách đơn vị tạo các khối (sheet blocks đặt tên và thứ tự)."),
        reverse("scoring:block_list") if blocks else reverse("scoring:unit_import"),
        _("Đổi tên, sắp xếp khối") if blocks else _("Nhập danh sách đơn vị"))


def _units():
    count = Unit.objects.active().count()
    return ChecklistItem(
        "units", _("Đơn vị"), count > 0,
        ngettext("%(n)d đơn vị đang hoạt động", "%(n)d đơn vị đang hoạt động", count) % {"n": count} if count else
        _("Chưa có đơn vị nào."), reverse("scoring:unit_import"), _("Nhập danh sách đơn vị"))


def _agencies():
    agencies = Agency.objects.annotate(appraisers=Count("members", filter=Q(
        members__role=Role.APPRAISER, members__is_active=True))).order_by("code")
    unnamed = [agency.code for agency in agencies if not agency.name]
    unstaffed = [agency.code for agency in agencies if not agency.appraisers]
    missing = ([_("%(code)s chưa có tên") % {"code": code} for code in unnamed]
               + [_("%(code)s chưa có thành viên thẩm định") % {"code": code} for code in unstaffed])
    count = len(agencies)
    if not count:
        summary = _("Chưa có cơ quan thẩm định: bộ chỉ số tạo chúng từ cột appraiser.")
    else:
        summary = ngettext("%(n)d cơ quan thẩm định", "%(n)d cơ quan thẩm định", count) % {"n": count}
    fix = reverse("scoring:agency_list") if unnamed or not count else reverse("scoring:account_import")
    label = _("Đặt tên cơ quan") if unnamed or not count else _("Nhập tài khoản thẩm định")
    return ChecklistItem("agencies", _("Cơ quan thẩm định và thành viên"), count > 0 and not missing, summary, fix,
                         label, missing[:SHOWN])


def _unit_accounts(year):
    blocks = _blocks_in_play(year)
    officers = User.objects.filter(unit=OuterRef("pk"), is_active=True, role=Role.UNIT_OFFICER)
    heads = User.objects.filter(unit=OuterRef("pk"), is_active=True, role=Role.UNIT_HEAD)
    lacking = (Unit.objects.active().filter(block__in=blocks)
               .annotate(has_officer=Exists(officers), has_head=Exists(heads))
               .filter(Q(has_officer=False) | Q(has_head=False)).order_by("block__position", "code"))
    count = lacking.count()
    missing = [_("%(code)s thiếu %(who)s") % {"code": unit.code, "who": _who(unit)} for unit in lacking[:SHOWN]]
    if not blocks:
        summary = _("Chưa có khối nào có kỳ đánh giá đang mở hoặc sắp mở (bộ chỉ số năm %(year)d).") % {"year": year}
    elif count:
        summary = ngettext("%(n)d đơn vị chưa có đủ cán bộ và thủ trưởng", "%(n)d đơn vị chưa có đủ cán bộ và thủ "
                           "trưởng", count) % {"n": count}
    else:
        summary = _("Mọi đơn vị của các khối có kỳ đánh giá đều có cán bộ và thủ trưởng.")
    return ChecklistItem("accounts", _("Tài khoản đơn vị"), bool(blocks) and not count, summary,
                         reverse("scoring:account_import"), _("Nhập tài khoản"), missing)


def _who(unit):
    if not unit.has_officer and not unit.has_head:
        return _("cán bộ và thủ trưởng")
    return _("cán bộ") if not unit.has_officer else _("thủ trưởng")


def _blocks_in_play(year):
    """Blocks with an open cycle, or a framework for this year or later (a cycle about to open)."""
    return list(Block.objects.filter(Q(cycles__is_open=True) | Q(frameworks__year__gte=year)).distinct())


def _blocks_with_units():
    return Block.objects.filter(units__active=True).distinct().order_by("position", "code")


def _frameworks(year):
    blocks = list(_blocks_with_units())
    covered = set(Framework.objects.filter(year=year, index__code=PAR).values_list("block_id", flat=True))
    missing = [block.code for block in blocks if block.pk not in covered]
    summary = (_("Khối chưa có bộ chỉ số năm %(year)d: %(codes)s") % {"year": year, "codes": ", ".join(missing)}
               if missing else _("Mọi khối đều có bộ chỉ số năm %(year)d.") % {"year": year})
    return ChecklistItem("frameworks", _("Bộ chỉ số năm %(year)d") % {"year": year}, bool(blocks) and not missing,
                         summary, reverse("scoring:framework_import"), _("Nhập bộ chỉ số"))


def _cycles(year):
    blocks = list(_blocks_with_units())
    # Every block runs PAR; another index (DTI...) is expected where the year has a framework of it.
    covered = set(Cycle.objects.filter(year=year).values_list("block_id", "index_code"))
    missing = [block.code for block in blocks if (block.pk, PAR) not in covered]
    others = (Framework.objects.filter(year=year, block__in=blocks).exclude(index__code=PAR)
              .values_list("block_id", "block__code", "index__code").distinct().order_by("block__code", "index__code"))
    missing += [f"{code} ({index})" for block_id, code, index in others if (block_id, index) not in covered]
    summary = (_("Khối chưa mở kỳ đánh giá năm %(year)d: %(codes)s") % {"year": year, "codes": ", ".join(missing)}
               if missing else _("Mọi khối đều có kỳ đánh giá năm %(year)d.") % {"year": year})
    return ChecklistItem("cycles", _("Kỳ đánh giá năm %(year)d") % {"year": year}, bool(blocks) and not missing,
                         summary, reverse("scoring:cycle_create"), _("Mở kỳ đánh giá"))
