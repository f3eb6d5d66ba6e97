"""Segmenting plain text, pasted e-mail and the shared Markdown treaty texts."""

import pytest

from multilateral.text.segment import segment_text
from multilateral.text.units import KINDS
from tests.conftest import TEXTS

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
