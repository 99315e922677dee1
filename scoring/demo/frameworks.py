"""The sample framework: the 2017 province tree of 2948/QĐ-BNV (domain.md; 8 areas, 100 points) with criteria written
for a province's departments, a bonus and a penalty area, and the usual grades. docs/samples/build_samples.py
writes it to Excel; seed_frameworks loads variants of it for the demo province's blocks.

The criteria below are plausible, not the official text: the national decision lists areas and points only."""
from dataclasses import replace
from decimal import Decimal

from ..framework_spec import APPRAISED, BONUS, PENALTY, SURVEY, CriterionSpec, FrameworkSpec, GradeSpec
from ..models import Agency, AuditSource, Block, Framework
from ..models.indices import PAR
from ..services.frameworks import framework_import

A, S, B, P = APPRAISED, SURVEY, BONUS, PENALTY
YES = True
AREA_APPRAISERS = {"1": "SNV", "2": "STP", "3": "VPUBND", "4": "SNV", "5": "SNV", "6": "STC", "7": "STTTT",
                   "8": "SNV", "9": "SNV", "10": "SNV"}
AGENCIES = {"SNV": "Sở Nội vụ", "STP": "Sở Tư pháp", "STC": "Sở Tài chính", "VPUBND": "Văn phòng UBND tỉnh",
            "STTTT": "Sở Thông tin và Truyền thông"}
ON_TIME = "choice Ban hành đúng hạn={}; Ban hành chậm={}; Không ban hành=0"
HAS = "choice Có={}; Không=0"
FULL = "choice Đầy đủ={}; Chưa đầy đủ={}; Không thực hiện=0"

# The plan of the year is issued by 31/12 of the year before: its documents count from 1 October of that year.
EVIDENCE_MONTHS_BEFORE = {"1.1.1": 3}

