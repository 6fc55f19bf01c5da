"""The compiled canonicalization (credentials.compiled) gives, byte for byte, the canonical N-Quads of pyld's
full path (expansion, RDF, URDNA2015), for names and course titles in any script, any dates and identifiers:
the condition on which issue 14 allows it. And it refuses what the full path refuses."""

import string

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coursecerts.credentials import compiled, documents, signer, signing

# Any printable character of any script (letters, marks, numbers, punctuation, symbols, spaces; combining
# marks and right-to-left scripts included), no control characters: those are refused before signing.
TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs")),
    min_size=0,
    max_size=60,
)
DATES = st.datetimes().map(lambda d: d.strftime("%Y-%m-%dT%H:%M:%SZ"))
KEYS = st.text(alphabet=string.ascii_letters + string.digits + "+-_.:", min_size=1, max_size=40)


def credential(name, course, organization, date, key, index, short_name="Org"):
    facts = documents.Facts(
        name=name, course=course, organization=organization, date=date, course_key=key, mode="verified"
    )
    return documents.open_badge_credential(
        credential_id=f"urn:uuid:00000000-0000-4000-8000-{index:012d}",
        facts=facts,
        issuer_did=f"did:web:certs.example.org%3A8443:issuers:{short_name}",
        organization_short_name=short_name,
        valid_from=date,
        status_list_id="6f1c0b1e-1f5a-4b7e-9d42-2b8f0c1d2e3f",
        status_index=index,
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=TEXT,
    course=TEXT,
    organization=TEXT,
    date=DATES,
    key=KEYS,
    index=st.integers(min_value=0, max_value=131_071),
)
def test_compiled_n_quads_are_byte_identical_to_pyld_full_path(name, course, organization, date, key, index):
    document = credential(name, course, organization, date, key, index)
    assert compiled.canonize(document) == signing.canonize_plain(document)


@pytest.mark.parametrize(
    "name",
    ["Ada Lovelace", "محمد الخوارزمي", "רחל בלובשטיין", "张衡", "Zoë \u0301Ñ", 'a "quoted" \\ name', ""],
)
def test_named_scripts_and_awkward_strings(name):
    document = credential(name, name, name, "2026-12-01T00:00:00Z", "course-v1:Org+X+2026", 7)
    assert compiled.canonize(document) == signing.canonize_plain(document)


def test_a_signature_made_through_the_compiled_path_verifies_on_the_full_path():
    key = Ed25519PrivateKey.generate()
    docs = [credential(f"Learner {i}", "Course", "Org", "2026-12-01T00:00:00Z", "k", i) for i in range(3)]
    signed = signer.sign_many(
        docs, private_key=key, verification_method="did:web:x#key-1", created="2026-12-01T00:00:00Z"
    )
    for document in signed:
        assert signing.proof_verify(document, document["proof"][0], public_key=key.public_key())


def test_an_undefined_term_is_refused_on_either_path():
    document = credential("A", "B", "C", "2026-12-01T00:00:00Z", "k", 1)
    document["credentialSubject"]["favouriteColour"] = "blue"  # no context defines it
    with pytest.raises(signing.UnsignableDocument, match="favouriteColour"):
        compiled.canonize(document)
    with pytest.raises(signing.UnsignableDocument, match="favouriteColour"):
        signing.canonize(document)


def test_a_control_character_is_refused_before_signing():
    key = Ed25519PrivateKey.generate()
    document = credential("Ada\u0007", "B", "C", "2026-12-01T00:00:00Z", "k", 1)
    with pytest.raises(signing.UnsignableDocument, match="control character"):
        signer.sign_many(
            [document], private_key=key, verification_method="did:web:x#key-1", created="2026-12-01T00:00:00Z"
        )


def test_an_identifier_the_shape_cannot_take_goes_the_full_path():
    document = credential("A", "B", "C", "2026-12-01T00:00:00Z", "k", 1)
    document["id"] = "relative/iri"  # not absolute: expansion would drop it; the full path decides
    assert compiled.canonize(document) == signing.canonize(document)
