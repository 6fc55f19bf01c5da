"""Canonicalization compiled once per document shape (bench/credentials.py: 90% of pyld's time is JSON-LD
expansion, and every credential of a shape expands alike).

A shape is a document with its variable strings left out: its keys, its types and other constant strings
(CONSTANT_KEYS), its non-string values. Compiling a shape expands, once and strictly (no undefined term), a copy
whose variable strings are sentinels (`urn:coursecerts-slot:<n>`), and keeps the RDF dataset pyld makes of it;
each sentinel found in it is the whole of a quad's IRI or literal. Filling puts a document's strings in place
of the sentinels, and RDFC-1.0 (pyld's URDNA2015, unchanged) canonicalizes the dataset.

A value goes in an IRI's place only if it is an absolute IRI that expansion leaves as it is (IRI_SAFE: one of
our schemes, no character N-Quads would escape); otherwise, and for a shape whose self-check fails, the
document takes pyld's full path. tests/credentials/test_compiled.py proves, with hypothesis, the canonical
N-Quads byte-identical to the full path for names and titles in any script, dates and identifiers."""

from __future__ import annotations

import copy
import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from pyld import jsonld
from pyld.canon import URDNA2015

from coursecerts.credentials import signing
from coursecerts.credentials.loader import document_loader

SENTINEL = "urn:coursecerts-slot:"
# Values of these keys shape the expansion (types select scoped contexts; @vocab-coerced terms): never slots.
CONSTANT_KEYS = frozenset({"@context", "type", "@type", "proofPurpose", "statusPurpose", "identityType"})
IRI_SAFE = re.compile(r"(?:urn|did|https?):[^\x00-\x20<>\"{}|\\^`]*\Z")
_MAX_SHAPES = 64


class NotCompilable(ValueError):
    pass


def _shape(node, path=()):
    """(shape key, [(path, value)] of the variable strings)."""
    if isinstance(node, dict):
        items, slots = [], []
        for key in node:
            if key in CONSTANT_KEYS:
                items.append((key, repr(node[key])))
                continue
            sub_key, sub_slots = _shape(node[key], (*path, key))
            items.append((key, sub_key))
            slots += sub_slots
        return ("{", tuple(items)), slots
    if isinstance(node, list):
        items, slots = [], []
        for i, item in enumerate(node):
            sub_key, sub_slots = _shape(item, (*path, i))
            items.append(sub_key)
            slots += sub_slots
        return ("[", tuple(items)), slots
    if isinstance(node, str):
        return "s", [(path, node)]
    return ("v", repr(node)), []


def _set(document, path, value):
    for step in path[:-1]:
        document = document[step]
    document[path[-1]] = value


XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


def _escape(value: str) -> str:
    """N-Quads string escaping as RDFC-1.0 writes it, for strings without control characters (the only
    ones signed here): backslash and double quote; tab, line feed and carriage return never reach it."""
    return value.replace("\\", "\\\\").replace('"', '\\"')


def _term(component: dict, value: str) -> str:
    """One N-Quads term: <iri>, or a literal with its datatype or language (none for xsd:string)."""
    if component["type"] == "IRI":
        return f"<{value}>"
    literal = f'"{_escape(value)}"'
    if component.get("datatype") == RDF_LANGSTRING:
        return f"{literal}@{component['language']}" if component.get("language") else literal
    if component.get("datatype", XSD_STRING) != XSD_STRING:
        return f"{literal}^^<{component['datatype']}>"
    return literal