# code, title, max points[, method, rule, evidence required, guidance, appraiser (default: the area's)]
TREE = (
    ("1", "Chỉ đạo, điều hành cải cách hành chính", "10"),
    ("1.1", "Kế hoạch cải cách hành chính năm", "3"),
    ("1.1.1", "Ban hành kế hoạch CCHC năm", "1", A, ON_TIME.format(1, 0.5), YES,
     "Kế hoạch ban hành trước ngày 31/12 của năm trước năm kế hoạch.\nTài liệu: quyết định ban hành kế hoạch."),
    ("1.1.2", "Mức độ hoàn thành kế hoạch CCHC", "1.5", A, "ratio 100=1.5; 80=1; 50=0.5; 0=0", YES,
     "Tỷ lệ nhiệm vụ hoàn thành / tổng số nhiệm vụ trong kế hoạch."),
    ("1.1.3", "Bố trí kinh phí triển khai kế hoạch CCHC", "0.5", A, HAS.format(0.5)),
    ("1.2", "Báo cáo cải cách hành chính định kỳ", "1.5"),
    ("1.2.1", "Số lượng và thời hạn gửi báo cáo quý, 6 tháng, năm", "1", A, "deduct 0.25", YES,
     "Trừ 0,25 điểm cho mỗi báo cáo gửi chậm hoặc không gửi."),
    ("1.2.2", "Chất lượng nội dung báo cáo", "0.5", A, "manual 0.25"),
    ("1.3", "Kiểm tra công tác cải cách hành chính", "2"),
    ("1.3.1", "Tỷ lệ đơn vị trực thuộc được kiểm tra trong năm", "1", A, "ratio 30=1; 20=0.5; 0=0", YES,
     "Đạt từ 30% số đơn vị trực thuộc trở lên: 1 điểm."),
    ("1.3.2", "Xử lý các vấn đề phát hiện qua kiểm tra", "1", A, "ratio 100=1; 70=0.5; 0=0", False,
     "Số vấn đề đã xử lý hoặc kiến nghị xử lý / tổng số vấn đề phát hiện."),
    ("1.4", "Tuyên truyền cải cách hành chính", "1"),
    ("1.4.1", "Ban hành kế hoạch tuyên truyền CCHC", "0.5", A, HAS.format(0.5)),
    ("1.4.2", "Mức độ thực hiện kế hoạch tuyên truyền", "0.5", A, "proportional"),
    ("1.5", "Sáng kiến, giải pháp mới trong cải cách hành chính", "1", A,
     "choice Sáng kiến được công nhận=1; Giải pháp được áp dụng=0.5; Không có=0", YES),
    ("1.6", "Đối thoại của lãnh đạo với người dân, doanh nghiệp", "0.5", A, "choice Có tổ chức=0.5; Không=0"),
    ("1.7", "Thực hiện nhiệm vụ UBND tỉnh giao", "1", A, "proportional", YES,
     "Điểm = điểm tối đa × số nhiệm vụ hoàn thành đúng hạn / tổng số nhiệm vụ được giao."),
    ("2", "Xây dựng và tổ chức thực hiện văn bản quy phạm pháp luật", "10"),
    ("2.1", "Xây dựng, ban hành văn bản QPPL", "3"),
    ("2.1.1", "Ban hành kế hoạch xây dựng văn bản QPPL", "0.5", A, ON_TIME.format(0.5, 0.25), YES),
    ("2.1.2", "Mức độ thực hiện kế hoạch xây dựng văn bản QPPL", "1.5", A, "ratio 100=1.5; 80=1; 60=0.5; 0=0"),
    ("2.1.3", "Lấy ý kiến, thẩm định dự thảo văn bản QPPL theo quy định", "1", A, FULL.format(1, 0.5)),
    ("2.2", "Rà soát, hệ thống hóa văn bản QPPL", "2"),
    ("2.2.1", "Ban hành kế hoạch rà soát, hệ thống hóa", "0.5", A, HAS.format(0.5)),
    ("2.2.2", "Xử lý kết quả rà soát", "1.5", A, "proportional", YES,
     "Số văn bản đã xử lý / số văn bản phải xử lý sau rà soát."),
    ("2.3", "Kiểm tra, xử lý văn bản QPPL", "2.5"),
    ("2.3.1", "Ban hành kế hoạch kiểm tra văn bản QPPL", "0.5", A, HAS.format(0.5)),
    ("2.3.2", "Xử lý văn bản trái pháp luật phát hiện qua kiểm tra", "2", A, "ratio 100=2; 80=1; 0=0", YES),
    ("2.4", "Theo dõi tình hình thi hành pháp luật", "1", A, "manual 0.25"),
    ("2.5", "Chất lượng văn bản QPPL do tỉnh ban hành (điều tra XHH)", "1.5", S),
    ("3", "Cải cách thủ tục hành chính", "14.5"),
    ("3.1", "Rà soát, đánh giá, đơn giản hóa thủ tục hành chính", "2"),
    ("3.1.1", "Ban hành kế hoạch rà soát, đánh giá TTHC", "0.5", A, HAS.format(0.5)),
    ("3.1.2", "Mức độ thực hiện kế hoạch rà soát, đánh giá TTHC", "0.5", A, "proportional"),
    ("3.1.3", "Phương án đơn giản hóa TTHC được cấp có thẩm quyền chấp thuận", "1", A, "manual 0.25", YES),
    ("3.2", "Công bố, công khai thủ tục hành chính", "3"),
    ("3.2.1", "Trình công bố TTHC đúng thời hạn", "1", A, "deduct 0.25", YES,
     "Trừ 0,25 điểm cho mỗi quyết định công bố trình chậm."),
    ("3.2.2", "Cập nhật TTHC lên Cơ sở dữ liệu quốc gia", "1", A,
     "choice Đầy đủ, đúng hạn=1; Chậm hoặc chưa đầy đủ=0.5; Không thực hiện=0"),
    ("3.2.3", "Công khai TTHC tại nơi tiếp nhận, giải quyết", "1", A, FULL.format(1, 0.5)),
    ("3.3", "Thực hiện cơ chế một cửa, một cửa liên thông", "5"),
    ("3.3.1", "Tỷ lệ hồ sơ TTHC giải quyết đúng hạn", "2.5", A, "ratio 100=2.5; 95=2; 90=1.5; 70=1; 0=0", YES,
     "Số hồ sơ giải quyết đúng hạn / tổng số hồ sơ đã giải quyết trong năm, theo Hệ thống một cửa điện tử."),
    ("3.3.2", "Tỷ lệ TTHC giải quyết theo cơ chế một cửa liên thông", "1.5", A, "proportional"),
    ("3.3.3", "Xin lỗi người dân, tổ chức khi giải quyết hồ sơ quá hạn", "1", A,
     "choice Thực hiện đầy đủ=1; Chưa đầy đủ=0.5; Không thực hiện=0"),
    ("3.4", "Tiếp nhận, xử lý phản ánh, kiến nghị về thủ tục hành chính", "1.5"),
    ("3.4.1", "Tỷ lệ phản ánh, kiến nghị được xử lý đúng hạn", "1", A, "ratio 100=1; 80=0.5; 0=0"),
    ("3.4.2", "Công khai kết quả xử lý phản ánh, kiến nghị", "0.5", A, HAS.format(0.5)),
    ("3.5", "Đánh giá của người dân, tổ chức về thủ tục hành chính (điều tra XHH)", "3"),
    ("3.5.1", "Tính công khai, minh bạch của TTHC", "1", S),
    ("3.5.2", "Tính hợp lý, khả thi của TTHC", "1", S),
    ("3.5.3", "Thời gian giải quyết TTHC so với quy định", "1", S),
    ("4", "Cải cách tổ chức bộ máy hành chính nhà nước", "11"),
    ("4.1", "Tuân thủ quy định về tổ chức bộ máy", "3.5"),
    ("4.1.1", "Quy định chức năng, nhiệm vụ, quyền hạn của cơ quan, đơn vị trực thuộc", "1", A,
     "choice Đầy đủ, đúng quy định=1; Chưa đầy đủ=0.5; Chưa ban hành=0", YES),
    ("4.1.2", "Thực hiện quy định về số lượng cấp phó", "1.5", A, "deduct 0.5", False,
     "Trừ 0,5 điểm cho mỗi đơn vị bố trí vượt số lượng cấp phó theo quy định."),
    ("4.1.3", "Sắp xếp, kiện toàn tổ chức theo đề án được phê duyệt", "1", A, "proportional"),
    ("4.2", "Quản lý biên chế", "3"),
    ("4.2.1", "Sử dụng biên chế được giao", "1.5", A, "choice Không vượt số được giao=1.5; Vượt số được giao=0"),
    ("4.2.2", "Tỷ lệ tinh giản biên chế so với năm 2015", "1.5", A, "ratio 10=1.5; 5=1; 0=0", YES),
    ("4.3", "Thực hiện phân cấp quản lý", "2"),
    ("4.3.1", "Thực hiện các nhiệm vụ được phân cấp", "1", A, "manual 0.5"),
    ("4.3.2", "Kiểm tra, đánh giá việc thực hiện nhiệm vụ phân cấp", "1", A, HAS.format(1)),
    ("4.4", "Đánh giá của người dân, tổ chức về tổ chức bộ máy (điều tra XHH)", "2.5"),
    ("4.4.1", "Sự phù hợp của chức năng, nhiệm vụ với thực tế", "1.25", S),
    ("4.4.2", "Kết quả thực hiện chức năng, nhiệm vụ", "1.25", S),
    ("5", "Xây dựng và nâng cao chất lượng đội ngũ cán bộ, công chức, viên chức", "16"),
    ("5.1", "Vị trí việc làm và cơ cấu ngạch công chức", "2"),
    ("5.1.1", "Phê duyệt vị trí việc làm", "1", A, "choice Đã phê duyệt=1; Đang trình=0.5; Chưa xây dựng=0", YES),
    ("5.1.2", "Bố trí công chức theo vị trí việc làm", "1", A, "proportional"),
    ("5.2", "Tuyển dụng và bổ nhiệm", "3"),
    ("5.2.1", "Thực hiện quy định về tuyển dụng công chức, viên chức", "1.5", A,
     "choice Đúng quy định=1.5; Có sai sót đã khắc phục=0.75; Sai quy định=0", YES),
    ("5.2.2", "Thực hiện quy định về bổ nhiệm lãnh đạo", "1.5", A, "deduct 0.5"),
    ("5.3", "Đánh giá, phân loại cán bộ, công chức, viên chức", "2", A, "manual 0.25"),
    ("5.4", "Đào tạo, bồi dưỡng", "3"),
    ("5.4.1", "Ban hành kế hoạch đào tạo, bồi dưỡng", "0.5", A, HAS.format(0.5)),
    ("5.4.2", "Mức độ thực hiện kế hoạch đào tạo, bồi dưỡng", "1.5", A, "ratio 100=1.5; 80=1; 50=0.5; 0=0", YES),
    ("5.4.3", "Khảo sát nhu cầu và đánh giá sau đào tạo", "1", A, "manual 0.5"),
    ("5.5", "Kỷ luật, kỷ cương hành chính", "2"),
    ("5.5.1", "Cán bộ, công chức, viên chức bị kỷ luật", "1", A, "deduct 0.25", False,
     "Trừ 0,25 điểm cho mỗi trường hợp bị kỷ luật từ khiển trách trở lên."),
    ("5.5.2", "Tự kiểm tra công vụ", "1", A, HAS.format(1)),
    ("5.6", "Cán bộ, công chức cấp xã", "1.5"),
    ("5.6.1", "Tỷ lệ cán bộ, công chức cấp xã đạt chuẩn", "1.5", A, "ratio 100=1.5; 90=1; 70=0.5; 0=0"),
    ("5.7", "Đánh giá của người dân về đội ngũ CCVC (điều tra XHH)", "2.5"),
    ("5.7.1", "Thái độ phục vụ, giao tiếp của công chức", "1.25", S),
    ("5.7.2", "Năng lực giải quyết công việc của công chức", "1.25", S),
    ("6", "Đổi mới cơ chế tài chính đối với cơ quan hành chính, đơn vị sự nghiệp công lập", "7"),
    ("6.1", "Thực hiện cơ chế tự chủ tại cơ quan hành chính", "2.5"),
    ("6.1.1", "Ban hành quy chế chi tiêu nội bộ", "1", A, ON_TIME.format(1, 0.5), YES),
    ("6.1.2", "Tiết kiệm chi, tăng thu nhập cho cán bộ, công chức", "1.5", A, "manual 0.25"),
    ("6.2", "Thực hiện cơ chế tự chủ tại đơn vị sự nghiệp công lập", "3"),
    ("6.2.1", "Tỷ lệ đơn vị sự nghiệp được giao tự chủ tài chính", "1.5", A, "proportional", YES),
    ("6.2.2", "Chuyển đổi đơn vị sự nghiệp đủ điều kiện sang công ty cổ phần", "0.5", A, HAS.format(0.5)),
    ("6.2.3", "Thực hiện giá dịch vụ sự nghiệp công", "1", A, "ratio 100=1; 50=0.5; 0=0"),
    ("6.3", "Thực hiện kiến nghị của thanh tra, kiểm toán về tài chính", "1.5", A, "deduct 0.5", YES),
    ("7", "Hiện đại hóa hành chính", "16"),
    ("7.1", "Ứng dụng công nghệ thông tin", "5"),
    ("7.1.1", "Ban hành kế hoạch ứng dụng CNTT", "0.5", A, HAS.format(0.5)),
    ("7.1.2", "Tỷ lệ văn bản trao đổi dưới dạng điện tử", "1.5", A, "ratio 80=1.5; 60=1; 40=0.5; 0=0"),
    ("7.1.3", "Sử dụng hệ thống thư điện tử công vụ", "1", A, "proportional"),
    ("7.1.4", "Cổng, trang thông tin điện tử", "2"),
    ("7.1.4.1", "Cung cấp đầy đủ thông tin theo quy định", "1", A, "choice Đầy đủ=1; Chưa đầy đủ=0.5; Không có=0"),
    ("7.1.4.2", "Cập nhật thông tin thường xuyên", "1", A, "manual 0.25"),
    ("7.2", "Cung cấp dịch vụ công trực tuyến", "4"),
    ("7.2.1", "Tỷ lệ dịch vụ công trực tuyến mức độ 3, 4", "2", A, "ratio 30=2; 20=1.5; 10=1; 0=0"),
    ("7.2.2", "Tỷ lệ hồ sơ TTHC xử lý trực tuyến mức độ 3, 4", "2", A, "ratio 50=2; 30=1.5; 10=1; 0=0", YES),
    ("7.3", "Áp dụng hệ thống quản lý chất lượng TCVN ISO 9001", "3"),
    ("7.3.1", "Xây dựng, công bố hệ thống quản lý chất lượng", "1.5", A,
     "choice Đã công bố=1.5; Đang xây dựng=0.5; Chưa áp dụng=0", YES),
    ("7.3.2", "Duy trì, cải tiến hệ thống quản lý chất lượng", "1.5", A, "deduct 0.5"),
    ("7.4", "Đánh giá của người dân về hiện đại hóa hành chính (điều tra XHH)", "4"),
    ("7.4.1", "Mức độ thuận tiện khi sử dụng dịch vụ công trực tuyến", "2", S),
    ("7.4.2", "Khả năng tiếp cận thông tin trên cổng thông tin điện tử", "2", S),
    ("8", "Tác động của cải cách hành chính đến người dân, tổ chức và phát triển kinh tế - xã hội", "15.5"),
    ("8.1", "Tác động đến người dân, tổ chức", "6"),
    ("8.1.1", "Sự hài lòng của người dân, tổ chức đối với sự phục vụ của cơ quan hành chính", "3", S),
    ("8.1.2", "Tính minh bạch, trách nhiệm giải trình của cơ quan hành chính", "3", S),
    ("8.2", "Tác động đến quản lý nhà nước", "5"),
    ("8.2.1", "Chất lượng cơ chế, chính sách thuộc phạm vi quản lý", "2.5", S),
    ("8.2.2", "Hiệu lực, hiệu quả chỉ đạo, điều hành", "2.5", S),
    ("8.3", "Tác động đến phát triển kinh tế - xã hội", "4.5"),
    ("8.3.1", "Môi trường đầu tư, kinh doanh (khảo sát doanh nghiệp)", "2", S),
    ("8.3.2", "Thực hiện chỉ tiêu phát triển kinh tế - xã hội được giao", "2.5", A, "ratio 100=2.5; 90=2; 80=1; 0=0",
     YES),
    ("9", "Điểm thưởng", "3"),
    ("9.1", "Được cấp có thẩm quyền khen thưởng về cải cách hành chính", "1", B, "manual 0.5", YES),
    ("9.2", "Mô hình, sáng kiến CCHC được nhân rộng", "1", B, "manual", YES),
    ("9.3", "Dẫn đầu khối về tỷ lệ hồ sơ trực tuyến", "1", B, "manual", False, "", "STTTT"),
    ("10", "Điểm trừ", "5"),
    ("10.1", "Sai phạm trong giải quyết TTHC bị xử lý kỷ luật", "2", P, "manual 0.5", YES, "", "VPUBND"),
    ("10.2", "Không thực hiện báo cáo theo yêu cầu của cấp trên", "1", P, "manual 0.25"),
    ("10.3", "Công chức vi phạm kỷ luật bị xử lý từ hình thức cảnh cáo trở lên", "2", P, "manual 0.5", YES),
)
GRADES = (("XS", "Xuất sắc", "90", "70"), ("TOT", "Tốt", "80"), ("KHA", "Khá", "70"), ("TB", "Trung bình", "50"),
          ("YEU", "Yếu", "0"))
