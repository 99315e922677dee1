"""Uploaded workbooks wait on disk, under a token, until their preview is confirmed or cancelled."""
import pytest

from scoring.services.uploads import staged_upload_path, upload_discard, upload_stage


class Upload:
    def __init__(self, content):
        self.content = content

    def chunks(self):
        yield self.content


def test_an_upload_is_staged_under_media_root_and_discarded(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path

    token = upload_stage(file=Upload(b"xlsx bytes"))

    path = staged_upload_path(token)
    assert path.parent == tmp_path / "staging" and path.read_bytes() == b"xlsx bytes"
    upload_discard(token=token)
    assert not path.exists()


@pytest.mark.parametrize("token", ["", "../../etc/passwd", "short", "a" * 65, "abc/def" * 5])
def test_a_token_we_could_not_have_issued_has_no_path(token):
    assert staged_upload_path(token) is None
