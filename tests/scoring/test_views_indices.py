"""The managers' pages of the other indices: importing results from a workbook (preview, errors, confirm),
publishing, and closing a DDCI collection from the browser."""
from decimal import Decimal

import pytest
from django.urls import reverse

from scoring.models import EditionState, IndexEdition, IndexResult, Unit
from surveys.models import CompetitivenessFramework
from tests.conftest import make_unit
from tests.surveys.competitiveness_data import answer_ddci, make_ddci

from .pillars_data import make_pillar_block
from .test_excel_indices import GOOD, xlsx


@pytest.fixture
def managed(client, coordinator):
    client.force_login(coordinator)
    return client


def upload(client, rows, **fields):
    file = xlsx(rows)
    file.name = "ddci.xlsx"
    data = {"index": "DDCI", "year": 2024, "block": "SO", "precision": 2, "version": "", "file": file, **fields}
    return client.post(reverse("scoring:edition_import"), data)


def test_a_manager_previews_the_workbook_then_confirms_and_publishes(managed, personas):
    make_unit("SYT", block=personas["unit_officer"].unit.block)
    make_unit("STC", block=personas["unit_officer"].unit.block)
    answer = upload(managed, GOOD)
    assert answer.status_code == 302
    preview = managed.get(answer["Location"])
    assert "Chi phí thời gian" in preview.content.decode() and not IndexResult.objects.exists()
    confirmed = managed.post(answer["Location"])
    assert confirmed.status_code == 302 and IndexResult.objects.count() == 3
    edition = IndexEdition.objects.get()
    step = managed.post(reverse("scoring:edition_publish", args=[edition.pk]))
    edition.refresh_from_db()
    assert step.status_code == 200 and "Số đơn vị được đánh giá" in step.content.decode()
    assert edition.state == EditionState.COMPUTED  # nothing happens without the confirmation
    managed.post(reverse("scoring:edition_publish", args=[edition.pk]), {"confirmed": "1"})
    edition.refresh_from_db()
    assert edition.state == EditionState.PUBLISHED
    assert "Đã công bố" in managed.get(reverse("scoring:edition_list")).content.decode()


def test_a_workbook_with_errors_is_shown_with_them_and_nothing_is_saved(managed, personas):
    answer = upload(managed, [["KHONGCO", "", 1, 1, 50, 1]])
    preview = managed.post(answer["Location"])
    assert preview.status_code == 200 and "không có đơn vị mã KHONGCO" in preview.content.decode()
    assert not IndexResult.objects.exists()


def test_a_manager_closes_a_ddci_collection_from_its_page_after_a_confirmation(managed, db):
    framework = make_ddci()
    answer_ddci(framework, [("SNV", "AAA"), ("SNV", "AAA"), ("STC", "DDD"), ("STC", "DDD")])
    page = managed.get(reverse("scoring:edition_list")).content.decode()
    assert reverse("surveys:competitiveness_detail", args=[framework.pk]) in page
    detail = managed.get(reverse("surveys:competitiveness_detail", args=[framework.pk])).content.decode()
    assert reverse("surveys:competitiveness_close", args=[framework.pk]) in detail
    step = managed.post(reverse("surveys:competitiveness_close", args=[framework.pk]))
    assert step.status_code == 200 and "Đóng và tính" in step.content.decode()
    assert CompetitivenessFramework.objects.get(pk=framework.pk).edition.state == EditionState.COLLECTING
    managed.post(reverse("surveys:competitiveness_close", args=[framework.pk]), {"confirmed": "1"})
    framework = CompetitivenessFramework.objects.get(pk=framework.pk)
    assert framework.edition.state == EditionState.COMPUTED
    assert IndexResult.objects.filter(edition=framework.edition, rated=True).count() == 2


def test_a_dti_units_pillars_read_on_the_indexs_0_to_1_scale(client, leader):
    make_pillar_block("DTI")
    client.force_login(leader)
    unit = Unit.objects.get(code="U1")

    page = client.get(reverse("scoring:unit_indices", kwargs={"pk": unit.pk, "year": 2025})).content.decode()

    pillars = page[page.index('id="pillars-DTI"'):]
    assert "Chỉ số (0–1)" in pillars and "0,9333" in pillars and "-0,0667" in pillars
    assert "93,33" not in pillars


def test_the_units_page_shows_each_pillars_index_rank_and_change(client, leader):
    make_pillar_block()
    client.force_login(leader)
    unit = Unit.objects.get(code="U1")

    response = client.get(reverse("scoring:unit_indices", kwargs={"pk": unit.pk, "year": 2025}))

    page = response.content.decode()
    (line,) = response.context["lines"]
    assert [(pillar.title, pillar.index, pillar.rank, pillar.rank_change, pillar.change)
            for pillar in line.pillars] == [
        ("Chính quyền số", Decimal("93.33"), 1, 0, Decimal("-6.67")),
        ("Kinh tế số", Decimal("55.00"), 2, -1, Decimal("-45.00"))]
    assert f'id="pillars-{line.code}"' in page and '<th scope="row">Chính quyền số</th>' in page


# --- The indices themselves ---------------------------------------------------------------------------------------

INDICES = reverse("scoring:index_list")


def test_an_administrator_adds_a_province_index_audited(client, personas):
    from scoring.models import AuditEntry, Index, Role
    client.force_login(personas[Role.ADMIN])

    response = client.post(INDICES, {"code": "sipas", "name": "Chỉ số hài lòng SIPAS", "scale": "percent",
                                     "position": 4})

    assert response.status_code == 302
    index = Index.objects.get(code="SIPAS")
    assert (index.name, index.scale, index.position) == ("Chỉ số hài lòng SIPAS", "percent", 4)
    entry = AuditEntry.objects.get(entity="index", entity_id=index.pk)
    assert entry.actor == personas[Role.ADMIN] and "SIPAS" in entry.new_value
    assert "SIPAS" in client.get(INDICES).content.decode()


@pytest.mark.parametrize("data, message", [
    ({"code": "PAR", "name": "Trùng", "scale": "percent", "position": 1}, "Đã có chỉ số mã «PAR»."),
    ({"code": "Chỉ số", "name": "Có dấu", "scale": "percent", "position": 1}, "Mã chỉ gồm chữ cái không dấu"),
    ({"code": "DGI", "name": "", "scale": "percent", "position": 1}, "Nhập tên chỉ số."),
    ({"code": "DGI", "name": "Chỉ số DGI", "scale": "stars", "position": 1}, "stars"),
])
def test_a_bad_index_is_refused_with_its_reason_and_nothing_saved(client, personas, data, message):
    from scoring.models import Index, Role
    Index.objects.standard("PAR")
    client.force_login(personas[Role.ADMIN])
    before = Index.objects.count()

    response = client.post(INDICES, data)

    assert response.status_code == 200 and message in response.content.decode()
    assert Index.objects.count() == before


def test_a_coordinator_reads_the_indices_but_may_not_add_one(managed):
    from scoring.models import Index
    assert managed.get(INDICES).context["form"] is None
    assert managed.post(INDICES, {"code": "DGI", "name": "DGI", "scale": "points", "position": 5}).status_code == 403
    assert not Index.objects.filter(code="DGI").exists()
