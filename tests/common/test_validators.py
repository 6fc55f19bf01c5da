"""The one rule for printed text (names, titles, file names): no control characters, no bidirectional overrides
or isolates; letters of any script, marks and emoji are welcome."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from coursecerts.common.validators import refuse_control_characters, without_control_characters
from coursecerts.learners.services import learner_upsert

REFUSED = ["\x01", "\x07", "\t", "\n", "\r", "\x1b", "\x1f", "\x7f", "\x85", "\x9f"]
REFUSED += [chr(c) for c in range(0x202A, 0x202F)] + [chr(c) for c in range(0x2066, 0x206A)]


@pytest.mark.parametrize("char", REFUSED, ids=[f"U+{ord(c):04X}" for c in REFUSED])
def test_control_and_bidi_characters_are_refused_by_code_point(char):
    with pytest.raises(ValidationError, match=f"such as U\\+{ord(char):04X}"):
        refuse_control_characters(f"Bob{char}Smith")
    assert without_control_characters(f"Bob{char}Smith") == "BobSmith"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Jane Doe",
        "فاطمة\u200fمحمد",
        "a\u200eb\u061c",
        "👩\u200d🎓 ❤\ufe0f",
        "王小明",
        "Zoë O'Brien-Smith",
    ],
)
def test_letters_marks_joiners_and_emoji_are_accepted(text):
    refuse_control_characters(text)
    assert without_control_characters(text) == text


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["name", "verified_name"])
def test_the_learner_service_refuses_them_too_and_writes_nothing(field):
    """The API's serializers answer first; callers of the service (commands, the demo) get the same rule."""
    with pytest.raises(ValidationError) as refused:
        learner_upsert(username="bob", **{field: "Bob \u202egnp.exe\u202c Smith"})
    assert list(refused.value.message_dict) == [field]
    assert not get_user_model().objects.filter(username="bob").exists()
