"""Word redlines: real tracked changes that Word and LibreOffice accept and reject."""

from __future__ import annotations

import random
import re
import shutil
import subprocess
import zipfile
from datetime import UTC, datetime, timedelta, timezone
from io import BytesIO
from pathlib import Path

import docx
import pytest
from lxml import etree

from multilateral.text.redline import RedlineRow, accepted_text, redline_docx, rejected_text
from tests.conftest import system_program

PALERMO = Path(__file__).parent.parent / "data" / "texts" / "palermo_tip_protocol_2000_final_en.txt"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
DATE = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
TITLE = "Palermo Protocol: revision 2 against revision 1"


def article(number: int) -> list[tuple[str, str]]:
    """The numbered paragraphs of one article, as (number, text), by a plain text split."""
    text = PALERMO.read_text(encoding="utf-8")
    body = re.split(r"### Article\s+\d+", text)[number]
    return re.findall(r"^(\d+)\.\s+(.*\S)", body, flags=re.MULTILINE)


@pytest.fixture(scope="module")
def revision() -> tuple[list[tuple[str, str]], list[tuple[str, str]], list[RedlineRow]]:
    """Article 9 revised: "shall adopt" softened, paragraph 3 deleted, a new last paragraph."""
    old = article(9)
    assert len(old) == 5 and "shall adopt" in old[4][1]
    new = list(old)
    new[4] = (old[4][0], old[4][1].replace("shall adopt", "shall consider adopting"))
    del new[2]
    added = (
        "5 bis",
        "States Parties shall report on these measures to the <Conference> & its bodies.",
    )
    new.append(added)
    rows = [
        RedlineRow(old[0][0], old[0][1], new[0][1]),
        RedlineRow(old[1][0], old[1][1], new[1][1]),
        RedlineRow(old[2][0], old[2][1], None),
        RedlineRow(old[3][0], old[3][1], new[2][1]),
        RedlineRow(old[4][0], old[4][1], new[3][1], note="Weakened: shall adopt → shall consider"),
        RedlineRow(added[0], None, added[1]),
    ]
    return old, new, rows


def document_xml(data: bytes) -> etree._Element:
    with zipfile.ZipFile(BytesIO(data)) as archive:
        return etree.fromstring(archive.read("word/document.xml"))


def expected(rows: list[tuple[str, str]], note_after: str | None = None) -> list[str]:
    lines = [f"{number}\t{text}" for number, text in rows]
    if note_after is not None:
        at = next(k for k, (number, _) in enumerate(rows) if number == note_after)
        lines.insert(at + 1, "Weakened: shall adopt → shall consider")
    return [TITLE, "Article 9"] + lines


def test_accepting_gives_the_new_text_and_rejecting_the_old(revision):
    old, new, rows = revision
    data = redline_docx(rows, title=TITLE, subtitle="Article 9", author="United States", date=DATE)
    assert accepted_text(data) == expected(new, note_after="5")
    assert rejected_text(data) == expected(old, note_after="5")


def test_python_docx_opens_it(revision):
    _, _, rows = revision
    data = redline_docx(rows, title=TITLE, author="United States", date=DATE)
    document = docx.Document(BytesIO(data))
    assert document.paragraphs[0].text == TITLE
    assert document.core_properties.author == "United States"