@dataclass
class CompiledShape:
    quads: list  # pyld dataset quads, components either fixed dicts or ("slot", n, kind)
    iri_slots: frozenset
    # per quad: (subject, predicate, object), each a str, ("b", blank id) or ("s", n, component)
    lines: list[list[Any]] = field(default_factory=list)
    blank_quads: dict[str, list[int]] = field(default_factory=dict)  # blank node id -> quads it is in

    def prepare(self) -> None:
        """The N-Quads of each statement, ready to fill: fixed terms serialized once."""
        self.lines, self.blank_quads = [], {}
        for i, quad in enumerate(self.quads):
            terms: list[Any] = []
            for position in ("subject", "predicate", "object"):
                component = quad[position]
                if isinstance(component, tuple):
                    terms.append(("s", component[1], component[2]))
                elif component["type"] == "blank node":
                    terms.append(("b", component["value"]))
                    self.blank_quads.setdefault(component["value"], []).append(i)
                else:
                    terms.append(_term(component, component["value"]))
            self.lines.append(terms)

    def canonical(self, values: list[str]) -> str | None:
        """RDFC-1.0 canonical N-Quads when every blank node's first-degree hash is unique (then the
        algorithm labels them in hash order and stops: RDFC-1.0 4.4.3 steps 1-5 and 7), else None."""
        for n in self.iri_slots:
            if not IRI_SAFE.match(values[n]):
                raise NotCompilable(f"value {n} is not an IRI the compiled shape can take")
        if any(signing.CONTROL.search(value) for value in values):
            raise signing.UnsignableDocument("a string contains a control character")
        filled = []
        for terms in self.lines:
            filled.append(
                [_term(t[2], values[t[1]]) if isinstance(t, tuple) and t[0] == "s" else t for t in terms]
            )

        def line(terms, label) -> str:
            return " ".join(t if isinstance(t, str) else label(t[1]) for t in terms) + " .\n"

        hashes = {}
        for blank, indexes in self.blank_quads.items():
            nquads = sorted(
                line(filled[i], lambda b, blank=blank: "_:a" if b == blank else "_:z") for i in indexes
            )
            hashes[blank] = hashlib.sha256("".join(nquads).encode("utf-8")).hexdigest()
        if len(set(hashes.values())) != len(hashes):
            return None
        labels = {blank: f"_:c14n{n}" for n, blank in enumerate(sorted(hashes, key=lambda b: hashes[b]))}
        out = sorted(line(terms, labels.__getitem__) for terms in filled)
        if len(set(out)) != len(out):
            return None
        return "".join(out)

    def dataset(self, values: list[str]) -> dict:
        for n in self.iri_slots:
            if not IRI_SAFE.match(values[n]):
                raise NotCompilable(f"value {n} is not an IRI the compiled shape can take")
        out = []
        for quad in self.quads:
            filled = {}
            for position, component in quad.items():
                if isinstance(component, tuple):
                    _, n, fixed = component
                    filled[position] = {**fixed, "value": values[n]}
                else:
                    filled[position] = dict(component)  # fresh: URDNA2015 relabels blank nodes in place
            out.append(filled)
        return {"@default": out}


def compile_shape(document: dict) -> CompiledShape:
    """Compile the shape of `document` (see the module's docstring). Raises NotCompilable when a sentinel is
    not a whole IRI or literal, or when the compiled result differs from the full path for `document`."""
    _, slots = _shape(document)
    signing.check_strings(document)  # the shape's constant strings, once; its values at every fill
    template = copy.deepcopy(document)
    for n, (path, _) in enumerate(slots):
        _set(template, path, f"{SENTINEL}{n}")
    expanded = signing.expand_strict(template)
    dataset = jsonld.to_rdf(expanded, {"documentLoader": document_loader})
    if set(dataset) != {"@default"}:
        raise NotCompilable("named graphs are not compiled")
    quads, iri_slots = [], set()
    for quad in dataset["@default"]:
        compiled = {}
        for position, component in quad.items():
            value = component.get("value", "")
            if SENTINEL in value:
                n = value[len(SENTINEL) :]
                if not value.startswith(SENTINEL) or not n.isdigit():
                    raise NotCompilable("a variable string is part of a larger value")
                if component["type"] == "IRI":
                    iri_slots.add(int(n))
                compiled[position] = ("slot", int(n), {k: v for k, v in component.items() if k != "value"})
            else:
                compiled[position] = component
        quads.append(compiled)
    shape = CompiledShape(quads=quads, iri_slots=frozenset(iri_slots))
    shape.prepare()
    values = [value for _, value in slots]
    if _canonize(shape, values) != signing.canonize(document):
        raise NotCompilable("the compiled shape does not reproduce the full path")
    return shape


_shapes: dict[Any, CompiledShape | bool] = {}


def _quad_key(quad: dict) -> tuple:
    return tuple(
        (c["type"], c["value"], c.get("datatype"), c.get("language"))
        for c in (quad["subject"], quad["predicate"], quad["object"])
    )


def _canonize(shape: CompiledShape, values: list[str]) -> str:
    canonical = shape.canonical(values)
    if canonical is not None:
        return canonical
    dataset = shape.dataset(values)
    if len({_quad_key(q) for q in dataset["@default"]}) != len(dataset["@default"]):
        raise NotCompilable("two statements became one")
    return URDNA2015().main(dataset, {"format": "application/n-quads"})


def canonize(document: dict) -> str:
    """RDFC-1.0 canonical N-Quads of `document`: through its compiled shape when it has one (compiled on first
    sight), else pyld's full path. The same bytes either way; strict either way: undefined terms and strings
    with control characters raise signing.UnsignableDocument."""
    key, slots = _shape(document)
    shape = _shapes.get(key)
    if shape is None:
        try:
            shape = compile_shape(document)
        except NotCompilable:
            shape = False
        if len(_shapes) >= _MAX_SHAPES:
            _shapes.clear()
        _shapes[key] = shape
    if isinstance(shape, CompiledShape):
        try:
            return _canonize(shape, [value for _, value in slots])
        except NotCompilable:
            pass
    signing.check_strings(document)
    return signing.canonize(document)
