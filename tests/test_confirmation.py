"""parindex/confirmation.py: the confirmation step's page and the rehearsal that tells what an action would do."""
import pytest

from parindex.confirmation import confirmation_page, is_confirmed, rehearse
from scoring.models import Block


def test_a_rehearsal_returns_what_the_action_returned_and_keeps_nothing(db):
    created = rehearse(lambda: Block.objects.create(code="XA", name="Khối xã", position=3))

    assert created.code == "XA"
    assert not Block.objects.filter(code="XA").exists()


def test_a_refusal_during_a_rehearsal_reaches_the_caller(db):
    def refuse():
        Block.objects.create(code="XA", name="Khối xã", position=3)
        raise ValueError("không được")

    with pytest.raises(ValueError, match="không được"):
        rehearse(refuse)
    assert not Block.objects.filter(code="XA").exists()


def test_the_step_posts_the_same_fields_again_with_the_confirmation(rf, leader):
    request = rf.post("/cycles/1/close/", {"reason": "Hết năm <b>", "confirmed": "0", "csrfmiddlewaretoken": "x"})
    request.user = leader

    text = confirmation_page(request, title="Đóng kỳ?", summary=[("Kỳ", "2025"), "Một dòng"], button="Đóng",
                             cancel_url="/cycles/1/").content.decode()

    assert 'name="reason" value="Hết năm &lt;b&gt;"' in text
    assert text.count('name="confirmed"') == 1 and 'name="confirmed" value="1"' in text
    assert 'action="/cycles/1/close/"' in text and 'href="/cycles/1/"' in text
    assert not is_confirmed(request)
