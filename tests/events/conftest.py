import pytest

from coursecerts.api.v1.import_files import roster_import, roster_parse


def roster(count: int, *, prefix: str = "u") -> str:
    """A file of `count` verified learners with passing grades."""
    rows = [
        f"{prefix}{n},{prefix}{n}@example.org,{prefix.upper()} {n},verified,true,0.9,true"
        for n in range(count)
    ]
    return "username,email,name,mode,is_active,percent,passed\n" + "\n".join(rows) + "\n"


@pytest.fixture
def import_file():
    """Import a CSV into a run through the import service. The work after its commit does not run here (a test's
    transaction never commits): as if the process had died right after the commit."""

    def _import(course, text):
        return roster_import(course_run=course, rows=roster_parse(text, file_format="csv"))

    return _import
