"""POST /api/v1/courses/{course_key}/import validates most rows by plain checks (import_files._fast_row) and the
rest by the serializer that the PUTs share: the plain checks accept only rows the serializer accepts, with the same
values. A file is written a chunk at a time in one transaction: a username given twice in different chunks is
refused like one given twice in a chunk, and nothing is written."""

import json
import string

import pytest
from django.contrib.auth import get_user_model
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coursecerts.api.v1 import import_files
from coursecerts.api.v1.import_files import CsvRowSerializer, RowSerializer, _csv_typed, _fast_row, _row
from coursecerts.enrollments.models import CourseEnrollment
from tests.api.conftest import COURSE_KEY, assert_error

URL = f"/api/v1/courses/{COURSE_KEY}/import"

TEXT = st.one_of(
    st.text(alphabet=string.ascii_letters + string.digits + "@.+-_ ", max_size=20),
    st.text(max_size=20),
    st.sampled_from(["", " ", "\tBob", "Bob\x00", "José Ñ", "a\u202eb", "x" * 256, "\ud800", " bob "]),
)
EMAIL = st.one_of(TEXT, st.sampled_from(["bob@example.org", " bob@example.org ", "bob@", "bø@example.org"]))
MODE = st.one_of(st.sampled_from(["audit", "verified", " audit", "gold", "", "Audit"]), TEXT)
BOOLEAN = st.one_of(st.booleans(), st.sampled_from(["true", "FALSE", "yes", 1, 0, "", None]))
NUMBER = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-2, 2),
    st.sampled_from([0, 1, 0.5, "0.5", " 0.5 ", "abc", True, "1e400", "nan"]),
)
RECORD = st.fixed_dictionaries(
    {},
    optional={
        "username": st.one_of(TEXT, st.sampled_from(["bob", "bob.smith@x", "a" * 151]), st.integers()),
        "email": EMAIL,
        "name": TEXT,
        "mode": MODE,
        "is_active": BOOLEAN,
        "percent": NUMBER,
        "passed": BOOLEAN,
    },
)


def as_csv_record(record: dict) -> dict:
    """The record as a CSV row's cells would give it (every value text), typed as the import types cells."""
    cells = {
        name: json.dumps(value) if isinstance(value, bool) else str(value) for name, value in record.items()
    }
    cells = {name: {"true": "true", "false": "false"}.get(cell, cell) for name, cell in cells.items()}
    return _csv_typed(cells)


def assert_same(record: dict, serializer) -> None:
    fast = _fast_row(7, record)
    if fast is not None:
        assert _row(serializer, 7, record) == (fast, {}), record


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(RECORD)
def test_plain_checks_accept_only_what_the_serializer_accepts_with_the_same_values(record):
    assert_same({k: v for k, v in record.items() if v is not None}, RowSerializer())
    assert_same(as_csv_record({k: v for k, v in record.items() if v is not None}), CsvRowSerializer())


@pytest.mark.parametrize(
    "record",
    [
        {"username": "bob", "mode": "audit"},
        {
            "username": "bob",
            "mode": "verified",
            "email": "bob@example.org",
            "name": "Bob B",
            "is_active": False,
        },
        {"username": "bob", "mode": "verified", "percent": 0.5, "passed": True, "name": "José Ñandú"},
        {"username": "bob", "mode": "verified", "percent": 1, "passed": False, "name": "  Bob  "},
    ],
)
def test_ordinary_rows_take_the_plain_checks(record):
    assert _fast_row(2, record) is not None
    assert _fast_row(2, as_csv_record(record)) is not None


# --- a file written in chunks --------------------------------------------------------------------------------


def post(client, text, content_type="text/csv"):
    return client.generic("POST", URL, text.encode(), content_type=content_type)


@pytest.mark.django_db
@pytest.mark.parametrize("chunk", [2, 3, 1000])
def test_a_username_given_twice_is_refused_whichever_chunks_hold_it(staff_api, physics, monkeypatch, chunk):
    monkeypatch.setattr(import_files, "CHUNK", chunk)
    text = "username,mode\nbob,audit\ncy,audit\nbad!,audit\ndee,audit\nbob,verified\nbob,audit\ncy,audit\n"
    body = assert_error(post(staff_api, text), 400, "invalid_rows")
    rows = {row["row"]: row["errors"] for row in body["errors"]["rows"]}
    assert rows == {
        4: rows[4],
        6: {"username": ["bob is also on row 2."]},
        7: {"username": ["bob is also on row 2."]},
        8: {"username": ["cy is also on row 3."]},
    }
    assert list(rows) == sorted(rows)
    assert not get_user_model().objects.filter(username__in=["bob", "cy", "dee"]).exists()


@pytest.mark.django_db
def test_a_repeat_of_an_existing_learner_in_a_later_chunk_is_refused_and_nothing_is_written(
    staff_api, physics, alice, monkeypatch
):
    monkeypatch.setattr(import_files, "CHUNK", 2)
    text = "username,mode,email\nalice,audit,new@example.org\nbob,audit,\ncy,audit,\nalice,verified,\n"
    body = assert_error(post(staff_api, text), 400, "invalid_rows")
    assert body["errors"]["rows"] == [{"row": 5, "errors": {"username": ["alice is also on row 2."]}}]
    alice.refresh_from_db()
    assert alice.email != "new@example.org"
    assert not CourseEnrollment.objects.filter(course=physics).exclude(user=alice).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("chunk", [2, 1000])
def test_a_file_in_chunks_counts_as_one(staff_api, physics, alice, monkeypatch, captured_on_commit, chunk):
    monkeypatch.setattr(import_files, "CHUNK", chunk)
    text = (
        "username,mode,percent,passed\nalice,verified,0.2,false\nbob,verified,0.9,true\n"
        "cy,audit,0.9,true\ndee,verified,0.9,true\nemma,verified,,\n"
    )
    with captured_on_commit(execute=False):
        body = post(staff_api, text).json()
    assert body == {
        "rows": 5,
        "created": 4,
        "updated": 1,
        "unchanged": 0,
        "learners_created": 4,
        "generation_queued": 3,
        "certificates_marked_notpassing": 1,
    }


@pytest.mark.django_db
def test_a_file_not_in_utf8_is_refused_as_such_even_after_a_bad_header(staff_api, physics):
    response = staff_api.generic("POST", URL, b"name,email\nx,y\n\xff\xfe\n", content_type="text/csv")
    assert "file" in assert_error(response, 400, "invalid_input")["errors"]
