"""Read a Word draft (.docx) into structural units.

New revisions of UN drafts arrive as Word files, numbered either by hand ("1. Decides") or by
Word's automatic list numbering, sometimes with the last round's tracked changes still in
them. The reader turns each paragraph into one line (the automatic number computed from
numbering.xml and put in front, as if typed), reads tracked changes as accepted, and hands
the lines to :func:`multilateral.text.segment.segment_lines`, so Word and plain text follow
the same rules.

Tables (compilations of amendments: "OP 5 | proposed text | proposed by") are read row by
row. Choice made: a row whose first cell names a paragraph ("PP 3", "OP 5", "5 bis") becomes
a unit of that paragraph's kind and number, its other non-empty cells joined with " | " as
text; the first row when it names no paragraph is the column ``heading``; any other row is
``text``. Row order is kept.

The file is checked before python-docx sees it: an uploaded file is untrusted input.
"""

from __future__ import annotations

import io
import lzma
import posixpath
import re
import struct
import zipfile
import zlib

from docx import Document
from docx.oxml.ns import qn
from lxml import etree

from multilateral.text.formats.errors import ImportProblem
from multilateral.text.formats.xml_safety import declares_doctype, safe_parser
from multilateral.text.segment import is_bracketed, segment_lines
from multilateral.text.units import LATIN_SUFFIXES, Segmented, Unit

__all__ = ["read_docx", "check_office_zip", "MAX_MEMBERS", "MAX_UNCOMPRESSED", "MAX_RATIO"]

#: Refuse a package that would inflate past this many bytes.
MAX_UNCOMPRESSED = 50 * 1024 * 1024
#: Refuse a member compressed more than this many times (checked on members over 1 MiB,
#: since small XML parts legitimately compress very well).
MAX_RATIO = 100
_RATIO_MIN_SIZE = 1024 * 1024
#: Refuse a package of more parts than this: Word writes about a dozen, a few hundred with
#: images; tens of thousands only cost time to list.
MAX_MEMBERS = 2000

#: Password-protected Office files are OLE compound documents, not zips.
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: What reading a member raises when the zip's headers lie about it: a CRC or name that
#: does not match (BadZipFile), a stream that is not deflate (zlib.error) or stops short
#: (EOFError), an unknown method (NotImplementedError), a false "encrypted" flag
#: (RuntimeError), damaged bzip2 or LZMA data (OSError, LZMAError), a central directory
#: that does not add up (ValueError, struct.error).
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    lzma.LZMAError,
    EOFError,
    NotImplementedError,
    RuntimeError,
    OSError,
    ValueError,
    struct.error,
)
#: The relationship from the package to its main part (transitional and strict OOXML).
_OFFICE_DOCUMENT = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument",
    "http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument",
)
_RELS_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_TYPES_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"

_LATIN = LATIN_SUFFIXES
#: First cell of a compiled-amendments row: "PP3", "PP 3", "OP 5", "OP5 bis", "5 bis", "12.".
_ROW_REF = re.compile(rf"^(?:(PP|OP)\s*)?(\d{{1,3}}(?:\s*(?:{_LATIN}))?)\.?$", re.I)


def _damaged(filename: str, what: str, exc: BaseException | None = None) -> ImportProblem:
    detail = f" ({exc})" if exc is not None and str(exc) else ""
    return ImportProblem(
        "damaged-zip",
        f"{filename}: the Word file is damaged: {what}{detail}; open it in Word, save it "
        "again and upload the new file",
    )


def _read(package: zipfile.ZipFile, name: str, filename: str) -> bytes:
    """A member's bytes; the zip's own errors (headers that lie) become an ImportProblem."""
    try:
        return package.read(name)
    except _ZIP_ERRORS as exc:
        raise _damaged(filename, f"{name} cannot be unpacked", exc) from exc


def _parse_small(package: zipfile.ZipFile, name: str, filename: str):
    """The root element of a package part read before python-docx (.rels, content types)."""
    xml = _read(package, name, filename)
    _check_xml(name, xml, filename)
    try:
        return etree.fromstring(xml, safe_parser())
    except etree.XMLSyntaxError as exc:
        raise _damaged(filename, f"{name} is not well-formed XML", exc) from exc


