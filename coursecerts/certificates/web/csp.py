"""The Content-Security-Policy of pages drawn from operators' templates (ADR 0006): settings.CONTENT_SECURITY_POLICY
with inline and external styles and fonts allowed, since such templates carry their own <style> and may load
assets from object storage. No script at all ('none', not even coursecerts' own files): a template cannot run any."""

from __future__ import annotations

from csp.constants import NONE, SELF, UNSAFE_INLINE

_OPERATOR_TEMPLATE_DIRECTIVES = {
    "script-src": [NONE],
    "style-src": [SELF, UNSAFE_INLINE, "*"],
    "font-src": ["*", "data:"],
}


def allow_operator_template_styles(response):
    """Styles from anywhere, no script, for this response only (django-csp's per-response replace)."""
    response._csp_replace = _OPERATOR_TEMPLATE_DIRECTIVES
    return response
