"""The demo province, tỉnh Sơn Hà (fictional): three blocks, the appraising agencies, 19 departments, 8 districts,
38 communes in two ranking groups, one account per role and the frameworks of 2024 and 2025.

Everything is keyed on natural keys (codes, usernames), so running it again creates nothing and leaves existing
accounts, passwords included, untouched."""
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction

from ..models import Agency, AuditSource, Block, Role, Unit, User
from ..services.units import UnitRow, units_import
from .frameworks import seed_frameworks

DEFAULT_PASSWORD = "parindex-demo-2024"

BLOCKS = [
    ("SO", "Khối sở, ban, ngành", 1),
    ("HUYEN", "Khối huyện, thị xã, thành phố", 2),
    ("XA", "Khối xã, phường, thị trấn", 3),
]

AGENCIES = [
    ("SNV", "Sở Nội vụ"),
    ("STP", "Sở Tư pháp"),
    ("STC", "Sở Tài chính"),
    ("VPUBND", "Văn phòng UBND tỉnh"),
    ("STTTT", "Sở Thông tin và Truyền thông"),
]

DEPARTMENTS = [
    ("SNV", "Sở Nội vụ"),
    ("STP", "Sở Tư pháp"),
    ("STC", "Sở Tài chính"),
    ("SKHDT", "Sở Kế hoạch và Đầu tư"),
    ("SCT", "Sở Công Thương"),
    ("SNNPTNT", "Sở Nông nghiệp và Phát triển nông thôn"),
    ("SGTVT", "Sở Giao thông vận tải"),
    ("SXD", "Sở Xây dựng"),
    ("STNMT", "Sở Tài nguyên và Môi trường"),
    ("STTTT", "Sở Thông tin và Truyền thông"),
    ("SLDTBXH", "Sở Lao động - Thương binh và Xã hội"),
    ("SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch"),
    ("SKHCN", "Sở Khoa học và Công nghệ"),
    ("SGDDT", "Sở Giáo dục và Đào tạo"),
    ("SYT", "Sở Y tế"),
    ("TTT", "Thanh tra tỉnh"),
    ("VPUBND", "Văn phòng UBND tỉnh"),
    ("BDT", "Ban Dân tộc"),
    ("BQLKCN", "Ban Quản lý các khu công nghiệp"),
]
# Scored with the departments but not ranked among them, like the national index's two special agencies.
NOT_RANKED = {"BQLKCN"}

# District (code, name) and its communes; a commune's group follows its kind.
DISTRICTS = [
    ("HUYEN-01", "Thành phố Sơn Hà", ["Phường Quang Trung", "Phường Trần Hưng Đạo", "Phường Lê Lợi",
                                      "Phường Hòa Bình", "Phường Tân Thịnh", "Phường Đồng Tiến", "Xã Sơn Thủy",
                                      "Xã Hòa Sơn"]),
    ("HUYEN-02", "Thị xã Bình Minh", ["Phường Bình Minh", "Phường Nam Thành", "Phường Đông Hòa",
                                      "Phường Tây Sơn", "Xã Bình An", "Xã Minh Đức"]),
    ("HUYEN-03", "Huyện An Lạc", ["Thị trấn An Lạc", "Xã An Phú", "Xã An Thịnh", "Xã Lạc Hồng"]),
    ("HUYEN-04", "Huyện Đông Sơn", ["Thị trấn Đông Sơn", "Xã Đông Hưng", "Xã Đông Xuân", "Xã Sơn Hải"]),
    ("HUYEN-05", "Huyện Tân Phú", ["Thị trấn Tân Phú", "Xã Tân Lập", "Xã Phú Cường", "Xã Tân Hòa"]),
    ("HUYEN-06", "Huyện Yên Hòa", ["Thị trấn Yên Hòa", "Xã Yên Thắng", "Xã Yên Lộc", "Xã Hòa Tiến"]),
    ("HUYEN-07", "Huyện Phú Lương", ["Thị trấn Phú Lương", "Xã Phú Đô", "Xã Lương Sơn", "Xã Phấn Mễ"]),
    ("HUYEN-08", "Huyện Vĩnh Thạnh", ["Thị trấn Vĩnh Thạnh", "Xã Vĩnh Hảo", "Xã Thạnh Lộc", "Xã Vĩnh Quang"]),
]
URBAN_GROUP, RURAL_GROUP = "Phường, thị trấn", "Xã"
# One merge (domain.md, rule 13): Xã Sơn Hải (XA-022) was formed from two former communes, kept inactive so history
# reads across the change; as new units they have no result in any past year.
MERGED = [("XA-901", "Xã Sơn Đông (cũ)"), ("XA-902", "Xã Hải Đông (cũ)")]
MERGED_INTO = "XA-022"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    full_name: str  # Vietnamese order: family, middle, given name
    unit: str = ""  # unit code
    agency: str = ""  # agency code


