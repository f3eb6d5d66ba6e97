"""Akoma Ntoso 3.0 (the OASIS LegalDocML standard; AKN4UN at the UN): read and write.

Export: a ``<doc name="…">`` (the generic document type: it takes preface / preamble /
mainBody, which fits a resolution and a treaty alike, while ``<act>`` wants a ``body``
of legislative provisions). Leading title and heading units go to the preface, the run of
preambular units after them to the preamble as recitals, everything else to mainBody as
nested hierarchy (chapter, article, paragraph, point, and hcontainer for the rest). Every
element carries ``class="<kind>"`` (plus ``bracketed``) so a round trip gives back the same
units, and the unit's caption travels in ``<heading>`` or, on a ``<p>``, the ``title``
attribute.

Import: any AKN 3.0 document; our ``class`` wins when present, else the element name says the
kind. The parser never resolves entities, loads a DTD or touches the network, and a DOCTYPE
is refused outright.
"""

from __future__ import annotations

import datetime as _dt
import re

from lxml import etree

from multilateral.text.formats.errors import ImportProblem
from multilateral.text.formats.xml_safety import declares_doctype, safe_parser
from multilateral.text.segment import is_bracketed
from multilateral.text.units import KINDS, Segmented, Unit

__all__ = ["AKN_NS", "read_akn", "write_akn"]

AKN_NS = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"
_A = f"{{{AKN_NS}}}"

#: Element written for each kind in mainBody; kinds not listed become <hcontainer name=kind>.
_ELEMENT = {
    "chapter": "chapter",
    "article": "article",
    "paragraph": "paragraph",
    "operative": "paragraph",
    "subparagraph": "point",
}
#: eId prefixes, after the AKN naming convention ("art_6__para_1__point_a").
_PREFIX = {
    "chapter": "chp",
    "article": "art",
    "paragraph": "para",
    "operative": "para",
    "subparagraph": "point",
    "preambular": "rec",
    "annex": "annex",
}
_CHAPTER_LIKE = {"chapter", "part", "book", "tome", "title", "division", "section", "subchapter"}
_ARTICLE_LIKE = {"article", "rule", "clause"}
_POINT_LIKE = {"point", "subparagraph", "indent", "alinea", "item", "level", "subsection"}
_HIER = _CHAPTER_LIKE | _ARTICLE_LIKE | _POINT_LIKE | {"paragraph", "hcontainer", "list"}
_SPACES = re.compile(r"\s+")


def _sub(parent, tag: str, text: str | None = None, **attrs: str):
    el = etree.SubElement(parent, _A + tag, {k.rstrip("_"): v for k, v in attrs.items() if v})
    if text is not None:
        el.text = text
    return el


def _classes(unit: Unit) -> str:
    return unit.kind + (" bracketed" if unit.bracketed else "")


def _meta(doc, *, name: str, title: str, date: str, language: str, country: str) -> None:
    work = f"/akn/{country}/doc/{name}/{date}/{_slug(title) or 'text'}"
    expr = f"{work}/{language}@"
    manif = f"{expr}/!main"
    ident = _sub(_sub(doc, "meta"), "identification", source="#multilateral")
    for tag, this, uri, extra in (
        ("FRBRWork", f"{work}/!main", work, "country"),
        ("FRBRExpression", f"{expr}/!main", expr, "language"),
        ("FRBRManifestation", f"{manif}.xml", f"{manif}.akn", ""),
    ):
        frbr = _sub(ident, tag)
        _sub(frbr, "FRBRthis", value=this)
        _sub(frbr, "FRBRuri", value=uri)
        _sub(frbr, "FRBRdate", date=date, name="generation" if not extra else "adoption")
        _sub(frbr, "FRBRauthor", href="#multilateral")
        if extra == "country":
            _sub(frbr, "FRBRcountry", value=country)
        elif extra == "language":
            _sub(frbr, "FRBRlanguage", language=language)
    refs = _sub(doc.find(_A + "meta"), "references", source="#multilateral")
    _sub(refs, "TLCOrganization", eId="multilateral", href="/ontology/organization/multilateral",
         showAs="Multilateral")  # fmt: skip


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60]


