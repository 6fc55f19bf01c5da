"""The package as pip installs it (README quick start: `pip install .`, not editable) holds every file of the
source tree under coursecerts/: templates, static files, catalogues, the JSON-LD contexts the credentials are
signed with. A file left out works in the tests (an editable install reads the tree) and fails in the demo: the
credentials' contexts once did (credential.json answered 500)."""

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_wheel_holds_every_file_of_the_package(tmp_path):
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout.splitlines()
    source = tmp_path / "source"  # the tracked files only: a build/ folder left in the tree would hide a gap
    for path in tracked:
        if path in ("pyproject.toml", "README.md") or path.startswith("coursecerts/"):
            (source / path).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / path, source / path)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--wheel-dir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
    )
    [wheel] = tmp_path.glob("coursecerts-*.whl")
    packaged = set(zipfile.ZipFile(wheel).namelist())
    package = [path for path in tracked if path.startswith("coursecerts/")]
    assert len(package) > 100
    missing = sorted(path for path in package if path not in packaged)
    assert missing == [], f"files the installed package lacks (pyproject.toml's package-data): {missing}"