ACCOUNTS = [
    DemoAccount("quantri", Role.ADMIN, "Nguyễn Văn Hùng"),
    DemoAccount("dieuphoi", Role.COORDINATOR, "Trần Thị Thu Hà", unit="SNV"),
    DemoAccount("thamdinh.stp", Role.APPRAISER, "Lê Minh Tuấn", agency="STP"),
    DemoAccount("thamdinh.snv", Role.APPRAISER, "Phạm Thị Lan", agency="SNV"),
    DemoAccount("thamdinh.stttt", Role.APPRAISER, "Trịnh Văn Khoa", agency="STTTT"),  # appraises DTI
    DemoAccount("canbo.snv", Role.UNIT_OFFICER, "Hoàng Văn Nam", unit="SNV"),
    DemoAccount("thutruong.snv", Role.UNIT_HEAD, "Vũ Đức Thắng", unit="SNV"),
    DemoAccount("canbo.anlac", Role.UNIT_OFFICER, "Đặng Thị Mai", unit="HUYEN-03"),
    DemoAccount("lanhdao", Role.LEADER, "Bùi Quang Minh"),
]


@dataclass(frozen=True)
class SeedReport:
    created: dict  # what -> how many rows this run created
    accounts: list  # [(User, created_now)] in ACCOUNTS order


def demo_unit_rows():
    departments = [UnitRow(code, name, "SO", ranked=code not in NOT_RANKED) for code, name in DEPARTMENTS]
    districts = [UnitRow(code, name, "HUYEN") for code, name, _communes in DISTRICTS]
    names = [name for _code, _name, communes in DISTRICTS for name in communes]
    communes = [UnitRow(f"XA-{n:03d}", name, "XA", group=_commune_group(name)) for n, name in enumerate(names, 1)]
    former = [UnitRow(code, name, "XA", group=RURAL_GROUP, active=False, successors=(MERGED_INTO,))
              for code, name in MERGED]
    return departments + districts + communes + former


def demo_units():
    """Unsaved units, for writing the sample file docs/samples/don-vi-mau.xlsx without a database."""
    blocks = {code: Block(code=code, name=name, position=position) for code, name, position in BLOCKS}
    units = []
    for row in demo_unit_rows():
        unit = Unit(code=row.code, name=row.name, block=blocks[row.block], group=row.group, ranked=row.ranked,
                    active=row.active is not False)
        unit.successor_codes = row.successors or ()  # an unsaved unit has no links: the writer reads these
        units.append(unit)
    return units


def demo_accounts():
    """Unsaved accounts for the sample accounts workbook (docs/samples/tai-khoan-mau.xlsx): the demo's, plus a head
    and an officer for Huyện An Lạc and the merged Xã Sơn Hải. No password: the import issues set-password links."""
    accounts = [*ACCOUNTS, DemoAccount("thutruong.anlac", Role.UNIT_HEAD, "Ngô Văn Phúc", unit="HUYEN-03"),
                DemoAccount("canbo.sonhai", Role.UNIT_OFFICER, "Lý Thị Hồng", unit=MERGED_INTO),
                DemoAccount("thutruong.sonhai", Role.UNIT_HEAD, "Đỗ Văn Long", unit=MERGED_INTO)]
    users = []
    for account in accounts:
        family, _space, given = account.full_name.rpartition(" ")
        users.append(User(username=account.username, first_name=given, last_name=family, role=account.role,
                          email=f"{account.username}@sonha.gov.vn",
                          unit=Unit(code=account.unit) if account.unit else None,
                          agency=Agency(code=account.agency) if account.agency else None))
    return users


@transaction.atomic
def seed_demo(*, password=DEFAULT_PASSWORD) -> SeedReport:
    created = {"khối": _seed_blocks(), "cơ quan thẩm định": _seed_agencies()}
    created["đơn vị"] = units_import(rows=demo_unit_rows(), source=AuditSource.SYSTEM)[0]
    accounts = [_seed_account(account, password) for account in ACCOUNTS]
    created["tài khoản"] = sum(new for _user, new in accounts)
    created["bộ chỉ số"] = seed_frameworks(user=accounts[0][0])
    return SeedReport(created, accounts)


def _commune_group(name):
    return RURAL_GROUP if name.startswith("Xã ") else URBAN_GROUP


def _seed_blocks():
    return sum(Block.objects.get_or_create(code=code, defaults={"name": name, "position": position})[1]
               for code, name, position in BLOCKS)


def _seed_agencies():
    return sum(Agency.objects.get_or_create(code=code, defaults={"name": name})[1] for code, name in AGENCIES)


def _seed_account(account, password):
    family, _space, given = account.full_name.rpartition(" ")
    admin = account.role == Role.ADMIN
    return User.objects.get_or_create(username=account.username, defaults={
        "role": account.role, "first_name": given, "last_name": family, "is_staff": admin, "is_superuser": admin,
        "unit": Unit.objects.get(code=account.unit) if account.unit else None,
        "agency": Agency.objects.get(code=account.agency) if account.agency else None,
        # A callable: hashing is slow and only a new account needs it.
        "password": lambda: make_password(password),
    })
