"""Segmenting plain text, pasted e-mail and the shared Markdown treaty texts."""

import re
import textwrap

import pytest
from docx import Document

from multilateral.text.formats.docx_reader import read_docx
from multilateral.text.segment import segment_text
from multilateral.text.units import KINDS
from tests.conftest import TEXTS
from tests.text.test_docx_reader import add_list_numbering, set_num, to_bytes

PALERMO_FILES = [
    "palermo_tip_protocol_2000_final_en.txt",
    "nl_bwb_palermo_tip_protocol_rev_061f5d5.txt",
    "nl_bwb_palermo_tip_protocol_rev_d02a7d2.txt",
]

#: Article counts verified by reading each text (the English part; "### Article N" headings,
#: last article number): Palermo 20, Smuggling 25, CoE 47, C029 33, C105 10, C182 16,
#: C189 27, P029 12.
ARTICLE_COUNTS = {
    "palermo_tip_protocol_2000_final_en.txt": 20,
    "nl_bwb_palermo_tip_protocol_rev_061f5d5.txt": 20,
    "nl_bwb_palermo_tip_protocol_rev_d02a7d2.txt": 20,
    "nl_bwb_smuggling_protocol_en_nl.txt": 25,
    "nl_bwb_coe_convention_action_against_thb.txt": 47,
    "nl_bwb_ilo_c029_forced_labour_1930.txt": 33,
    "nl_bwb_ilo_c105_abolition_forced_labour.txt": 10,
    "nl_bwb_ilo_c182_worst_forms_child_labour.txt": 16,
    "nl_bwb_ilo_c189_domestic_workers.txt": 27,
    "nl_bwb_ilo_p029_protocol_2014.txt": 12,
}


def load(name):
    return segment_text((TEXTS / name).read_text(encoding="utf-8"), source_name=name)


def test_every_shared_text_is_listed():
    assert sorted(p.name for p in TEXTS.glob("*.txt")) == sorted(ARTICLE_COUNTS)


@pytest.mark.parametrize("name", sorted(ARTICLE_COUNTS))
def test_article_count_and_shape(name):
    seg = load(name)
    articles = [u for u in seg.units if u.kind == "article"]
    assert len(articles) == ARTICLE_COUNTS[name]
    assert [a.number for a in articles] == [f"Article {n}" for n in range(1, len(articles) + 1)]
    assert all(u.kind in KINDS for u in seg.units)
    for i, unit in enumerate(seg.units):
        assert unit.parent is None or 0 <= unit.parent < i
        if unit.kind == "paragraph":
            assert seg.units[unit.parent].kind == "article"
    # No Dutch survives, and the English title is the title.
    assert not any("Artikel" in u.number or " het " in f" {u.text} " for u in seg.units)
    assert seg.title and seg.units[0].kind == "title" and seg.units[0].text == seg.title


@pytest.mark.parametrize("name", PALERMO_FILES)
def test_palermo_structure(name):
    seg = load(name)
    units = seg.units
    assert seg.title.startswith("Protocol to Prevent, Suppress and Punish trafficking in Persons")
    chapters = [u for u in units if u.kind == "chapter"]
    assert [(c.number, c.heading) for c in chapters] == [
        ("I", "General Provisions"),
        ("II", "Protection of victims of trafficking in persons"),
        ("III", "Prevention, cooperation and other measures"),
        ("IV", "Final provisions"),
    ]
    art6 = next(i for i, u in enumerate(units) if u.number == "Article 6")
    assert (
        units[art6].heading == "Assistance to and protection of victims of trafficking in persons"
    )
    assert units[units[art6].parent].number == "II"
    paras = [i for i, u in enumerate(units) if u.parent == art6]
    assert [units[i].number for i in paras] == ["1", "2", "3", "4", "5", "6"]
    assert all(units[i].kind == "paragraph" for i in paras)
    subs = [u for u in units if u.parent == paras[2]]
    assert [(u.kind, u.number) for u in subs] == [("subparagraph", f"{c})") for c in "abcd"]
    assert subs[0].text == "Appropriate housing;"
    # Article 2 has an unnumbered chapeau: one paragraph "" holding the sub-paragraphs.
    art2 = next(i for i, u in enumerate(units) if u.number == "Article 2")
    body = [i for i, u in enumerate(units) if u.parent == art2]
    assert [(units[i].kind, units[i].number) for i in body] == [("paragraph", "")]
    assert [u.number for u in units if u.parent == body[0]] == ["a)", "b)", "c)"]
    # Preamble: opening formula, five clauses, closing formula.
    pps = [u for u in units if u.kind == "preambular"]
    assert [u.number for u in pps] == ["PP1", "PP2", "PP3", "PP4", "PP5"]
    assert [u.text.split()[0] for u in pps] == [
        "Declaring", "Taking", "Concerned", "Recalling", "Convinced"
    ]  # fmt: skip
    headings = [u.text for u in units if u.kind == "heading"]
    assert headings[0] == "The States Parties to this Protocol,"
    assert "Have agreed as follows:" in headings
    # Markdown cleaned: links, ``quotes".
    text = " ".join(u.text for u in units)
    assert "](" not in text and "``" not in text and "“Child” shall mean" in text


