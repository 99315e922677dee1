"""The sample questionnaire (docs/samples/khao-sat-mau.xlsx, written by docs/samples/build_survey_sample.py; the demo
province imports it for 2025): a sociological survey of the kind provinces run for the PAR index, six respondent
groups rating the departments, with the SIPAS questions for citizens (5 elements × perception, satisfaction and
expectation).

Scored questions map to the survey leaves of area 8 of the sample framework (docs/samples/khung-chi-so-tinh-2017.xlsx,
"Tác động của cải cách hành chính"): 8.1.1 satisfaction of citizens and organisations, 8.1.2 transparency and
accountability, 8.2.1 quality of policies, 8.2.2 effectiveness of direction, 8.3.1 business environment.
The wording is plausible, not an official form."""
from dataclasses import replace
from decimal import Decimal

from .services.design import GroupSpec, OptionSpec, QuestionSpec, SurveySpec

SATISFIED = "8.1.1"
TRANSPARENT = "8.1.2"
POLICY = "8.2.1"
DIRECTION = "8.2.2"
BUSINESS = "8.3.1"
AREA_8_LEAVES = (SATISFIED, TRANSPARENT, POLICY, DIRECTION, BUSINESS)


def _scale(text):
    options = []
    for part in text.split(";"):
        label, _equals, weight = part.strip().rpartition("=")
        options.append(OptionSpec(label, Decimal(weight) if weight else None))
    return tuple(options)


# The common scale (domain.md, rule 11): 100, 60, 20, 0, and a "don't know" that is not counted.
LEVEL = _scale("Tốt=100; Khá=60; Trung bình=20; Kém=0; Không đánh giá được=")
AGREE = _scale("Hoàn toàn đồng ý=100; Đồng ý=60; Không đồng ý=20; Hoàn toàn không đồng ý=0; Không biết=")
SATISFACTION = _scale("Rất hài lòng=100; Hài lòng=60; Không hài lòng=20; Rất không hài lòng=0; Không có ý kiến=")
# Expectations are asked to plan improvements; they carry no weight and count for no points.
EXPECTATION = _scale("Cần cải thiện nhiều=; Cần cải thiện một phần=; Không cần cải thiện=")

GROUPS = (
    GroupSpec("DBHDND", "Đại biểu HĐND", identified=True),
    GroupSpec("LDSO", "Lãnh đạo sở, ngành", identified=True),
    GroupSpec("LDHUYEN", "Lãnh đạo huyện", identified=True),
    GroupSpec("CONGCHUC", "Công chức cấp xã", identified=True),
    GroupSpec("NGUOIDAN", "Người dân"),
    GroupSpec("DOANHNGHIEP", "Doanh nghiệp"),
)