def _check_xml(name: str, xml: bytes, filename: str) -> None:
    declared = declares_doctype(xml)
    if declared is None:
        raise _damaged(filename, f"{name} is not well-formed XML")
    if declared:
        raise ImportProblem(
            "doctype",
            f"{filename}: {name} declares a DOCTYPE, which Word never writes; the file was refused",
        )


def _main_part(package: zipfile.ZipFile, names: set[str], filename: str) -> str | None:
    """The main document's member name, as the package's _rels/.rels names it."""
    if "_rels/.rels" not in names:
        return None
    for rel in _parse_small(package, "_rels/.rels", filename).iter(f"{_RELS_NS}Relationship"):
        if rel.get("Type") in _OFFICE_DOCUMENT and rel.get("TargetMode") != "External":
            target = posixpath.normpath(posixpath.join("/", rel.get("Target") or ""))
            return target.lstrip("/") or None
    return None


def _content_types(package: zipfile.ZipFile, names: set[str], filename: str):
    """(default content type per extension, content type per part name), lowercased keys."""
    if "[Content_Types].xml" not in names:
        return {}, {}
    root = _parse_small(package, "[Content_Types].xml", filename)
    defaults = {
        (el.get("Extension") or "").lower(): el.get("ContentType") or ""
        for el in root.iter(f"{_TYPES_NS}Default")
    }
    overrides = {
        (el.get("PartName") or "").lstrip("/").lower(): el.get("ContentType") or ""
        for el in root.iter(f"{_TYPES_NS}Override")
    }
    return defaults, overrides


def check_office_zip(data: bytes, *, filename: str) -> zipfile.ZipFile:
    """Refuse what must never reach the XML parser; return the opened zip otherwise.

    The main document is found as Word and python-docx find it, through ``_rels/.rels``;
    every part that is XML by its name or its content type, that one included, is refused
    when it declares a DOCTYPE (python-docx never expands entities, but a Word file has no
    business declaring any)."""
    if data[:8] == _OLE_MAGIC:
        raise ImportProblem(
            "encrypted",
            f"{filename}: the file is password-protected (or an old binary .doc); remove the "
            "password in Word, save as .docx and upload it again",
        )
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
        members = package.infolist()
    except _ZIP_ERRORS as exc:
        raise ImportProblem(
            "not-docx", f"{filename}: this is not a Word .docx file (it is not a zip package)"
        ) from exc
    if len(members) > MAX_MEMBERS:
        raise ImportProblem(
            "too-many-parts",
            f"{filename}: the package holds {len(members):,} parts; a Word document has at "
            f"most a few hundred (the limit is {MAX_MEMBERS:,}); it was not opened",
        )
    names = {m.filename for m in members}
    total = 0
    for member in members:
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        if total > MAX_UNCOMPRESSED or (member.file_size > _RATIO_MIN_SIZE and ratio > MAX_RATIO):
            raise ImportProblem(
                "zip-bomb",
                f"{filename}: the file would inflate to an unreasonable size "
                f"({member.filename} is compressed {ratio:.0f} times); it was not opened",
            )
    defaults, overrides = _content_types(package, names, filename)
    if any(n.lower().endswith("vbaproject.bin") for n in names) or any(
        "macroenabled" in t.lower() for t in (*defaults.values(), *overrides.values())
    ):
        raise ImportProblem(
            "macro-enabled",
            f"{filename}: the document contains macros; save it as a plain .docx "
            "(Word Document) and upload it again",
        )
    main = _main_part(package, names, filename)
    if main is None or main not in names:
        raise ImportProblem(
            "not-word",
            f"{filename}: the zip package holds no Word document "
            "(no main document part such as word/document.xml)",
        )
    for member in members:
        name = member.filename
        ext = posixpath.splitext(name)[1].lstrip(".").lower()
        kind = overrides.get(name.lower()) or defaults.get(ext, "")
        is_xml = kind.lower().endswith("xml") or ext in ("xml", "rels") or name == main
        if is_xml and not member.is_dir():
            _check_xml(name, _read(package, name, filename), filename)
    return package


# -- numbering -------------------------------------------------------------------------


