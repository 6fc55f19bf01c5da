"""The schema check itself bites before it judges coursecerts' credentials: 1EdTech's example-shaped credential
passes, and the mistakes the issue names (a single proof object instead of an array, the contexts out of order)
fail."""

import copy

from tests.credentials.ob3_schema import ob3_schema_errors

MINIMAL = {
    "@context": [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ],
    "id": "http://example.com/credentials/3527",
    "type": ["VerifiableCredential", "OpenBadgeCredential"],
    "issuer": {"id": "did:web:example.com", "type": ["Profile"], "name": "Example University"},
    "validFrom": "2010-01-01T00:00:00Z",
    "name": "Teamwork Badge",
    "credentialSubject": {
        "id": "did:example:ebfeb1f712ebc6f1c276e12ec21",
        "type": ["AchievementSubject"],
        "achievement": {
            "id": "https://example.com/achievements/21st-century-skills/teamwork",
            "type": ["Achievement"],
            "criteria": {"narrative": "Team members are nominated for this badge by their peers."},
            "description": "This badge recognizes the development of the capacity to collaborate within a group.",
            "name": "Teamwork",
        },
    },
    "proof": [
        {
            "type": "DataIntegrityProof",
            "cryptosuite": "eddsa-rdfc-2022",
            "created": "2010-01-01T19:23:24Z",
            "verificationMethod": "did:web:example.com#key-1",
            "proofPurpose": "assertionMethod",
            "proofValue": "z3hUq",
        }
    ],
}


def test_a_well_formed_credential_passes():
    assert ob3_schema_errors(MINIMAL) == []


def test_a_single_proof_object_fails():
    credential = copy.deepcopy(MINIMAL)
    credential["proof"] = credential["proof"][0]
    assert any(error.startswith("$.proof") for error in ob3_schema_errors(credential))


def test_contexts_out_of_order_fail():
    credential = copy.deepcopy(MINIMAL)
    credential["@context"].reverse()
    assert any("@context" in error for error in ob3_schema_errors(credential))


def test_a_subject_without_achievement_fails():
    credential = copy.deepcopy(MINIMAL)
    del credential["credentialSubject"]["achievement"]
    assert ob3_schema_errors(credential) != []