# Demo variants: a commune has no inspections of its own units nor public service units to convert, so those
# criteria fold into a sibling (the points move, the total stays 100) and the codes are renumbered.
DISTRICT_FOLDS = {"6.2.2": "6.2.1"}
COMMUNE_FOLDS = {"1.3": "1.7", "1.4": "1.7", "2.2": "2.4", "2.3": "2.4", "5.1": "5.3", "6.2": "6.3"}
VARIANTS = {
    "SO": ("sở, ban, ngành", {}, {}),
    "HUYEN": ("huyện, thị xã, thành phố", DISTRICT_FOLDS, {"UBND tỉnh giao": "UBND tỉnh giao cho huyện"}),
    "XA": ("xã, phường, thị trấn", COMMUNE_FOLDS, {"UBND tỉnh giao": "UBND huyện giao", "do tỉnh": "do xã"}),
}
VERSIONS = {(2024, "SO"): "2948/2017"}
DEFAULT_VERSION = "876/2022"


def sample_spec(*, year=2017, block="SO", version="2948/2017") -> FrameworkSpec:
    """The 2017 province tree as published in docs/samples/khung-chi-so-tinh-2017.xlsx."""
    return FrameworkSpec(
        code=f"CCHC-{block}-{year}", name=f"Bộ chỉ số cải cách hành chính cấp tỉnh năm {year}", year=year,
        block=block, version=version, precision=2, bonus_cap=Decimal(2), penalty_cap=Decimal(3), clamp_total=True,
        criteria=tuple(_node(*row) for row in TREE), grades=tuple(_grade(*row) for row in GRADES),
    )