def test_palermo_revisions_agree():
    a, b = (load(n) for n in PALERMO_FILES[1:])
    assert [(u.kind, u.number, u.text) for u in a.units] == [
        (u.kind, u.number, u.text) for u in b.units
    ]
    assert any("dropped the Dutch translation" in w for w in a.warnings)
    english_only = load(PALERMO_FILES[0])
    assert not any("translation" in w for w in english_only.warnings)


def test_p029_preamble_clauses():
    seg = load("nl_bwb_ilo_p029_protocol_2014.txt")
    pps = [u for u in seg.units if u.kind == "preambular"]
    # Counted by reading the preamble: 14 clauses joined by ", and".
    assert [u.text.split()[0] for u in pps] == [
        "Having", "Recognizing", "Recognizing", "Recalling", "Emphasizing", "Recalling",
        "Noting", "Recognizing", "Noting", "Noting", "Recalling", "Noting", "Having", "Having",
    ]  # fmt: skip
    assert pps[0].text.startswith("Having been convened at Geneva")
    assert "and having met in its 103rd Session" in pps[0].text  # lower-case: not a split
    assert not pps[0].text.endswith("and")
    assert pps[-1].text.endswith("shall take the form of a Protocol to the Convention;")
    heads = [u.text for u in seg.units if u.kind == "heading"]
    assert heads[0] == "The General Conference of the International Labour Organization,"
    assert heads[1].startswith("adopts this eleventh day of June")
    # Dutch editorial notes ("Treedt in werking …") are dropped and reported.
    assert not any("Treedt" in u.text for u in seg.units)
    assert any("Dutch line" in w for w in seg.warnings)


def test_smuggling_nested_subparagraphs():
    seg = load("nl_bwb_smuggling_protocol_en_nl.txt")
    units = seg.units
    art6 = next(i for i, u in enumerate(units) if u.number == "Article 6")
    p1 = next(i for i, u in enumerate(units) if u.parent == art6 and u.number == "1")
    b = next(i for i, u in enumerate(units) if u.parent == p1 and u.number == "b)")
    assert [u.number for u in units if u.parent == b] == ["(i)", "(ii)"]
    assert [u.number for u in units if u.parent == p1] == ["a)", "b)", "c)"]


UN_DRAFT = """\
A/C.3/79/L.12
Trafficking in women and girls

The General Assembly,

Recalling all its previous resolutions on trafficking in women and girls,
Deeply concerned that [to the extent possible] victims remain unidentified,
Noting with concern the increase in trafficking for forced labour,

1. Decides to convene a high-level meeting;
2. Requests the Secretary-General to report:
(a) On the implementation of the present resolution;
(i) including data disaggregated by sex;
(ii) and by age;
(b) On the work of the Special Rapporteur;
5 bis. Urges States [Alt 1: to ratify] [Alt 2: to consider ratifying] the Protocol;
5 ter. Invites Member States to contribute;

Annex
Plan of action
1. Prevention measures.
"""


def test_un_draft_resolution():
    seg = segment_text(UN_DRAFT)
    got = [(u.kind, u.number, u.parent) for u in seg.units]
    assert got == [
        ("heading", "", None),
        ("title", "", None),
        ("heading", "", None),
        ("preambular", "PP1", None),
        ("preambular", "PP2", None),
        ("preambular", "PP3", None),
        ("operative", "1", None),
        ("operative", "2", None),
        ("subparagraph", "(a)", 7),
        ("subparagraph", "(i)", 8),
        ("subparagraph", "(ii)", 8),
        ("subparagraph", "(b)", 7),
        ("operative", "5 bis", None),
        ("operative", "5 ter", None),
        ("annex", "Annex", None),
        ("paragraph", "1", 14),
    ]
    assert seg.units[14].heading == seg.units[14].text == "Plan of action"
    assert seg.title == "Trafficking in women and girls"
    assert seg.units[0].text == "A/C.3/79/L.12"
    assert [u.bracketed for u in seg.units[3:6]] == [False, True, False]
    assert seg.units[12].bracketed and seg.units[12].text.startswith("Urges States [Alt 1:")
    assert seg.units[6].text == "Decides to convene a high-level meeting;"
    assert seg.warnings == []


