"""The console's one script is the vendored htmx named in its README, with its licence, and no page needs a
build step: the file the base template loads is the one whose checksum the README gives."""

import hashlib
import re
from pathlib import Path

CONSOLE = Path(__file__).resolve().parents[2] / "coursecerts" / "console"
VENDOR = CONSOLE / "static" / "console" / "vendor"


def test_the_base_template_loads_the_vendored_htmx_whose_checksum_the_readme_gives():
    base = (CONSOLE / "templates" / "console" / "base.html").read_text()
    (script,) = re.findall(r"static 'console/vendor/(htmx-[\d.]+\.min\.js)'", base)
    readme = (VENDOR / "README.md").read_text()
    version = script.removeprefix("htmx-").removesuffix(".min.js")
    assert f"htmx.org@{version}" in readme
    assert hashlib.sha256((VENDOR / script).read_bytes()).hexdigest() in readme.replace("\n", "")
    assert "Zero-Clause BSD" in (VENDOR / "htmx-LICENSE.txt").read_text()