def province_spec(*, year: int, block="SO") -> FrameworkSpec:
    """The sample tree as provinces write it (domain.md, rule 1): the bonus area without a maximum of its own, the
    penalty area with 0, a choice on a bonus leaf and a deduction per occurrence on a penalty leaf. Written to
    docs/samples/khung-chi-so-so-2026.xlsx for the onboarding steps of the README."""
    spec = sample_spec(year=year, block=block, version=DEFAULT_VERSION)
    rewritten = {
        "9": {"max_points": None},
        "9.1": {"rule": "choice Bằng khen cấp tỉnh=0.5; Bằng khen cấp bộ trở lên=1"},
        "10": {"max_points": Decimal(0)},
        "10.2": {"title": "Chậm báo cáo CCHC theo yêu cầu (trừ 0,25 điểm mỗi lần, tối đa 1 điểm)",
                 "rule": "deduct 0.25"},
    }
    return replace(spec, code=f"CCHC-{block}-{year}", name=f"Bộ chỉ số cải cách hành chính khối sở năm {year}",
                   criteria=tuple(replace(node, **rewritten.get(node.code, {})) for node in spec.criteria))


def _node(code, title, max_points, method="", rule="", evidence=False, guidance="", appraiser=None):
    if appraiser is None:
        appraiser = AREA_APPRAISERS[code.partition(".")[0]] if method and method != SURVEY else ""
    return CriterionSpec(code=code, title=title, max_points=Decimal(max_points), method=method, rule=rule,
                         evidence_required=evidence, appraiser=appraiser, guidance=guidance,
                         evidence_months_before=EVIDENCE_MONTHS_BEFORE.get(code, 0))


