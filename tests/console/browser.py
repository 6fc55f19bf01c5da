"""What the console's browser tests share: Debian's Chromium through Playwright (as tests/web/test_browser.py
launches it), signing a person in with a session cookie, axe-core, keyboard-only moves and the phone check."""

from __future__ import annotations

import subprocess
from functools import cache
from pathlib import Path

from django.conf import settings as django_settings
from django.test import Client

AXE_VERSION = "4.14.1"  # npm axe-core, pinned; installed on first use under var/ (README "Development")
AXE_DIR = Path(__file__).resolve().parents[2] / "var" / "npm" / f"axe-core-{AXE_VERSION}"
PHONE = {"width": 390, "height": 844}


@cache
def axe_source() -> str:
    """axe-core's axe.min.js, installed with npm into var/npm/ when missing."""
    script = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"
    if not script.exists():
        AXE_DIR.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["npm", "install", "--prefix", str(AXE_DIR), "--no-save", "--no-audit", "--no-fund",
             f"axe-core@{AXE_VERSION}"],
            check=True, capture_output=True, timeout=300,
        )  # fmt: skip
    return script.read_text()


def sign_in(context, user, base_url: str) -> None:
    """The person's session as a cookie (sign-in itself is the accounts app's, tested there)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base_url}])


def serious_violations(page) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now."""
    page.evaluate(axe_source())
    results = page.evaluate("axe.run(document)")
    assert results["testEngine"]["version"] == AXE_VERSION and results["passes"], "axe-core did not run"
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def tab_to(page, selector: str, *, limit: int = 60) -> None:
    """Press Tab until the element matching `selector` has the focus (as a keyboard user would)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} cannot be reached with the Tab key")


def scrolls_sideways(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")