def test_changes_are_real_tracked_revisions(revision):
    _, _, rows = revision
    data = redline_docx(rows, title=TITLE, author="United States", date=DATE)
    root = document_xml(data)
    revisions = root.findall(f".//{W}ins") + root.findall(f".//{W}del")
    ids = [r.get(f"{W}id") for r in revisions]
    assert len(ids) == len(set(ids)) >= 5
    assert {r.get(f"{W}author") for r in revisions} == {"United States"}
    assert {r.get(f"{W}date") for r in revisions} == {"2026-11-28T12:00:00Z"}

    deleted_text = root.findall(f".//{W}delText")
    assert deleted_text and all(t.get(XML_SPACE) == "preserve" for t in deleted_text)
    assert not root.findall(f".//{W}del//{W}t"), "deleted text must be in w:delText"

    # The softened obligation is one word-level replacement, not a rewrite of the paragraph.
    softened = next(p for p in root.iter(f"{W}p") if "legislative" in "".join(p.itertext()))
    assert ["".join(d.itertext()) for d in softened.findall(f"{W}del")] == ["adopt"]
    assert ["".join(i.itertext()) for i in softened.findall(f"{W}ins")] == ["consider adopting"]

    marks = [p.find(f"{W}pPr/{W}rPr") for p in root.iter(f"{W}p")]
    kinds = [child.tag for mark in marks if mark is not None for child in mark]
    assert kinds == [f"{W}del", f"{W}ins"]  # the deleted and the inserted paragraph


def test_markup_in_text_is_escaped_not_interpreted(revision):
    _, new, rows = revision
    data = redline_docx(rows, title=TITLE, author="US", date=DATE)
    assert accepted_text(data)[-1] == f"5 bis\t{new[-1][1]}"
    assert b"&lt;Conference&gt; &amp;" in zipfile.ZipFile(BytesIO(data)).read("word/document.xml")


def test_whole_paragraph_insert_and_delete_only():
    rows = [RedlineRow("1", "Old paragraph.", None), RedlineRow("1", None, "New paragraph.")]
    data = redline_docx(rows, title="T", author="US", date=DATE)
    assert accepted_text(data) == ["T", "1\tNew paragraph."]
    assert rejected_text(data) == ["T", "1\tOld paragraph."]


def test_dates_are_stamped_in_utc():
    eastern = timezone(timedelta(hours=-5))
    rows = [RedlineRow("1", "Decides to act.", "Encourages States to act.")]
    data = redline_docx(
        rows, title="T", author="US", date=datetime(2026, 11, 28, 7, tzinfo=eastern)
    )
    root = document_xml(data)
    assert {e.get(f"{W}date") for e in root.iter(f"{W}ins", f"{W}del")} == {"2026-11-28T12:00:00Z"}
    naive = redline_docx(rows, title="T", author="US", date=datetime(2026, 11, 28, 12))
    assert b'w:date="2026-11-28T12:00:00Z"' in zipfile.ZipFile(BytesIO(naive)).read(
        "word/document.xml"
    )


def test_libreoffice_opens_it_and_keeps_the_revisions(revision, tmp_path):
    soffice = system_program("soffice")
    old, new, rows = revision
    source = tmp_path / "redline.docx"
    source.write_bytes(
        redline_docx(rows, title=TITLE, subtitle="Article 9", author="US", date=DATE)
    )
    profile = f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}"

    def convert(target: str, outdir: Path) -> None:
        subprocess.run(
            [
                soffice,
                profile,
                "--headless",
                "--convert-to",
                target,
                "--outdir",
                str(outdir),
                str(source),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )

    convert("pdf", tmp_path)
    pdf = tmp_path / "redline.pdf"
    assert pdf.exists() and pdf.stat().st_size > 1000
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True
        ).stdout
        assert "consider adopting" in text

    # Saved back as .docx by LibreOffice, the revisions must survive with their meaning.
    convert("docx:MS Word 2007 XML", tmp_path / "resaved")
    resaved = (tmp_path / "resaved" / "redline.docx").read_bytes()
    assert accepted_text(resaved) == expected(new, note_after="5")
    assert rejected_text(resaved) == expected(old, note_after="5")