def test_email_quoted_draft_matches_plain():
    quoted = "\r\n".join("> " + line for line in UN_DRAFT.splitlines())
    plain, mail = segment_text(UN_DRAFT), segment_text(quoted)
    assert [(u.kind, u.number, u.text) for u in mail.units] == [
        (u.kind, u.number, u.text) for u in plain.units
    ]


def test_plain_treaty_text_with_captions():
    text = "Chapter II\nArticle 6\nCriminalization\n1. Each State Party shall adopt measures.\n"
    units = segment_text(text).units
    assert [(u.kind, u.number, u.heading, u.parent) for u in units] == [
        ("chapter", "II", "", None),
        ("article", "Article 6", "Criminalization", 0),
        ("paragraph", "1", "", 1),
    ]


def test_unstructured_text_warns():
    seg = segment_text("Dear colleagues,\n\nPlease find the draft attached.\nBest regards")
    assert [u.kind for u in seg.units] == ["text", "text", "text"]
    assert seg.units[1].text == "Please find the draft attached."
    assert len(seg.warnings) == 1 and "no recognisable structure" in seg.warnings[0]
    assert segment_text("").units == []


# -- text pasted from a PDF, typed numbers, front matter in brackets -------------------------

UN_TEXTS = ["A_C.3_80_L.18.txt", "A_RES_80_185.txt", "A_RES_78_180.txt"]
#: Operative paragraphs and sub-paragraphs of each real text, as counted in its README.
UN_COUNTS = {"A_C.3_80_L.18.txt": (50, 5), "A_RES_80_185.txt": (52, 5), "A_RES_78_180.txt": (52, 4)}
PDF_NOTE = "This text looks like it was pasted from a PDF"


def un_text(name: str) -> str:
    return (TEXTS / "un" / name).read_text(encoding="utf-8")


def shape(seg) -> list[tuple]:
    return [(u.kind, u.number, u.text, u.parent, u.heading, u.bracketed) for u in seg.units]


def pdf_paste(
    clean: str, width: int = 85, *, lone_labels: bool = False, blank: bool = False
) -> str:
    """``clean`` (one paragraph per line) as a PDF viewer copies it: every paragraph wrapped
    at ``width`` characters (also after a hyphen, as textwrap and PDF layout both do); with
    ``lone_labels`` each operative number and sub-paragraph letter on a line of its own; with
    ``blank`` a blank line between paragraphs."""
    blocks = []
    for paragraph in clean.splitlines():
        label = re.match(r"(\d{1,3}\.|\([a-z]\)) (.*)$", paragraph) if lone_labels else None
        if label:
            blocks.append("\n".join([label.group(1), *textwrap.wrap(label.group(2), width)]))
        else:
            blocks.append("\n".join(textwrap.wrap(paragraph, width)))
    return ("\n\n" if blank else "\n").join(blocks) + "\n"


def break_word(text: str, word: str = "trafficking", at: int = 4) -> str:
    """``text`` with the first line holding `` word `` broken inside it: "traf-⏎ficking"."""
    lines = text.split("\n")
    i = next(i for i, line in enumerate(lines) if f" {word} " in line)
    head, tail = lines[i].split(f" {word} ", 1)
    lines[i : i + 1] = [f"{head} {word[:at]}-", f"{word[at:]} {tail}"]
    return "\n".join(lines)


PASTES = {
    "wrapped at 85": lambda t: pdf_paste(t),
    "wrapped at 70": lambda t: pdf_paste(t, 70),
    "numbers on their own line": lambda t: pdf_paste(t, lone_labels=True),
    "blank line between paragraphs": lambda t: pdf_paste(t, 95, lone_labels=True, blank=True),
    "word broken by a hyphen": lambda t: break_word(pdf_paste(t)),
}


