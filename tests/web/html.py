"""Reading a page's HTML in tests by CSS selector (lxml and cssselect2, both already installed)."""

from __future__ import annotations

import cssselect2
import lxml.html


class Page:
    def __init__(self, response_or_text):
        text = response_or_text if isinstance(response_or_text, str) else response_or_text.content.decode()
        self.root = cssselect2.ElementWrapper.from_html_root(lxml.html.fromstring(text))

    def one(self, selector: str):
        """The first element matching, or None."""
        found = self.root.query(selector)
        return found.etree_element if found is not None else None

    def all(self, selector: str) -> list:
        return [found.etree_element for found in self.root.query_all(selector)]

    def text(self, selector: str) -> str:
        """The element's text with its whitespace collapsed (as a reader sees it)."""
        return " ".join(self.one(selector).text_content().split())