def test_random_edits_of_every_numbered_paragraph_round_trip():
    """Accept all gives every new paragraph, reject all every old one, whatever the edits."""
    text = PALERMO.read_text(encoding="utf-8")
    paragraphs = re.findall(r"^(\d+)\.\s+(.*\S)", text, flags=re.MULTILINE)
    rng = random.Random(5)
    vocabulary = ["shall", "may", "consider", "not", "appropriate", ",", "2030", "“all”"]
    rows, old_lines, new_lines = [], [], []
    for number, old in paragraphs:
        words = old.split(" ")
        for _ in range(rng.randrange(0, 6)):
            at = rng.randrange(len(words))
            if rng.random() < 0.5:
                words[at] = rng.choice(vocabulary)
            else:
                words.insert(at, rng.choice(vocabulary))
        new = " ".join(words)
        roll = rng.random()
        if roll < 0.1:
            rows.append(RedlineRow(number, old, None))
            old_lines.append(f"{number}\t{old}")
        elif roll < 0.2:
            rows.append(RedlineRow(number, None, new))
            new_lines.append(f"{number}\t{new}")
        else:
            rows.append(RedlineRow(number, old, new))
            old_lines.append(f"{number}\t{old}")
            new_lines.append(f"{number}\t{new}")
    data = redline_docx(rows, title="T", author="US", date=DATE)
    assert accepted_text(data) == ["T"] + new_lines
    assert rejected_text(data) == ["T"] + old_lines


def test_a_new_number_is_a_tracked_change_of_the_number(revision):
    """Article 9 with a paragraph inserted at its head: 1 → 2 … 5 → 6, wording kept."""
    old, _, _ = revision
    new = [("1", "States Parties shall designate a national rapporteur.")] + [
        (str(int(number) + 1), text) for number, text in old
    ]
    rows = [RedlineRow(new[0][0], None, new[0][1])] + [
        RedlineRow(str(int(number) + 1), text, text, old_number=number) for number, text in old
    ]
    data = redline_docx(rows, title=TITLE, subtitle="Article 9", author="US", date=DATE)
    assert accepted_text(data) == expected(new)
    assert rejected_text(data) == expected(old)
    root = document_xml(data)
    second = [p for p in root.iter(f"{W}p")][3]
    assert ["".join(d.itertext()) for d in second.findall(f"{W}del")] == ["1"]
    assert ["".join(i.itertext()) for i in second.findall(f"{W}ins")] == ["2"]
    # A number lost or gained is tracked with its tab.
    rows = [
        RedlineRow("", "Decides to act.", "Decides to act.", old_number="5"),
        RedlineRow("6", "Urges States.", "Urges States.", old_number=""),
    ]
    data = redline_docx(rows, title="T", author="US", date=DATE)
    assert accepted_text(data) == ["T", "Decides to act.", "6\tUrges States."]
    assert rejected_text(data) == ["T", "5\tDecides to act.", "Urges States."]


def test_comments_stay_out_of_the_text(revision):
    _, _, rows = revision
    commented = [
        RedlineRow(r.number, r.old_text, r.new_text, note=r.note, comment=f"Our view on {r.number}")
        for r in rows
    ]
    plain = redline_docx(rows, title=TITLE, author="United States", date=DATE)
    data = redline_docx(
        commented, title=TITLE, author="United States", date=DATE, header="A/RES/1 (v1 → v2)"
    )
    assert accepted_text(data) == accepted_text(plain)
    assert rejected_text(data) == rejected_text(plain)
    with zipfile.ZipFile(BytesIO(data)) as archive:
        comments = etree.fromstring(archive.read("word/comments.xml"))
        header = etree.fromstring(archive.read("word/header1.xml"))
        assert b"Our view" not in archive.read("word/document.xml")
    found = list(comments.iter(f"{W}comment"))
    assert ["".join(c.itertext()) for c in found] == [f"Our view on {r.number}" for r in rows]
    assert {(c.get(f"{W}author"), c.get(f"{W}initials")) for c in found} == {
        ("United States", "US")
    }
    assert {c.get(f"{W}date") for c in found} == {"2026-11-28T12:00:00Z"}
    root = document_xml(data)
    anchored = [
        "".join(t.text for t in p.iter(f"{W}t", f"{W}delText"))
        for p in root.iter(f"{W}p")
        if p.find(f"{W}commentRangeStart") is not None
    ]
    assert len(anchored) == len(rows) and anchored[2].startswith("3Policies")  # deleted row too
    assert "".join(header.itertext()) == "A/RES/1 (v1 → v2)"
