"""Digital Bazaar's JavaScript verifier (tests/credentials/js/verify.mjs), an implementation coursecerts did not
write, run on a credential with a static set of documents: `npm ci` installs its pinned packages once per test
session (package-lock.json); no node or npm is a failure that says so, never a skip."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

JS_DIR = Path(__file__).parent / "js"
NPM_TIMEOUT_SECONDS = 300
VERIFY_TIMEOUT_SECONDS = 60


class JsVerifier:
    def __init__(self, node: str):
        self.node = node

    def verify(self, credential: dict, documents: dict) -> dict:
        """verify.mjs's answer: {verified, signature: {verified, errors}, status: {checked, verified, revoked,
        errors}, context_mismatch}."""
        completed = subprocess.run(
            [self.node, "verify.mjs"],
            cwd=JS_DIR,
            input=json.dumps({"credential": credential, "documents": documents}),
            capture_output=True,
            text=True,
            timeout=VERIFY_TIMEOUT_SECONDS,
            check=False,
        )
        if completed.returncode != 0:
            raise AssertionError(
                f"verify.mjs failed ({completed.returncode}): {completed.stdout}{completed.stderr}"
            )
        return json.loads(completed.stdout)


def install() -> JsVerifier:
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        raise AssertionError(
            "The independent credential verifier needs Node.js 18 or later and npm on PATH "
            "(Debian: apt-get install nodejs npm); tests/credentials/js/ holds its pinned packages."
        )
    completed = subprocess.run(
        [npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund"],
        cwd=JS_DIR,
        capture_output=True,
        text=True,
        timeout=NPM_TIMEOUT_SECONDS,
        check=False,
    )
    if completed.returncode != 0:
        raise AssertionError(
            f"npm ci in {JS_DIR} failed (is the npm registry reachable?):\n{completed.stdout}{completed.stderr}"
        )
    return JsVerifier(node)