def write_akn(
    segmented: Segmented,
    *,
    title: str,
    name: str = "resolution",
    date: str | None = None,
    language: str = "eng",
    country: str = "un",
) -> bytes:
    """Export units as an AKN 3.0 ``<doc>``, valid against the OASIS schema."""
    units = segmented.units
    children: dict[int | None, list[int]] = {}
    for i, unit in enumerate(units):
        children.setdefault(unit.parent, []).append(i)
    top = children.get(None, [])

    root = etree.Element(_A + "akomaNtoso", nsmap={None: AKN_NS})
    doc = _sub(root, "doc", name=name)
    _meta(
        doc,
        name=name,
        title=title,
        date=date or _dt.date.today().isoformat(),
        language=language,
        country=country,
    )

    pos = 0
    preface = []
    while (
        pos < len(top)
        and units[top[pos]].kind in ("title", "heading")
        and not children.get(top[pos])
    ):
        preface.append(top[pos])
        pos += 1
    preamble = []
    while (
        pos < len(top)
        and units[top[pos]].kind in ("preambular", "heading")
        and not children.get(top[pos])
    ):
        preamble.append(top[pos])
        pos += 1
    if preface:
        el = _sub(doc, "preface")
        for i in preface:
            unit = units[i]
            p = _sub(el, "p", class_=_classes(unit), title=unit.heading)
            if unit.kind == "title":
                _sub(p, "docTitle", unit.text)
            else:
                p.text = unit.text
    if preamble:
        el = _sub(doc, "preamble")
        recitals = None
        for i in preamble:
            unit = units[i]
            if unit.kind == "preambular":
                if recitals is None:
                    recitals = _sub(el, "recitals", eId=f"recitals_{i + 1}")
                rec = _sub(recitals, "recital", eId=f"rec_{i + 1}", class_=_classes(unit),
                           title=unit.heading)  # fmt: skip
                if unit.number:
                    _sub(rec, "num", unit.number)
                _sub(rec, "p", unit.text)
            else:
                recitals = None
                formula = _sub(el, "formula", name="enactingFormula", class_=_classes(unit),
                               title=unit.heading)  # fmt: skip
                _sub(formula, "p", unit.text)
    body = _sub(doc, "mainBody")
    counters: dict[tuple[str, str], int] = {}

    def build(i: int, parent_el, parent_eid: str) -> None:
        unit = units[i]
        tag = _ELEMENT.get(unit.kind, "hcontainer")
        prefix = _PREFIX.get(unit.kind, "hcontainer")
        n = counters[(parent_eid, prefix)] = counters.get((parent_eid, prefix), 0) + 1
        eid = f"{parent_eid}__{prefix}_{n}" if parent_eid else f"{prefix}_{n}"
        el = _sub(parent_el, tag, eId=eid, class_=_classes(unit))
        if tag == "hcontainer":
            el.set("name", unit.kind)
        if unit.number:
            _sub(el, "num", unit.number)
        if unit.heading:
            _sub(el, "heading", unit.heading)
        text = "" if unit.heading and unit.text == unit.heading else unit.text
        kids = children.get(i, [])
        if kids:
            if text:
                _sub(_sub(el, "intro"), "p", text)
            for k in kids:
                build(k, el, eid)
        else:
            _sub(_sub(el, "content"), "p", text)

    for i in top[pos:]:
        build(i, body, "")
    if not len(body):
        _sub(body, "p")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


# -- reading ---------------------------------------------------------------------------