@pytest.mark.parametrize("how", sorted(PASTES))
@pytest.mark.parametrize("name", UN_TEXTS)
def test_pdf_paste_of_a_real_text_segments_as_the_clean_text(name, how):
    clean_text = un_text(name)
    pasted_text = PASTES[how](clean_text)
    assert len(pasted_text.splitlines()) > 2 * len(clean_text.splitlines())  # really shredded
    clean, pasted = segment_text(clean_text), segment_text(pasted_text)
    assert shape(pasted) == shape(clean)
    operatives, subs = UN_COUNTS[name]
    numbers = [u.number for u in pasted.units if u.kind == "operative"]
    assert numbers == [str(n) for n in range(1, operatives + 1)]
    assert len([u for u in pasted.units if u.kind == "subparagraph"]) == subs
    assert clean.warnings == []
    assert len(pasted.warnings) == 1 and pasted.warnings[0].startswith(PDF_NOTE)
    if how == "numbers on their own line":
        assert f"; {operatives + subs} paragraph numbers alone on a line were" in pasted.warnings[0]


def test_pdf_paste_keeps_compound_hyphens_and_drops_a_line_break_hyphen():
    clean_text = un_text("A_C.3_80_L.18.txt")
    pasted_text = break_word(pdf_paste(clean_text))
    # The wrap broke real compounds after their hyphen ("non-⏎governmental") and one word.
    ends = [line.rsplit(" ", 1)[-1] for line in pasted_text.splitlines() if line.endswith("-")]
    assert {"non-", "child-", "multi-", "up-to-", "traf-"} <= set(ends)
    texts = [u.text for u in segment_text(pasted_text).units]
    assert sum("non-governmental" in t for t in texts) == clean_text.count("non-governmental")
    assert any("child-sensitive" in t for t in texts)
    assert not any("traf-ficking" in t or "traf- ficking" in t for t in texts)
    assert sum(t.count("trafficking") for t in texts) == clean_text.count("trafficking")


#: A draft as copied from a PDF by hand: wrapped lines, numbers and letters on their own
#: line, a preambular opener the segmenter does not know ("Encouraging") after a full line
#: ending in a comma, "(No.⏎29)", "Secretary-⏎General", "anti-⏎trafficking".
PASTED_DRAFT = """\
A/C.3/81/L.7
Trafficking in women and girls
The General Assembly,
Recalling the Forced Labour Convention, 1930, of the International Labour Organization (No.
29), and the Protocol of 2014 to the Forced Labour Convention, 1930,
Encouraging Member States that have not yet done so to consider ratifying the Protocol,
Deeply concerned that women and girls remain disproportionately affected by the crime
of trafficking in persons,
1.
Urges States to strengthen the collection of data disaggregated by sex, age and migratory
status, and to share those data with the Special Rapporteur;
2.
Requests the Secretary-
General to submit to the General Assembly at its eighty-third session a report on:
(a)
the implementation of the present resolution;
(b) the work of the United Nations Office on Drugs and Crime, including its anti-
trafficking programmes;
3. Decides to remain seized of the matter.
"""


def test_hand_pasted_draft():
    seg = segment_text(PASTED_DRAFT)
    assert [(u.kind, u.number, u.parent) for u in seg.units] == [
        ("heading", "", None),
        ("title", "", None),
        ("heading", "", None),
        ("preambular", "PP1", None),
        ("preambular", "PP2", None),
        ("preambular", "PP3", None),
        ("operative", "1", None),
        ("operative", "2", None),
        ("subparagraph", "(a)", 7),
        ("subparagraph", "(b)", 7),
        ("operative", "3", None),
    ]
    texts = [u.text for u in seg.units]
    assert texts[3] == (
        "Recalling the Forced Labour Convention, 1930, of the International Labour "
        "Organization (No. 29), and the Protocol of 2014 to the Forced Labour Convention, 1930,"
    )
    assert texts[4].startswith("Encouraging Member States") and texts[4].endswith("Protocol,")
    assert texts[5].endswith("affected by the crime of trafficking in persons,")
    assert texts[7].startswith("Requests the Secretary-General to submit")
    assert texts[8] == "the implementation of the present resolution;"
    assert texts[9].endswith("including its anti-trafficking programmes;")
    assert seg.warnings == [
        f"{PDF_NOTE} (5 hard-wrapped lines were joined; 3 paragraph numbers alone on a line "
        "were attached to the text after it); check the paragraph breaks."
    ]