#: Word's own bounds: list levels 0-8, a list starts at 0-32767.
_MAX_LEVEL = 8
_MAX_START = 32767
#: A level's label pattern ("%1.%2)"): Word allows a few dozen characters.
_MAX_LEVEL_TEXT = 64


def _number(raw: str | None, default: int = 0, maximum: int = _MAX_LEVEL) -> int:
    """A numbering attribute as Word bounds it; ``default`` when missing or not a number,
    so a hostile numbering.xml cannot ask for a list label of 10**15 letters."""
    raw = (raw or "").strip()
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 6:
        return default
    return min(int(raw), maximum)


def _roman(n: int) -> str:
    out = []
    for value, letters in (
        (1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
        (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"),
    ):  # fmt: skip
        while n >= value:
            out.append(letters)
            n -= value
    return "".join(out)


def _letters(n: int) -> str:
    """Word's letter numbering: a … z, then aa, bb …; past zzzzzzzz (208) the number itself,
    so a list of 300,000 items does not carry labels of 10,000 letters each."""
    if n > 26 * 8:
        return str(n)
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def _format(n: int, fmt: str) -> str:
    if fmt == "lowerLetter":
        return _letters(n)
    if fmt == "upperLetter":
        return _letters(n).upper()
    if fmt == "lowerRoman":
        return _roman(n)
    if fmt == "upperRoman":
        return _roman(n).upper()
    return str(n)


class _Numbering:
    """Word's automatic list numbers: definitions from numbering.xml and running counters."""

    def __init__(self, document) -> None:
        #: numId -> {ilvl: (start, numFmt, lvlText)}
        self.levels: dict[str, dict[int, tuple[int, str, str]]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError):
            return
        abstract: dict[str, dict[int, tuple[int, str, str]]] = {}
        for an in root.findall(qn("w:abstractNum")):
            levels = {}
            for lvl in an.findall(qn("w:lvl")):
                levels[_number(lvl.get(qn("w:ilvl")), 0, _MAX_LEVEL)] = _level(lvl)
            abstract[an.get(qn("w:abstractNumId"))] = levels
        for num in root.findall(qn("w:num")):
            ref = num.find(qn("w:abstractNumId"))
            levels = dict(abstract.get(ref.get(qn("w:val")) if ref is not None else "", {}))
            for override in num.findall(qn("w:lvlOverride")):
                ilvl = _number(override.get(qn("w:ilvl")), 0, _MAX_LEVEL)
                lvl = override.find(qn("w:lvl"))
                start = override.find(qn("w:startOverride"))
                if lvl is not None:
                    levels[ilvl] = _level(lvl)
                if start is not None and ilvl in levels:
                    _, fmt, text = levels[ilvl]
                    levels[ilvl] = (_number(start.get(qn("w:val")), 1, _MAX_START), fmt, text)
            self.levels[num.get(qn("w:numId"))] = levels

    def label(self, num_id: str, ilvl: int) -> str:
        levels = self.levels.get(num_id)
        if not levels or ilvl not in levels:
            return ""
        counters = self.counters.setdefault(num_id, {})
        start, fmt, _ = levels[ilvl]
        counters[ilvl] = counters.get(ilvl, start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        _, fmt, text = levels[ilvl]
        if fmt == "none":
            return ""
        if fmt == "bullet":
            return "•"

        def sub(m: re.Match[str]) -> str:
            k = int(m.group(1)) - 1
            kstart, kfmt, _ = levels.get(k, (1, "decimal", ""))
            return _format(counters.get(k, kstart), kfmt)

        return re.sub(r"%(\d)", sub, text).strip()


def _level(lvl) -> tuple[int, str, str]:
    start = lvl.find(qn("w:start"))
    fmt = lvl.find(qn("w:numFmt"))
    text = lvl.find(qn("w:lvlText"))
    return (
        _number(start.get(qn("w:val")), 1, _MAX_START) if start is not None else 1,
        fmt.get(qn("w:val")) if fmt is not None else "decimal",
        (text.get(qn("w:val")) or "")[:_MAX_LEVEL_TEXT] if text is not None else "",
    )


def _num_pr(p, styles: dict[str, tuple[str, int]]) -> tuple[str, int] | None:
    """The (numId, ilvl) of a paragraph: its own w:numPr, else its style's."""
    ppr = p.find(qn("w:pPr"))
    if ppr is not None:
        numpr = ppr.find(qn("w:numPr"))
        if numpr is not None:
            num_id = numpr.find(qn("w:numId"))
            ilvl = numpr.find(qn("w:ilvl"))
            if num_id is not None:
                value = num_id.get(qn("w:val"))
                return (
                    None
                    if value == "0"
                    else (value, _number(ilvl.get(qn("w:val")) if ilvl is not None else None))
                )
        style = ppr.find(qn("w:pStyle"))
        if style is not None:
            return styles.get(style.get(qn("w:val")))
    return None


def _style_numbering(document) -> dict[str, tuple[str, int]]:
    out: dict[str, tuple[str, int]] = {}
    for style in document.styles.element.findall(qn("w:style")):
        numpr = style.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
        if numpr is None:
            continue
        num_id = numpr.find(qn("w:numId"))
        ilvl = numpr.find(qn("w:ilvl"))
        if num_id is not None:
            out[style.get(qn("w:styleId"))] = (
                num_id.get(qn("w:val")),
                _number(ilvl.get(qn("w:val")) if ilvl is not None else None),
            )
    return out


# -- text ------------------------------------------------------------------------------

_SKIP = {qn("w:del"), qn("w:moveFrom"), qn("w:delText")}
_TRACKED = (qn("w:ins"), qn("w:del"), qn("w:moveFrom"), qn("w:moveTo"))


def _paragraph_text(p) -> str:
    """The accepted text of a paragraph: inserted runs in, deleted runs out."""
    parts: list[str] = []

    def walk(el) -> None:
        for child in el:
            tag = child.tag
            if tag in _SKIP or tag == qn("w:pPr") or tag == qn("w:rPr"):
                continue
            if tag == qn("w:t"):
                parts.append(child.text or "")
            elif tag in (qn("w:tab"), qn("w:br"), qn("w:cr")):
                parts.append(" ")
            elif tag == qn("w:noBreakHyphen"):
                parts.append("-")
            else:
                walk(child)

    walk(p)
    return "".join(parts)


def _row_unit(cells: list[str], first_row: bool) -> Unit:
    m = _ROW_REF.match(cells[0]) if cells else None
    if m:
        rest = " | ".join(c for c in cells[1:] if c)
        prefix = (m.group(1) or "").upper()
        number = re.sub(r"\s+", " ", m.group(2))
        if prefix == "PP":
            return Unit("preambular", f"PP{number}", rest, None, bracketed=is_bracketed(rest))
        return Unit("operative", number, rest, None, bracketed=is_bracketed(rest))
    text = " | ".join(c for c in cells if c)
    return Unit("heading" if first_row else "text", "", text, None, bracketed=is_bracketed(text))


def read_docx(data: bytes, *, filename: str) -> Segmented:
    """Read a .docx draft: typed or automatic numbering, tracked changes accepted, tables."""
    check_office_zip(data, filename=filename)
    try:
        document = Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises several kinds on a damaged package
        raise ImportProblem(
            "not-word", f"{filename}: the Word document could not be read ({exc})"
        ) from exc
    body = document.element.body
    tracked = sum(1 for el in body.iter(*_TRACKED))
    numbering = _Numbering(document)
    styles = _style_numbering(document)
    lines: list[str | Unit] = []
    for child in body.iterchildren():
        if child.tag == qn("w:p"):
            text = _paragraph_text(child).strip()
            numpr = _num_pr(child, styles)
            label = numbering.label(*numpr) if numpr else ""
            if text:
                lines.append(f"{label} {text}" if label else text)
        elif child.tag == qn("w:tbl"):
            for i, tr in enumerate(child.iter(qn("w:tr"))):
                cells = [
                    " ".join(_paragraph_text(p).strip() for p in tc.iter(qn("w:p"))).strip()
                    for tc in tr.findall(qn("w:tc"))
                ]
                if any(cells):
                    lines.append(_row_unit(cells, first_row=i == 0))
    warnings = []
    if tracked:
        warnings.append(f"the file holds {tracked} tracked changes; they were read as accepted")
    return segment_lines(lines, source_name=filename, warnings=warnings)
