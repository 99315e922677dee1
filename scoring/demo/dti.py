"""A sample digital transformation (DTI) framework for the departments and districts of a province, laid out like a
PAR framework so that it can be self-assessed with evidence and appraised by the Department of Information and
Communications: seven areas, 1,000 points, published as points / 1,000 on a 0-1 scale (0,7024), and the four pillars
every leaf also counts in (Nền tảng chung, Chính quyền số, Kinh tế số, Xã hội số), each with its own index and rank.

Built on the structure provinces publish for their departments and districts after Decision 922/QĐ-BTTTT (2022):
awareness, institutions, infrastructure and platforms, data, digital government activity, information security,
human resources; the pillars follow the Decision's grouping (the foundations: awareness, institutions,
infrastructure, human resources, information security). The criteria and points below are plausible, not an
official text; docs/samples/build_samples.py writes it to docs/samples/khung-chi-so-dti-mau.xlsx."""
from decimal import Decimal

from ..framework_spec import APPRAISED, CriterionSpec, FrameworkSpec, GradeSpec, PillarSpec

A = APPRAISED
HAS = "choice Có={}; Không=0"
ON_TIME = "choice Ban hành đúng hạn={}; Ban hành chậm={}; Không ban hành=0"

# code, title, max points[, method, rule, evidence required]
AREAS = (
    ("1", "Chuyển đổi nhận thức", "100"),
    ("1.1", "Ban hành kế hoạch chuyển đổi số năm của đơn vị", "30", A, ON_TIME.format(30, 15), True),
    ("1.2", "Người đứng đầu trực tiếp chỉ đạo chuyển đổi số", "30", A, HAS.format(30), True),
    ("1.3", "Tuyên truyền, phổ biến về chuyển đổi số cho người dân, doanh nghiệp", "40", A, "proportional"),
    ("2", "Kiến tạo thể chế", "120"),
    ("2.1", "Ban hành quy chế, quy định phục vụ chuyển đổi số", "60", A, HAS.format(60), True),
    ("2.2", "Bố trí kinh phí cho chuyển đổi số", "60", A, "ratio 100=60; 70=40; 40=20; 0=0", True),
    ("3", "Phát triển hạ tầng và nền tảng số", "150"),
    ("3.1", "Tỷ lệ cán bộ có máy tính kết nối mạng", "50", A, "ratio 100=50; 90=40; 70=20; 0=0"),
    ("3.2", "Kết nối mạng truyền số liệu chuyên dùng", "50", A, HAS.format(50), True),
    ("3.3", "Sử dụng các nền tảng dùng chung của tỉnh", "50", A, "proportional"),
    ("4", "Thông tin và dữ liệu số", "150"),
    ("4.1", "Xây dựng cơ sở dữ liệu chuyên ngành", "60", A, "choice Hoàn thành=60; Đang xây dựng=30; Chưa=0", True),
    ("4.2", "Chia sẻ dữ liệu qua nền tảng tích hợp, chia sẻ dữ liệu", "50", A, "proportional", True),
    ("4.3", "Công bố dữ liệu mở", "40", A, HAS.format(40)),
    ("5", "Hoạt động chính quyền số", "250"),
    ("5.1", "Tỷ lệ hồ sơ thủ tục hành chính xử lý trực tuyến toàn trình", "80", A,
     "ratio 80=80; 50=50; 30=30; 0=0", True),
    ("5.2", "Tỷ lệ văn bản điện tử có chữ ký số", "60", A, "ratio 100=60; 90=45; 70=30; 0=0", True),
    ("5.3", "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính", "60", A, "proportional", True),
    ("5.4", "Thanh toán trực tuyến phí, lệ phí", "50", A, "ratio 50=50; 30=30; 10=10; 0=0"),
    ("6", "An toàn thông tin mạng", "130"),
    ("6.1", "Phê duyệt cấp độ an toàn hệ thống thông tin", "50", A, HAS.format(50), True),
    ("6.2", "Triển khai giám sát an toàn thông tin", "40", A, HAS.format(40)),
    ("6.3", "Sự cố mất an toàn thông tin trong năm", "40", A, "deduct 10"),
    ("7", "Đào tạo và phát triển nguồn nhân lực", "100"),
    ("7.1", "Cán bộ chuyên trách công nghệ thông tin, chuyển đổi số", "50", A, HAS.format(50)),
    ("7.2", "Tỷ lệ cán bộ được bồi dưỡng kỹ năng số", "25", A, "ratio 100=25; 70=15; 50=10; 0=0", True),
    ("7.3", "Tổ công nghệ số cộng đồng hỗ trợ người dân sử dụng dịch vụ số", "25", A, HAS.format(25), True),
)
PILLARS = (("NT", "Nền tảng chung"), ("CQS", "Chính quyền số"), ("KTS", "Kinh tế số"), ("XHS", "Xã hội số"))
# The leaves of each pillar: awareness, institutions, infrastructure, security and staff are the foundations;
# shared platforms, data and online services the digital government; open data and online payment the digital
# economy; outreach and community help the digital society.
PILLAR_LEAVES = {
    "NT": ("1.1", "1.2", "2.1", "2.2", "3.1", "3.2", "6.1", "6.2", "6.3", "7.1", "7.2"),
    "CQS": ("3.3", "4.1", "4.2", "5.1", "5.2", "5.3"),
    "KTS": ("4.3", "5.4"),
    "XHS": ("1.3", "7.3"),
}
PILLAR_OF = {leaf: pillar for pillar, leaves in PILLAR_LEAVES.items() for leaf in leaves}
GRADES = (("TOT", "Tốt", "80"), ("KHA", "Khá", "65"), ("TB", "Trung bình", "50"), ("YEU", "Yếu", "0"))


def dti_sample_spec(*, year=2024, block="SO") -> FrameworkSpec:
    return FrameworkSpec(
        code=f"DTI-{block}-{year}", name=f"Bộ chỉ số đánh giá chuyển đổi số (DTI) cấp sở, huyện năm {year}",
        year=year, block=block, index="DTI", version="DTI-922/2022", precision=2, clamp_total=True,
        criteria=tuple(_node(*row) for row in AREAS),
        grades=tuple(GradeSpec(code=code, label=label, min_index=Decimal(minimum)) for code, label, minimum in GRADES),
        pillars=tuple(PillarSpec(code=code, name=name) for code, name in PILLARS))


def _node(code, title, max_points, method="", rule="", evidence=False):
    return CriterionSpec(code=code, title=title, max_points=Decimal(max_points), method=method, rule=rule,
                         evidence_required=evidence, appraiser="STTTT" if method else "",
                         pillar=PILLAR_OF.get(code, ""))
