"""The engine that runs operators' certificate templates (ADR 0006): Django templates with only their context.

- No context processors, no loaders (so no {% include %} or {% extends %} of files), no {% debug %} (it prints
  the context and the loaded modules); only the libraries `certificate` (assets, QR, dates) and `i18n`.
- Autoescape is always on, and neither {% autoescape off %} nor the `safe`/`safeseq` filters exist: learner
  names are always escaped.
- The context holds plain values (rendering.context), never model instances, so the database is out of reach.
- Versions are immutable, so each one is compiled once per process and kept (cache keyed by version id).
"""

from __future__ import annotations

from functools import lru_cache

from django.template import (
    Context,
    Engine,
    Library,
    Template,
    TemplateSyntaxError,
    defaultfilters,
    defaulttags,
)

from coursecerts.common.errors import ApplicationError

_FORBIDDEN_TAGS = {"debug", "autoescape"}
_FORBIDDEN_FILTERS = {"safe", "safeseq"}

# The built-ins operators' templates get: Django's default tags and filters less the unsafe ones.
register = Library()
register.tags.update({k: v for k, v in defaulttags.register.tags.items() if k not in _FORBIDDEN_TAGS})
register.filters.update(
    {k: v for k, v in defaultfilters.register.filters.items() if k not in _FORBIDDEN_FILTERS}
)


class TemplateInvalid(ApplicationError):
    pass


@lru_cache(maxsize=1)
def sandboxed_engine() -> Engine:
    engine = Engine(
        dirs=[],
        app_dirs=False,
        loaders=[],
        context_processors=[],
        debug=False,
        autoescape=True,
        string_if_invalid="",
        builtins=["coursecerts.certificates.rendering.engine"],
        libraries={
            "certificate": "coursecerts.certificates.rendering.library",
            "i18n": "django.templatetags.i18n",
        },
    )
    # Engine always prepends Django's default built-ins (debug, autoescape, safe, include, extends...): replace
    # them with ours.
    engine.builtins = ["coursecerts.certificates.rendering.engine"]
    engine.template_builtins = engine.get_template_builtins(engine.builtins)
    return engine


# Why each tag or filter Django has is missing here: said when a template uses one (docs/web-certificates.md).
_SELF_CONTAINED = "a certificate template is one self-contained text and cannot read other files"
_UNAVAILABLE = {
    "include": _SELF_CONTAINED,
    "extends": _SELF_CONTAINED,
    "debug": "it would print the whole context and the loaded modules",
    "autoescape": "every value, learner names above all, is always HTML-escaped",
    "safe": "every value, learner names above all, is always HTML-escaped",
    "safeseq": "every value, learner names above all, is always HTML-escaped",
}


def compile_template(text: str) -> Template:
    """Compile an operator's template; TemplateInvalid says why it does not compile, and for a Django tag or
    filter left out of the sandbox, that it is not available here and why."""
    try:
        return sandboxed_engine().from_string(text)
    except TemplateSyntaxError as exc:
        raise TemplateInvalid(f"The template does not compile: {_unavailable(exc) or exc}") from exc


def _unavailable(exc: TemplateSyntaxError) -> str:
    """The sentence for a tag or filter of _UNAVAILABLE the error is about, or ""."""
    token = getattr(exc, "token", None)
    words = token.split_contents() if token is not None else []
    if words and words[0] in _UNAVAILABLE and words[0] not in register.tags:
        name, line = words[0], token.lineno
        return f"line {line}: the {{% {name} %}} tag is not available in certificate templates: {_UNAVAILABLE[name]}."
    message = str(exc)
    for name in ("safe", "safeseq"):
        if message == f"Invalid filter: '{name}'":
            return f"the |{name} filter is not available in certificate templates: {_UNAVAILABLE[name]}."
    return ""


@lru_cache(maxsize=256)
def compiled_version(version_id: int, text: str) -> Template:
    return compile_template(text)


def render_operator_template(*, version_id: int, text: str, context: dict) -> str:
    return compiled_version(version_id, text).render(Context(context, autoescape=True))
