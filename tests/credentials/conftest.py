import pytest

from tests.credentials import js_verifier


@pytest.fixture(scope="session")
def js_verify():
    """verify(credential, documents) -> the JavaScript verifier's answer; its packages installed once."""
    return js_verifier.install().verify
