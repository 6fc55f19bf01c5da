"""Reading a response's Content-Security-Policy, and the inline script and style of its HTML."""

from dataclasses import dataclass
from html.parser import HTMLParser


def policy(response) -> dict[str, list[str]]:
    """The Content-Security-Policy header as {directive: [sources]}."""
    header = response["Content-Security-Policy"]
    directives = (part.split() for part in header.split(";") if part.strip())
    return {name: sources for name, *sources in directives}


@dataclass
class Inline:
    tag: str  # "script", "style", or "style attribute" / "event handler" on any element
    nonce: str | None


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[Inline] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if (
            tag == "script"
            and "src" not in attrs
            and attrs.get("type", "text/javascript") == "text/javascript"
        ):
            self.found.append(Inline("script", attrs.get("nonce")))
        if tag == "style":
            self.found.append(Inline("style", attrs.get("nonce")))
        if "style" in attrs:
            self.found.append(Inline("style attribute", None))
        if any(name.startswith("on") for name in attrs):
            self.found.append(Inline("event handler", None))


def inline_code(html: str) -> list[Inline]:
    """Every inline <script> (not JSON data), <style>, style="" attribute and on*="" handler of `html`."""
    collector = _Collector()
    collector.feed(html)
    return collector.found
