"""The compare page: sensible defaults, messages instead of empty tables, buttons that say
when there is nowhere to go, and long comparisons kept light (pages, collapsed runs) with a
summary that still counts every pair. Real texts: the Palermo Protocol's revisions, and every
treaty text in tests/data/texts put end to end for a long one."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from multilateral.extensions import db
from multilateral.services import compare
from multilateral.services.documents import create_document
from multilateral.services.versions import add_version
from multilateral.text.formats.reader import sha256_of
from multilateral.text.units import Segmented, Unit
from tests.conftest import TEXTS, login
from tests.test_compare import ART5_1, PALERMO, _add_revision, _doc_id, _palermo_text

PAIR_ID = re.compile(r'<div class="pair [^"]*" id="pair-(\d+)"')
RUN = re.compile(r'class="collapsed-run" id="run-\d+" data-start="(\d+)" data-stop="(\d+)"')


def _page(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def _button(html: str, name: str) -> str:
    return re.search(rf'<button type="button" id="{name}-change"[^>]*>', html).group(0)


def _weakened_revision(app: Flask) -> int:
    text = _palermo_text()
    return _add_revision(
        app, PALERMO, text.replace(ART5_1, ART5_1.replace("shall adopt", "may adopt")), "Rev.1"
    )


@pytest.fixture
def viewer(client: FlaskClient) -> FlaskClient:
    login(client, "viewer")
    return client


def test_from_defaults_to_the_version_before_to(viewer, app) -> None:
    doc = _doc_id(app, PALERMO)  # versions 1, 2 and 3
    heading = re.compile(r"<h1>Changes from version (\d+) to version (\d+)</h1>")
    assert heading.search(_page(viewer, f"/documents/{doc}/compare?to=3")).groups() == ("2", "3")
    assert heading.search(_page(viewer, f"/documents/{doc}/compare?to=2")).groups() == ("1", "2")
    assert heading.search(_page(viewer, f"/documents/{doc}/compare")).groups() == ("2", "3")
    assert heading.search(_page(viewer, f"/documents/{doc}/compare?from=1")).groups() == ("1", "3")
    first = _page(viewer, f"/documents/{doc}/compare?to=1")
    assert heading.search(first).groups() == ("1", "1")
    assert "Version 1 is the first version of this text" in first
    # An explicit from is kept; the API still wants both.
    assert heading.search(_page(viewer, f"/documents/{doc}/compare?from=1&to=3")).groups() == (
        "1",
        "3",
    )
    assert viewer.get(f"/api/documents/{doc}/compare?to=3").status_code == 400


def test_identical_wording_says_so_and_the_buttons_have_nowhere_to_go(viewer, app) -> None:
    doc = _doc_id(app, PALERMO)
    html = _page(viewer, f"/documents/{doc}/compare?from=1&to=2")  # a reformatted copy
    no_change = re.search(r'<p class="no-change" id="no-change">(.*?)</p>', html, re.S).group(1)
    assert "No change in wording" in no_change and "word for word" in no_change
    assert 'id="change-count">0<' in html
    # Not an empty table: one line for the whole text, which opens on demand.
    assert PAIR_ID.findall(html) == []
    [(start, stop)] = RUN.findall(html)
    assert (start, int(stop)) == (
        "0",
        len(viewer.get(f"/api/documents/{doc}/compare?from=1&to=2").json["pairs"]),
    )
    assert re.search(r">\s*\d+ unchanged paragraphs", html)
    assert " disabled" in _button(html, "prev") and " disabled" in _button(html, "next")


def test_only_changes_with_nothing_to_show_says_so(viewer, app) -> None:
    doc = _doc_id(app, PALERMO)
    html = _page(viewer, f"/documents/{doc}/compare?from=1&to=2&only=changes")
    assert re.search(r'id="nothing-to-show">No change between these versions', html)
    assert PAIR_ID.findall(html) == [] and RUN.findall(html) == []
    assert re.search(r'id="only-changes" checked', html)
    html = _page(viewer, f"/documents/{doc}/compare?from=1&to=2&only=weakened")
    assert re.search(r'id="nothing-to-show">No paragraph was weakened', html)
    # With a change there is something to show, and no such message.
    number = _weakened_revision(app)
    html = _page(viewer, f"/documents/{doc}/compare?from=1&to={number}&only=changes")
    assert "nothing-to-show" not in html and "no-change" not in html
    assert len(PAIR_ID.findall(html)) == 1


def test_one_change_next_goes_there_and_previous_nowhere(viewer, app) -> None:
    doc = _doc_id(app, PALERMO)
    number = _weakened_revision(app)
    html = _page(viewer, f"/documents/{doc}/compare?from=1&to={number}")
    assert " disabled" in _button(html, "prev")
    assert " disabled" not in _button(html, "next")
    [changed] = re.findall(r'<div class="pair [^"]*is-change[^"]*" id="pair-(\d+)"', html)
    # The unchanged paragraphs around it are collapsed; the change is shown in full, and the
    # summary links to it on this page.
    assert RUN.findall(html)
    assert f'href="#pair-{changed}"' in html
    html = _page(viewer, f"/documents/{doc}/compare?from=1&to={number}&only=weakened")
    assert PAIR_ID.findall(html) == [changed] and 'data-shift="weakened"' in html


def test_the_redline_form_asks_before_adding_assessments(viewer, app) -> None:
    doc = _doc_id(app, PALERMO)
    html = _page(viewer, f"/documents/{doc}/compare?from=1&to=3")
    form = re.search(
        r'<form method="get" action="([^"]+)" class="redline-form">(.*?)</form>', html, re.S
    )
    assert form.group(1) == f"/api/documents/{doc}/compare.docx"
    assert re.search(
        r'<input type="checkbox" name="assessments" value="comments" id="assessments">',
        form.group(2),
    )
    assert "Include our assessments as Word comments" in form.group(2)
    assert "checked" not in form.group(2)  # unticked: the safe redline is the default


def _long_units() -> list[Unit]:
    """Every paragraph of every treaty text in the test data, end to end, numbered 1 … n:
    ~1,500 paragraphs, ~400,000 characters."""
    lines = [
        line.strip()
        for path in sorted(TEXTS.glob("*.txt"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if len(line.strip()) >= 40 and not line.startswith("#")
    ]
    return [Unit("operative", str(n), line) for n, line in enumerate(lines, start=1)]


@pytest.fixture
def long_comparison(app: Flask) -> int:
    """A document whose second version softens every third "shall" of the first, drops its
    tenth paragraph and gains one at its head (so the rest is renumbered)."""
    old = _long_units()
    count = iter(range(10**6))
    texts = [
        re.sub(r"\bshall\b", lambda m: "should" if next(count) % 3 == 0 else "shall", u.text)
        for u in old
    ]
    texts = ["States shall report on trafficking in persons every year."] + texts
    del texts[10]
    new = [Unit("operative", str(n), t) for n, t in enumerate(texts, start=1)]
    with app.app_context():
        document = create_document(title="Every text end to end", forum="un-ga", kind="other")
        for label, units in (("v1", old), ("v2", new)):
            body = "\n".join(u.text for u in units)
            add_version(
                document, Segmented(units=units), sha256=sha256_of(body.encode()), label=label
            )
        db.session.commit()
        return document.id


def test_a_long_comparison_is_a_light_page_with_the_whole_summary(
    viewer, auth, long_comparison
) -> None:
    doc = long_comparison
    api = viewer.get(f"/api/documents/{doc}/compare?from=1&to=2", headers=auth("viewer"))
    pairs, summary = api.json["pairs"], api.json["summary"]
    assert len(pairs) > 1400 and len(api.data) > 5_000_000
    html = _page(viewer, f"/documents/{doc}/compare?from=1&to=2")
    assert len(html.encode()) < 300_000
    pages = int(re.search(r"Page 1 of (\d+)", html).group(1))
    assert pages > 1
    assert f'id="change-count">{summary["changes"]}<' in html
    assert f'id="weakened-count">{len(summary["weakened"])}<' in html
    assert len(summary["weakened"]) > 50
    # Every pair is on exactly one page, in full or in a collapsed run, and each page is light.
    seen: list[int] = []
    for number in range(1, pages + 1):
        page = _page(viewer, f"/documents/{doc}/compare?from=1&to=2&page={number}")
        assert len(page.encode()) < 300_000, number
        assert f'id="weakened-count">{len(summary["weakened"])}<' in page
        seen += [int(i) for i in PAIR_ID.findall(page)]
        seen += [i for a, b in RUN.findall(page) for i in range(int(a), int(b))]
    assert sorted(seen) == list(range(len(pairs)))


def test_links_to_pairs_on_other_pages_and_buttons_across_pages(
    viewer, long_comparison, monkeypatch
) -> None:
    doc = long_comparison
    base = f"/documents/{doc}/compare?from=1&to=2"
    html = _page(viewer, base)
    # The summary's links: an anchor on this page, or the page that holds the pair.
    links = re.findall(r'<li><a href="([^"]+)">', html)
    here = [h for h in links if h.startswith("#pair-")]
    there = [h.replace("&amp;", "&") for h in links if not h.startswith("#")]
    assert here and there
    for href in here:
        assert f'id="{href[1:]}"' in html
    for href in there[:3]:
        index = href.rsplit("#pair-", 1)[1]
        assert f"&pair={index}#" in href
        assert f'id="pair-{index}"' in _page(viewer, href.split("#")[0])
    # Next on page 1 leads to page 2 once page 1's changes are done; Previous on page 2 back.
    assert " disabled" not in _button(html, "next")
    next_url = re.search(r'id="next-change"[^>]*data-url="([^"]*)"', html).group(1)
    assert "page=2" in next_url and "#pair-" in next_url
    page2 = _page(viewer, next_url.replace("&amp;", "&").split("#")[0])
    previous = re.search(r'id="prev-change"[^>]*data-url="([^"]*)"', page2).group(1)
    assert "page=1" in previous and " disabled" not in _button(page2, "prev")
    last_on_1 = re.findall(r'<div class="pair [^"]*is-change[^"]*" id="pair-(\d+)"', html)[-1]
    assert previous.endswith(f"#pair-{last_on_1}")
    # The last page has no Next to go to.
    pages = int(re.search(r"Page 1 of (\d+)", html).group(1))
    last = _page(viewer, f"{base}&page={pages}")
    assert 'data-url=""' in _button(last, "next")
    # A pair the filter hides: the link shows it among all pairs.
    quiet = RUN.findall(html)[0][0]
    shown = _page(viewer, f"{base}&only=weakened&pair={quiet}")
    assert 'id="only-weakened" checked' not in shown
    assert any(int(a) <= int(quiet) < int(b) for a, b in RUN.findall(shown))


def test_a_collapsed_run_opens_around_its_target_within_the_budget(
    viewer, app, monkeypatch
) -> None:
    doc = _doc_id(app, PALERMO)
    html = _page(viewer, f"/documents/{doc}/compare?from=1&to=2")
    [(start, stop)] = RUN.findall(html)
    url = f"/documents/{doc}/compare/pairs?from=1&to=2&start={start}&stop={stop}"
    whole = viewer.get(url)
    assert whole.status_code == 200 and "<html" not in whole.get_data(as_text=True)
    assert [int(i) for i in PAIR_ID.findall(whole.get_data(as_text=True))] == list(
        range(int(start), int(stop))
    )
    # A small budget: the pairs around the target, the rest collapsed before and after.
    monkeypatch.setattr(compare, "PAGE_CHARS", 3000)
    part = viewer.get(f"{url}&focus=60").get_data(as_text=True)
    shown = [int(i) for i in PAIR_ID.findall(part)]
    assert 60 in shown and len(shown) < 40 and shown == list(range(shown[0], shown[-1] + 1))
    runs = [(int(a), int(b)) for a, b in RUN.findall(part)]
    assert runs == [(0, shown[0]), (shown[-1] + 1, int(stop))]
    # Asking badly is a 400, not a 500.
    assert viewer.get(f"/documents/{doc}/compare/pairs?from=1&to=2").status_code == 400
    assert viewer.get(f"{url}&focus=x").status_code == 400
    empty = viewer.get(f"/documents/{doc}/compare/pairs?from=1&to=2&start=5&stop=2")
    assert empty.status_code == 200 and PAIR_ID.findall(empty.get_data(as_text=True)) == []


def test_the_opened_run_escapes_the_text(viewer, app) -> None:
    # Upload strips tags; what is left of markup must still come back escaped.
    payload = 'if 1 < 2 & "3" > 0'
    text = _palermo_text().replace(
        "This Protocol supplements", f"This Protocol {payload} supplements", 1
    )
    number = _add_revision(app, PALERMO, text, "Rev.1")
    again = _add_revision(
        app, PALERMO, text.replace(ART5_1, ART5_1.replace("shall adopt", "may adopt")), "Rev.2"
    )
    doc = _doc_id(app, PALERMO)
    html = _page(viewer, f"/documents/{doc}/compare?from={number}&to={again}")
    assert "if 1 &lt; 2" not in html  # the paragraph is in a collapsed run
    opened = "".join(
        viewer.get(
            f"/documents/{doc}/compare/pairs?from={number}&to={again}&start={a}&stop={b}"
        ).get_data(as_text=True)
        for a, b in RUN.findall(html)
    )
    assert "if 1 &lt; 2 &amp; &#34;3&#34; &gt; 0" in opened or (
        "if 1 &lt; 2 &amp; &quot;3&quot; &gt; 0" in opened
    )
    assert payload not in opened


def test_the_page_links_its_own_stylesheet_and_no_inline_style(viewer, app) -> None:
    doc = _doc_id(app, PALERMO)
    html = _page(viewer, f"/documents/{doc}/compare?from=1&to=3")
    assert '<link rel="stylesheet" href="/static/css/compare.css">' in html
    css = viewer.get("/static/css/compare.css")
    assert css.status_code == 200 and b".collapsed-run" in css.data
    css.close()
