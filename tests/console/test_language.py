"""The console in Arabic: right to left, every sentence translated, the eligibility reasons included."""

from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from coursecerts.certificates.eligibility import Reason
from coursecerts.certificates.models import GenerationScopes
from coursecerts.console import labels
from coursecerts.courses.models import CertificatesDisplayBehaviors

PO = Path(labels.__file__).parent / "locale" / "ar" / "LC_MESSAGES" / "django.po"


def test_every_reason_scope_and_display_label_is_listed_for_translation():
    assert sorted(labels.REASON_LABELS) == sorted(str(r.label) for r in Reason)
    assert sorted(labels.SCOPE_LABELS) == sorted(str(s.label) for s in GenerationScopes)
    assert sorted(labels.DISPLAY_LABELS) == sorted(str(b.label) for b in CertificatesDisplayBehaviors)


def test_the_arabic_catalogue_has_no_untranslated_sentence():
    text = PO.read_text(encoding="utf-8")
    entries = text.split("\n\n")[1:]
    untranslated = [e for e in entries if 'msgstr ""' in e.split("\n")[-1] and "msgstr[" not in e]
    assert untranslated == []
    with translation.override("ar"):
        assert translation.gettext("Grade below the passing mark") == "الدرجة أقل من درجة النجاح"


@pytest.mark.django_db
def test_a_page_in_arabic_reads_right_to_left(client, run, instructor, learners):
    client.force_login(instructor)
    page = client.get(reverse("console:learners", args=[run.id]), {"q": "cy"}, HTTP_ACCEPT_LANGUAGE="ar")
    html = page.content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert "البحث عن متعلّم" in html and "الدرجة أقل من درجة النجاح" in html
