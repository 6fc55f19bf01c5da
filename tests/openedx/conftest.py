import pytest

from tests.openedx import fixtures
from tests.openedx.edxdb import EdxDatabase


@pytest.fixture
def edx():
    """A throwaway Open edX database on the MariaDB server, with the fixtures' rows; dropped after."""
    db = EdxDatabase()
    fixtures.load(db)
    yield db
    db.drop()