def test_wrapped_treaty_text_and_e_mail_quoting():
    pasted = """\
> Article 6
> Assistance to and protection of victims of trafficking in persons
> 1. In appropriate cases and to the extent possible under its domestic law, each State
> Party shall protect the privacy and identity of victims of trafficking in persons,
> including, inter alia, by making legal proceedings relating to such trafficking
> confidential.
> 2. Each State Party shall ensure that its domestic legal or administrative system
> contains measures that provide to victims of trafficking in persons, in appropriate
> cases:
> (a) Information on relevant court and administrative proceedings;
> (b) Assistance to enable their views and concerns to be presented and considered at
> appropriate stages of criminal proceedings against offenders.
"""
    seg = segment_text(pasted)
    assert [(u.kind, u.number, u.parent) for u in seg.units] == [
        ("article", "Article 6", None),
        ("paragraph", "1", 0),
        ("paragraph", "2", 0),
        ("subparagraph", "(a)", 2),
        ("subparagraph", "(b)", 2),
    ]
    assert seg.units[0].heading.startswith("Assistance to and protection of victims")
    assert seg.units[1].text.endswith("relating to such trafficking confidential.")
    assert seg.units[2].text.endswith("in appropriate cases:")
    assert seg.units[4].text.endswith("against offenders.")
    assert seg.warnings[0].startswith(f"{PDF_NOTE} (6 hard-wrapped lines were joined)")


def test_paragraph_ends_are_never_joined_to_a_new_paragraph():
    # A text wrapped at ~85 whose full lines end in ";" or "," before a number, a letter or
    # an opener, or in "." before a capitalised line: kept apart. Short headings too.
    text = (
        "Annex\n"
        "Plan of action\n"
        "Recalling all its previous resolutions on violence against women migrant workers and,\n"
        "Noting with concern the increase in trafficking for forced labour reported by the\n"
        "International Labour Organization and the United Nations Office on Drugs and Crime,\n"
        "Welcoming the work of the Special Rapporteur on trafficking in persons, especially\n"
        "women and children, and of the Special Rapporteur on the human rights of migrants,\n"
        "1. Decides to convene a high-level meeting on trafficking in persons in its next one;\n"
        "(a) On the implementation of the present resolution by all Member States and the\n"
        "United Nations system, in cooperation with the International Organization for\n"
        "Migration;\n"
        "2. Requests the Secretary-General to report on the matter at its next session.\n"
        "Closing statement of the Chair of the Third Committee at its fortieth meeting here.\n"
    )
    seg = segment_text(text)
    assert [u.text.split()[0] for u in seg.units] == [
        "Plan", "Recalling", "Noting", "Welcoming", "Decides", "On", "Requests", "Closing"
    ]  # fmt: skip
    assert seg.units[2].text.endswith("by the International Labour Organization and the "
                                      "United Nations Office on Drugs and Crime,")  # fmt: skip
    assert seg.units[5].text.endswith("the International Organization for Migration;")
    assert seg.warnings[0].startswith(f"{PDF_NOTE} (4 hard-wrapped lines were joined)")


def test_clean_text_with_short_lines_is_not_joined():
    # One paragraph per line, lines of similar length ending in punctuation: not a paste.
    seg = segment_text(UN_DRAFT)
    assert len(seg.units) == 16 and seg.warnings == []
    # A lower-case line after a line with no final punctuation is joined in any text.
    joined = segment_text("1. Calls upon States to\nratify the Protocol;\n2. Decides;")
    assert [(u.number, u.text) for u in joined.units] == [
        ("1", "Calls upon States to ratify the Protocol;"),
        ("2", "Decides;"),
    ]
    assert joined.warnings[0].startswith(f"{PDF_NOTE} (1 hard-wrapped line was joined)")


def without_op5(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.startswith("5. ")) + "\n"


def test_typed_numbers_are_kept_when_a_paragraph_was_deleted():
    text = without_op5(un_text("A_RES_78_180.txt"))
    for source in (text, pdf_paste(text, lone_labels=True)):
        ops = [u for u in segment_text(source).units if u.kind == "operative"]
        assert [u.number for u in ops] == ["1", "2", "3", "4", *map(str, range(6, 53))]
        assert ops[4].text.startswith("Encourages all United Nations agencies")
        assert not any(re.match(r"\d+\s*\.", u.text) for u in ops)