def _parse(data: bytes, filename: str):
    if declares_doctype(data):
        raise ImportProblem(
            "doctype",
            f"{filename}: the XML declares a DOCTYPE (entities or a DTD); Akoma Ntoso files "
            "need none and it was refused",
        )
    parser = safe_parser(remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise ImportProblem("bad-xml", f"{filename}: the XML is not well-formed ({exc})") from exc
    if root.getroottree().docinfo.doctype:
        raise ImportProblem("doctype", f"{filename}: the XML declares a DOCTYPE; it was refused")
    if root.tag != _A + "akomaNtoso":
        raise ImportProblem(
            "bad-xml",
            f"{filename}: this XML is not an Akoma Ntoso 3.0 document (root element {root.tag})",
        )
    return root


def _text(el) -> str:
    return _SPACES.sub(" ", "".join(el.itertext())).strip() if el is not None else ""


def _local(el) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _class_kind(el) -> tuple[str | None, bool | None]:
    tokens = (el.get("class") or "").split()
    kind = next((t for t in tokens if t in KINDS), None)
    return kind, ("bracketed" in tokens) if kind else None


def read_akn(data: bytes, *, filename: str) -> Segmented:
    """Read an Akoma Ntoso 3.0 document into units (safe parser, DOCTYPE refused)."""
    root = _parse(data, filename)
    doc = next((c for c in root if _local(c) not in ("", "components")), None)
    if doc is None:
        raise ImportProblem("bad-xml", f"{filename}: the Akoma Ntoso document is empty")
    units: list[Unit] = []
    title = ""
    pp = 0

    def add(kind: str, number: str, text: str, parent: int | None, heading: str, br) -> int:
        units.append(Unit(kind, number, text, parent, heading,
                          is_bracketed(text) if br is None else br))  # fmt: skip
        return len(units) - 1

    for section in doc:
        name = _local(section)
        if name == "preface":
            for p in section.iter(_A + "p"):
                kind, br = _class_kind(p)
                text = _text(p)
                if not text:
                    continue
                if kind is None:
                    kind = "title" if p.find(f".//{_A}docTitle") is not None else "heading"
                if kind == "title" and not title:
                    title = text
                add(kind, "", text, None, p.get("title") or "", br)
        elif name == "preamble":
            for el in section.iter():
                local = _local(el)
                if local == "recital":
                    kind, br = _class_kind(el)
                    pp += 1
                    num = el.find(_A + "num")
                    number = _text(num) if num is not None else f"PP{pp}"
                    text = " ".join(_text(p) for p in el.findall(_A + "p"))
                    add(kind or "preambular", number, text, None, el.get("title") or "", br)
                elif local in ("formula", "citation") or (
                    local == "p" and _local(el.getparent()) == "preamble"
                ):
                    kind, br = _class_kind(el)
                    text = _text(el)
                    if text:
                        add(kind or "heading", "", text, None, el.get("title") or "", br)
        elif name in ("mainBody", "body"):
            _read_hier(section, None, False, add)
    return Segmented(units=units, title=title, warnings=[])


def _read_hier(container, parent: int | None, in_article: bool, add) -> None:
    for el in container:
        local = _local(el)
        if local not in _HIER:
            if local == "p" and _text(el):
                add("text", "", _text(el), parent, "", None)
            continue
        if local == "list":
            intro = el.find(_A + "intro")
            if intro is not None and _text(intro):
                add("text", "", _text(intro), parent, "", None)
            _read_hier(el, parent, in_article, add)
            continue
        kind, br = _class_kind(el)
        num_el, head_el = el.find(_A + "num"), el.find(_A + "heading")
        number = _text(num_el)
        heading = _text(head_el)
        if kind is None:
            if local == "hcontainer":
                kind = el.get("name") if el.get("name") in KINDS else "text"
            elif local in _CHAPTER_LIKE:
                kind = "chapter"
            elif local in _ARTICLE_LIKE:
                kind = "article"
                if re.fullmatch(r"\d+\w*\.?", number):
                    number = f"Article {number.rstrip('.')}"
            elif local == "paragraph":
                kind = "paragraph" if in_article else "operative"
            else:
                kind = "subparagraph"
            if kind in ("operative", "paragraph"):
                number = number.rstrip(".")
        text_parts = [_text(part) for part in (el.find(_A + "intro"), el.find(_A + "content"))]
        text = " ".join(t for t in text_parts if t) or (heading if kind != "heading" else "")
        index = add(kind, number, text, parent, heading, br)
        _read_hier(el, index, in_article or kind == "article", add)
        wrap = el.find(_A + "wrapUp")
        if wrap is not None and _text(wrap):
            add("text", "", _text(wrap), index, "", None)
