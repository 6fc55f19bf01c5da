"""The PDF's download file name is built from stored names: it never carries a control character or a
bidirectional override, even one stored before input refused them (coursecerts.common.validators)."""

import pytest

from tests.web.conftest import issue

pytestmark = pytest.mark.django_db


def test_stored_control_characters_never_reach_the_download_filename(client, course_run):
    """Defence in depth: a name stored before input refused bidi overrides is printed, but its file name drops them
    (so 'gnp.exe' cannot read as 'exe.png')."""
    certificate = issue(course_run, name="Bob \u202egnp.exe\u202c\x07 Smith")
    response = client.get(f"/certificates/{certificate.verify_uuid}/pdf")
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="Data Science 101 - Bob gnp.exe Smith - certificate.pdf"'
    )