# group, code, text, options, criterion, element, content
QUESTIONS = (
    ("DBHDND", "D1", "Chất lượng tham mưu ban hành cơ chế, chính sách thuộc lĩnh vực đơn vị quản lý", LEVEL, POLICY),
    ("DBHDND", "D2", "Tính khả thi và hiệu quả thực hiện các cơ chế, chính sách thuộc lĩnh vực đơn vị quản lý", LEVEL,
     POLICY),
    ("DBHDND", "D3", "Hiệu lực, hiệu quả chỉ đạo, điều hành của lãnh đạo đơn vị", LEVEL, DIRECTION),
    ("DBHDND", "D4", "Việc giải trình, trả lời chất vấn và kiến nghị của cử tri thuộc lĩnh vực đơn vị quản lý", LEVEL,
     TRANSPARENT),
    ("DBHDND", "D5", "Việc công khai, minh bạch thông tin về hoạt động của đơn vị", LEVEL, TRANSPARENT),
    ("LDSO", "S1", "Chất lượng văn bản quy phạm pháp luật, chính sách do đơn vị chủ trì tham mưu", LEVEL, POLICY),
    ("LDSO", "S2", "Sự phối hợp của đơn vị khi được lấy ý kiến, phối hợp giải quyết công việc liên ngành", LEVEL,
     DIRECTION),
    ("LDSO", "S3", "Thời gian trả lời văn bản xin ý kiến của đơn vị", LEVEL, DIRECTION),
    ("LDSO", "S4", "Sự chủ động của đơn vị trong cải thiện môi trường đầu tư, kinh doanh", LEVEL, BUSINESS),
    ("LDSO", "S5", "Việc chia sẻ thông tin, dữ liệu thuộc lĩnh vực đơn vị quản lý", LEVEL, TRANSPARENT),
    ("LDHUYEN", "H1", "Chất lượng hướng dẫn chuyên môn, nghiệp vụ của đơn vị đối với cấp huyện", LEVEL, POLICY),
    ("LDHUYEN", "H2", "Mức độ kịp thời giải quyết đề xuất, kiến nghị của cấp huyện", LEVEL, DIRECTION),
    ("LDHUYEN", "H3", "Việc phân cấp, ủy quyền cho cấp huyện trong lĩnh vực đơn vị quản lý", LEVEL, DIRECTION),
    ("LDHUYEN", "H4", "Sự hỗ trợ của đơn vị trong thu hút đầu tư trên địa bàn huyện", LEVEL, BUSINESS),
    ("LDHUYEN", "H5", "Tính công khai, minh bạch trong phân bổ nguồn lực, chỉ tiêu cho cấp huyện", LEVEL,
     TRANSPARENT),
    ("CONGCHUC", "X1", "Văn bản hướng dẫn của đơn vị rõ ràng, dễ thực hiện ở cấp xã", AGREE, POLICY),
    ("CONGCHUC", "X2", "Đơn vị trả lời kịp thời các vướng mắc của cấp xã", AGREE, DIRECTION),
    ("CONGCHUC", "X3", "Tập huấn, bồi dưỡng nghiệp vụ của đơn vị cho công chức cấp xã đáp ứng yêu cầu công việc", AGREE,
     DIRECTION),
    ("CONGCHUC", "X4", "Hồ sơ liên thông giữa cấp xã và đơn vị được giải quyết thông suốt, đúng hạn", AGREE, POLICY),
    ("CONGCHUC", "X5", "Thái độ làm việc của công chức đơn vị khi cấp xã liên hệ công việc", LEVEL, TRANSPARENT),
    # SIPAS: each element as perception, satisfaction, expectation; every satisfaction question feeds 8.1.1.
    ("NGUOIDAN", "N1", "Nơi tiếp nhận và trả kết quả có đủ chỗ ngồi, trang thiết bị phục vụ người dân (bàn, ghế, máy "
     "tra cứu, nước uống)", AGREE, "", "access", "perception"),
    ("NGUOIDAN", "N2", "Ông/bà hài lòng thế nào với việc tiếp cận dịch vụ tại cơ quan?", SATISFACTION, SATISFIED,
     "access", "satisfaction"),
    ("NGUOIDAN", "N3", "Ông/bà mong muốn cơ quan cải thiện việc tiếp cận dịch vụ ở mức nào?", EXPECTATION, "", "access",
     "expectation"),
    ("NGUOIDAN", "N4", "Thủ tục hành chính được niêm yết công khai, đầy đủ, chính xác; hồ sơ phải nộp đúng quy định",
     AGREE, TRANSPARENT, "procedure", "perception"),
    ("NGUOIDAN", "N5", "Ông/bà hài lòng thế nào với thủ tục hành chính đã thực hiện?", SATISFACTION, SATISFIED,
     "procedure", "satisfaction"),
    ("NGUOIDAN", "N6", "Ông/bà mong muốn cơ quan cải thiện thủ tục hành chính ở mức nào?", EXPECTATION, "",
     "procedure", "expectation"),
    ("NGUOIDAN", "N7", "Công chức giao tiếp lịch sự, hướng dẫn kê khai hồ sơ tận tình, dễ hiểu, không gây phiền hà",
     AGREE, "", "civil_servant", "perception"),
    ("NGUOIDAN", "N8", "Ông/bà hài lòng thế nào với công chức trực tiếp giải quyết công việc?", SATISFACTION, SATISFIED,
     "civil_servant", "satisfaction"),
    ("NGUOIDAN", "N9", "Ông/bà mong muốn cơ quan cải thiện thái độ, năng lực của công chức ở mức nào?", EXPECTATION, "",
     "civil_servant", "expectation"),
    ("NGUOIDAN", "N10", "Kết quả được trả đúng hẹn; thông tin trong kết quả đầy đủ, chính xác", AGREE, "", "result",
     "perception"),
    ("NGUOIDAN", "N11", "Ông/bà hài lòng thế nào với kết quả giải quyết thủ tục hành chính?", SATISFACTION, SATISFIED,
     "result", "satisfaction"),
    ("NGUOIDAN", "N12", "Ông/bà mong muốn cơ quan cải thiện thời gian trả kết quả ở mức nào?", EXPECTATION, "",
     "result", "expectation"),
    ("NGUOIDAN", "N13", "Cơ quan tiếp nhận, xử lý và trả lời kịp thời các góp ý, phản ánh, kiến nghị của người dân",
     AGREE, TRANSPARENT, "feedback", "perception"),
    ("NGUOIDAN", "N14", "Ông/bà hài lòng thế nào với việc tiếp nhận, xử lý góp ý, phản ánh, kiến nghị?", SATISFACTION,
     SATISFIED, "feedback", "satisfaction"),
    ("NGUOIDAN", "N15", "Ông/bà mong muốn cơ quan cải thiện việc xử lý góp ý, phản ánh, kiến nghị ở mức nào?",
     EXPECTATION, "", "feedback", "expectation"),
    ("NGUOIDAN", "N16", "Nhìn chung, ông/bà hài lòng thế nào với sự phục vụ của cơ quan?", SATISFACTION, SATISFIED),
    ("DOANHNGHIEP", "B1", "Thông tin về chính sách, thủ tục hành chính được cơ quan công khai đầy đủ, dễ tiếp cận",
     AGREE, TRANSPARENT, "access", "perception"),
    ("DOANHNGHIEP", "B2", "Thời gian giải quyết thủ tục cho doanh nghiệp đúng quy định", AGREE, BUSINESS, "procedure",
     "perception"),
    ("DOANHNGHIEP", "B3", "Doanh nghiệp không phải trả chi phí không chính thức khi làm việc với cơ quan", AGREE,
     BUSINESS, "civil_servant", "perception"),
    ("DOANHNGHIEP", "B4", "Cơ quan chủ động hỗ trợ, tháo gỡ khó khăn cho doanh nghiệp", LEVEL, BUSINESS),
    ("DOANHNGHIEP", "B5", "Doanh nghiệp hài lòng thế nào với kết quả giải quyết công việc tại cơ quan?", SATISFACTION,
     SATISFIED, "result", "satisfaction"),
)


def sample_survey_spec(*, code="XHH-2017", year=2017, blocks=("SO",)) -> SurveySpec:
    """The sample questionnaire, rating the departments (block SO) of the sample framework's year."""
    return SurveySpec(
        code=code, name=f"Điều tra xã hội học đánh giá Chỉ số cải cách hành chính và SIPAS năm {year}", year=year,
        blocks=tuple(blocks), groups=GROUPS, questions=tuple(_question(*row) for row in QUESTIONS),
        anonymous=True, satisfied_min_weight=Decimal(60), margin_of_error=Decimal("0.05"))


def demo_survey_spec(*, year: int, blocks) -> SurveySpec:
    """The sample questionnaire for the demo province: another year, every block."""
    return replace(sample_survey_spec(code=f"XHH-{year}", year=year, blocks=blocks),
                   name=f"Điều tra xã hội học đánh giá Chỉ số CCHC và SIPAS năm {year} tỉnh Sơn Hà")


def _question(group, code, text, options, criterion="", element="", content=""):
    return QuestionSpec(code=code, group=group, text=text, options=options, criterion_code=criterion,
                        element=element, content=content)