def _grade(code, label, min_index, min_area_index=None):
    return GradeSpec(code=code, label=label, min_index=Decimal(min_index),
                     min_area_index=Decimal(min_area_index) if min_area_index else None)


def demo_spec(*, year: int, block: str) -> FrameworkSpec:
    """The sample tree adapted to a block of the demo province (blocks other than SO, HUYEN, XA get the SO tree)."""
    audience, folds, wording = VARIANTS.get(block, VARIANTS["SO"])
    spec = sample_spec(year=year, block=block, version=VERSIONS.get((year, block), DEFAULT_VERSION))
    criteria = _renumber(_fold(spec.criteria, folds))
    criteria = tuple(replace(node, title=_reword(node.title, wording)) for node in criteria)
    return replace(spec, name=f"Bộ chỉ số cải cách hành chính khối {audience} năm {year}", criteria=criteria)


def _fold(criteria, folds):
    nodes = {node.code: node for node in criteria}
    for gone, into in folds.items():
        nodes[into] = replace(nodes[into], max_points=nodes[into].max_points + nodes[gone].max_points)
    gone = tuple(folds)
    return [nodes[node.code] for node in criteria if not any(_within(node.code, code) for code in gone)]


def _within(code, ancestor):
    return code == ancestor or code.startswith(ancestor + ".")


def _renumber(criteria):
    new_codes, counts = {}, {}
    renumbered = []
    for node in criteria:
        parent = new_codes.get(node.parent_code, "")
        counts[parent] = counts.get(parent, 0) + 1
        new_codes[node.code] = f"{parent}.{counts[parent]}" if parent else str(counts[parent])
        renumbered.append(replace(node, code=new_codes[node.code]))
    return renumbered


def _reword(title, wording):
    for old, new in wording.items():
        title = title.replace(old, new)
    return title


def seed_frameworks(*, user=None) -> int:
    """Frameworks of 2024 and 2025 for every block; a year and block that already has one is left alone."""
    for code, name in AGENCIES.items():
        Agency.objects.get_or_create(code=code, defaults={"name": name})
    created = 0
    for block in Block.objects.order_by("position", "code"):
        for year in (2024, 2025):
            if not Framework.objects.filter(year=year, block=block, index__code=PAR).exists():
                framework_import(spec=demo_spec(year=year, block=block.code), user=user, source=AuditSource.SYSTEM)
                created += 1
    return created