def test_typed_numbers_win_over_word_list_numbers():
    # Word's automatic list numbers 1, 2, 3 … before the typed ones: a deleted OP5 made
    # Word number the typed "6." paragraph 5.
    ops = [line for line in without_op5(un_text("A_RES_78_180.txt")).splitlines()]
    ops = [line for line in ops if re.match(r"\d+\. ", line)][:8]
    document = Document()
    document.add_paragraph("The General Assembly,")
    num_id = add_list_numbering(document)
    for line in ops:
        set_num(document.add_paragraph(line), num_id, 0)
    seg = read_docx(to_bytes(document), filename="rev.docx")
    units = [u for u in seg.units if u.kind == "operative"]
    assert [u.number for u in units] == ["1", "2", "3", "4", "6", "7", "8", "9"]
    assert [u.text for u in units] == [line.split(". ", 1)[1] for line in ops]


def test_typed_labels_and_bis_numbers():
    text = (
        "1. Decides to act;\n"
        "4. 5 bis. Invites Member States to contribute;\n"
        "6. 0.7 per cent of gross national income remains the target;\n"
        "(b) (c) On the implementation;\n"
        "(c) (i) including data disaggregated by sex;\n"
    )
    units = segment_text(text).units
    assert [(u.kind, u.number, u.text) for u in units] == [
        ("operative", "1", "Decides to act;"),
        ("operative", "5 bis", "Invites Member States to contribute;"),
        ("operative", "6", "0.7 per cent of gross national income remains the target;"),
        ("subparagraph", "(c)", "On the implementation;"),
        # "(i)" may open a nested list under "(c)": not read as a typed label.
        ("subparagraph", "(c)", "(i) including data disaggregated by sex;"),
    ]


def test_front_matter_in_brackets_is_not_unagreed_text():
    clean = un_text("A_RES_78_180.txt")
    body = clean.replace(
        "3. Invites Member States to consider", "3. Invites Member States [to consider]"
    )
    assert body != clean
    units = segment_text(body).units
    note = next(u for u in units if u.text.startswith("[on the report of the Third Committee"))
    assert (note.kind, note.bracketed) == ("heading", False)
    op3 = next(u for u in units if u.kind == "operative" and u.number == "3")
    assert op3.bracketed and "[to consider]" in op3.text
    assert [u.number for u in units if u.bracketed] == ["3"]


def test_masthead_note_in_brackets_is_neither_title_nor_bracketed():
    text = (
        "Resolution adopted by the General Assembly on 14 December 2023\n"
        "[without reference to a Main Committee (A/78/L.49)]\n"
        "The General Assembly,\n"
        "[Recalling its resolution 77/194 of 15 December 2022,]\n"
        "Recalling [also] its resolution 76/186,\n"
        "1. Decides to remain seized of the matter.\n"
    )
    seg = segment_text(text)
    assert [(u.kind, u.bracketed) for u in seg.units] == [
        ("title", False),
        ("heading", False),  # the masthead note
        ("heading", False),  # "The General Assembly,"
        ("heading", True),  # a whole paragraph in brackets after the opening formula
        ("preambular", True),
        ("operative", False),
    ]
    assert seg.title == "Resolution adopted by the General Assembly on 14 December 2023"
    # With no structure there is no front matter: brackets are flagged as before.
    prose = segment_text("Dear colleagues,\n[Our delegation cannot join consensus]")
    assert [u.bracketed for u in prose.units] == [False, True]


def test_pdf_note_reaches_the_stored_version(client, auth):
    headers = auth("negotiator")
    document = {"title": "Migrant workers", "forum": "un-third-committee", "kind": "resolution"}
    response = client.post("/api/documents", json=document, headers=headers)
    doc_id = response.json["id"]
    url = f"/api/documents/{doc_id}/versions"
    clean_text = un_text("A_RES_78_180.txt")
    first = client.post(url, json={"text": clean_text, "label": "clean"}, headers=headers)
    assert first.status_code == 201, first.get_data(as_text=True)
    assert first.json["warnings"] == []
    pasted = client.post(url, json={"text": pdf_paste(clean_text)}, headers=headers)
    assert pasted.status_code == 201, pasted.get_data(as_text=True)
    assert len(pasted.json["warnings"]) == 1
    assert pasted.json["warnings"][0].startswith(PDF_NOTE)
    ops = [p for p in pasted.json["paragraphs"] if p["kind"] == "operative"]
    assert [p["number"] for p in ops] == [str(n) for n in range(1, 53)]
