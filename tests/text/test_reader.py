"""read_source: dispatch by extension and the checks common to every upload."""

import io

import pytest
from docx import Document

from multilateral.text.formats.akn import write_akn
from multilateral.text.formats.errors import ImportProblem
from multilateral.text.formats.reader import read_source, sha256_of
from multilateral.text.segment import segment_text
from tests.conftest import TEXTS

DRAFT = "Recalling its resolution 58/137,\n1. Decides to act;\n2. Requests a report;\n"


def docx_bytes() -> bytes:
    document = Document()
    for line in DRAFT.splitlines():
        document.add_paragraph(line)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def numbers(seg):
    return [(u.kind, u.number) for u in seg.units]


EXPECTED = [("preambular", "PP1"), ("operative", "1"), ("operative", "2")]


@pytest.mark.parametrize(
    ("filename", "content_type"),
    [
        ("draft.txt", "text/plain; charset=utf-8"),
        ("draft.md", "text/markdown"),
        ("draft.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("draft.xml", "application/xml"),
        ("DRAFT.DOCX", None),
        ("draft.txt", "application/octet-stream"),
    ],
)
def test_dispatch(filename, content_type):
    ext = filename.lower().rsplit(".", 1)[1]
    if ext == "docx":
        data = docx_bytes()
    elif ext == "xml":
        data = write_akn(segment_text(DRAFT), title="Draft", date="2024-01-01")
    else:
        data = DRAFT.encode()
    assert numbers(read_source(filename, data, content_type=content_type)) == EXPECTED


def test_markdown_treaty():
    data = (TEXTS / "palermo_tip_protocol_2000_final_en.txt").read_bytes()
    seg = read_source("palermo.md", data)
    assert sum(u.kind == "article" for u in seg.units) == 20


@pytest.mark.parametrize(
    ("filename", "data", "kwargs", "code", "status"),
    [
        ("a.txt", b"", {}, "empty", 400),
        ("a.txt", b"x" * 101, {"max_bytes": 100}, "too-large", 413),
        ("a.pdf", b"%PDF-1.7", {}, "unsupported-type", 415),
        ("noext", b"text", {}, "unsupported-type", 415),
        ("a.docx", b"PK..", {"content_type": "text/plain"}, "unsupported-type", 415),
        ("a.txt", b"hello", {"content_type": "image/png"}, "unsupported-type", 415),
        ("a.docm", b"PK..", {}, "macro-enabled", 400),
        ("a.dotm", b"PK..", {}, "macro-enabled", 400),
        ("a.txt", b"1. Decides \xff\xfe", {}, "encoding", 400),
        ("a.txt", b"1. Decides\x00", {}, "nul-bytes", 400),
        ("a.docx", b"not a zip", {}, "not-docx", 400),
        ("a.xml", b"<!DOCTYPE x><x/>", {}, "doctype", 400),
        ("a.xml", b"<x", {}, "bad-xml", 400),
    ],
)
def test_refused(filename, data, kwargs, code, status):
    with pytest.raises(ImportProblem) as info:
        read_source(filename, data, **kwargs)
    assert (info.value.code, info.value.status) == (code, status)
    assert info.value.message.startswith(f"{filename}: ")


def test_encoding_message_names_offset():
    with pytest.raises(ImportProblem) as info:
        read_source("a.txt", b"1. Decides \xff")
    assert "offset 11" in info.value.message


def test_sha256():
    assert sha256_of(b"abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    assert sha256_of(b"abc") != sha256_of(b"abd")
