"""A newcomer's first hour (issue 13): pages that explain themselves, rendered by Flask's
client. The layout, focus and popover behaviour are checked in Chromium
(tests/browser/test_first_hour.py)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from multilateral.extensions import db
from multilateral.models import Document, Forum, Version
from multilateral.models.documents import STRUCTURAL_KINDS
from multilateral.services import documents as document_service
from multilateral.services import pages as page_service
from multilateral.services.treaties import get_treaty, ratification_status
from multilateral.text.units import KINDS
from tests.conftest import DATA, csrf_token, login
from tests.test_upload_page import _parse

PALERMO = "A/RES/55/25, annex II"
UN_SERIES = "Violence against women migrant workers"
REPO = Path(__file__).resolve().parent.parent
TEMPLATES = REPO / "templates"


class _Tags(HTMLParser):
    """Every start tag with its attributes, and the text inside chosen elements by id."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))


def _tags(html: str) -> list[tuple[str, dict[str, str]]]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


def _words(html: str) -> str:
    """The page's text, whatever the markup."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _doc(app: Flask, **where: str) -> int:
    with app.app_context():
        return db.session.scalar(db.select(Document.id).filter_by(**where))


def _page(client: FlaskClient, path: str, role: str = "viewer") -> str:
    login(client, role)
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


# --- vocabularies and helpers, defined once -----------------------------------------------


def test_structural_kinds_are_paragraph_kinds_and_no_template_spells_them_out() -> None:
    assert set(STRUCTURAL_KINDS) <= set(KINDS)
    for template in TEMPLATES.rglob("*.html"):
        if template.parent.name == "compare":
            continue  # another change switches the compare templates over
        text = template.read_text(encoding="utf-8")
        assert "'article', 'chapter'" not in text, template


def test_state_kinds_and_the_palermo_slug_are_defined_once() -> None:
    from multilateral.models import reference
    from multilateral.services import seed
    from multilateral.text import refdata
    from multilateral.views import pages

    assert reference.STATE_KINDS is refdata.STATE_KINDS
    assert not hasattr(pages, "PALERMO")
    assert page_service.PALERMO_SLUG is seed.PALERMO_SLUG


def test_http_helpers_live_in_one_module() -> None:
    from multilateral.views import api, http

    for name in ("json_body", "parse_int", "int_arg"):
        assert getattr(api, name) is getattr(http, name)
        assert getattr(http, name).__module__ == "multilateral.views.http"
    for module in ("api", "versions", "clauses", "pages"):
        source = (REPO / "multilateral" / "views" / f"{module}.py").read_text(encoding="utf-8")
        assert "def json_body" not in source and "def parse_int" not in source, module


@pytest.mark.parametrize("module", ["pages", "versions", "api"])
def test_these_views_leave_queries_to_the_services(module: str) -> None:
    source = (REPO / "multilateral" / "views" / f"{module}.py").read_text(encoding="utf-8")
    assert "db.select(" not in source and "db.session.scalar" not in source
    assert "db.session.execute" not in source


# --- home ----------------------------------------------------------------------------------


def test_home_has_one_set_of_palermo_figures_linked_to_the_treaty(
    app: Flask, client: FlaskClient
) -> None:
    with app.app_context():
        counts = ratification_status(get_treaty("palermo-protocol")).counts
    html = _page(client, "/")
    words = _words(html)
    for status, n in counts.items():
        assert f'<div data-status="{status}"><dt>{status.capitalize()}</dt>' in html
        assert words.count(f"{status.capitalize()} {n} ") == 1, status
    # No second set of figures (the UN Treaty Collection's 182 parties) beside the record's.
    assert "182 parties" not in words and "117 signatories" not in words
    assert f"{sum(counts.values())} states counted" in words
    assert 'id="palermo-link" href="/treaties/palermo-protocol"' in html or (
        'href="/treaties/palermo-protocol" id="palermo-link"' in html
    )


def test_home_names_forums_dates_recent_texts_and_says_where_to_start(
    app: Flask, client: FlaskClient
) -> None:
    html = _page(client, "/")
    recent = html.split('id="recent-h"', 1)[1].split("</section>", 1)[0]
    with app.app_context():
        forums = {f.slug: f.name for f in db.session.scalars(db.select(Forum))}
        series = db.session.scalar(
            db.select(Document).filter_by(title=UN_SERIES, kind="resolution")
        )
        series_id = series.id
        latest = series.latest_version.date
    assert "United Nations General Assembly" in _words(recent)
    slugs = "|".join(map(re.escape, forums))
    assert not re.search(rf"· ({slugs}) ·", recent)
    assert f'the latest dated <time datetime="{latest.isoformat()}">' in recent
    assert "15 December 2025" in _words(recent)
    start = html.split('id="start-h"', 1)[1].split("</section>", 1)[0]
    assert f'href="/documents/{series_id}" id="start-series"' in start
    assert f'href="/documents/{series_id}/compare" id="start-compare"' in start
    assert 'href="/classify" id="start-analyse"' in start


# --- the document page -----------------------------------------------------------------------


def test_document_page_strength_on_its_scale_and_no_prohibited_aria(
    app: Flask, client: FlaskClient
) -> None:
    html = _page(client, f"/documents/{_doc(app, symbol=PALERMO)}")
    assert re.search(r'<span class="strength">.*?\d+/100</span>', html)
    for tag, attrs in _tags(html):
        # aria-label is prohibited on an element with no role (a span, a div)
        if tag in ("span", "div", "p") and "role" not in attrs:
            assert "aria-label" not in attrs, (tag, attrs)
    explained = [a for t, a in _tags(html) if t == "button" and "aria-describedby" in a]
    assert explained, "each verdict is a button described by its explanation"
    ids = {a.get("id") for _, a in _tags(html)}
    assert all(a["aria-describedby"] in ids for a in explained)
    tooltips = [a for t, a in _tags(html) if a.get("role") == "tooltip"]
    assert len(tooltips) == len(explained)


def test_summary_has_one_denominator(app: Flask, client: FlaskClient) -> None:
    doc_id = _doc(app, symbol=PALERMO)
    with app.app_context():
        summary = page_service.document_page(doc_id).summary
    html = _page(client, f"/documents/{doc_id}")
    line = _words(html.split('id="summary-line"', 1)[1]).replace(" ;", ";")
    labels = summary["operative_labels"]
    n = summary["operative_paragraphs"]
    assert line.startswith(
        f"> {labels['actionable']} of {n} operative paragraphs are actionable; "
        f"{labels['hortatory']} hortatory; {labels['descriptive']} descriptive"
    ), line[:200]
    assert sum(labels.values()) == n
    assert "% of paragraphs" not in line[:300]


def test_versions_are_named_by_label_and_date_and_file_paths_are_not_shown(
    app: Flask, client: FlaskClient
) -> None:
    doc_id = _doc(app, title=UN_SERIES, kind="resolution")
    html = _page(client, f"/documents/{doc_id}")
    versions = _words(html.split('id="versions-h"', 1)[1].split("</ol>", 1)[0])
    assert "A/RES/78/180, adopted, 19 December 2023" in versions
    assert "A/RES/80/185, adopted, 15 December 2025" in versions
    assert not re.search(r"\bv\d\b", _words(html))
    assert "un/A_RES" not in html and ".txt" not in html


def test_compare_with_defaults_to_the_previous_version(app: Flask, client: FlaskClient) -> None:
    doc_id = _doc(app, title=UN_SERIES, kind="resolution")
    html = _page(client, f"/documents/{doc_id}")
    form = html.split('id="cross-from"', 1)[1].split("</select>", 1)[0]
    selected = re.findall(r'<option value="([^"]+)" selected>', form)
    assert selected == [f"{doc_id}:2"]  # the newest is 3: the one before it
    older = _page(client, f"/documents/{doc_id}?version=2")
    form = older.split('id="cross-from"', 1)[1].split("</select>", 1)[0]
    assert re.findall(r'<option value="([^"]+)" selected>', form) == [f"{doc_id}:1"]
    assert f'value="{doc_id}:3"' not in form  # only earlier versions: a comparison reads forward
    first = _page(client, f"/documents/{doc_id}?version=1")
    form = first.split('id="cross-from"', 1)[1].split("</select>", 1)[0]
    assert " selected>" not in form and "Other texts" in form


def test_import_notes_are_information_not_errors(app: Flask, client: FlaskClient) -> None:
    doc_id = _doc(app, symbol=PALERMO)
    with app.app_context():
        warnings = db.session.get(Document, doc_id).latest_version.warnings
    assert any("Dutch" in w for w in warnings)
    html = _page(client, f"/documents/{doc_id}")
    notes = html.split('id="import-notes"', 1)[1].split("</div>", 1)[0]
    assert 'class="notice" role="note"' in html
    for w in warnings:
        assert w in _words(notes)
    assert "flash-warning" not in html and "flash-error" not in html


def test_table_of_contents_lists_articles_or_operative_paragraphs(
    app: Flask, client: FlaskClient
) -> None:
    treaty = _doc(app, symbol=PALERMO)
    html = _page(client, f"/documents/{treaty}")
    toc = html.split('id="contents"', 1)[1].split("</nav>", 1)[0]
    links = re.findall(r'<a href="#(p\d+)">([^<]+)</a>', toc)
    assert any(text == "Article 5: Criminalization" for _, text in links), links[:8]
    assert all(f'id="{anchor}"' in html for anchor, _ in links)
    resolution = _doc(app, title=UN_SERIES, kind="resolution")
    with app.app_context():
        version = db.session.get(Document, resolution).latest_version
        operative = [p for p in version.paragraphs if p.kind == "operative" and not p.parent_id]
    toc = _page(client, f"/documents/{resolution}").split('id="contents"', 1)[1]
    toc = toc.split("</nav>", 1)[0]
    numbers = re.findall(r'aria-label="Paragraph ([^:"]+):', toc)
    assert numbers == [p.number for p in operative]
    assert ">Preamble</a>" in toc


# --- forms and messages ------------------------------------------------------------------------


def test_creating_a_document_and_saving_a_version_confirm_it(
    app: Flask, client: FlaskClient
) -> None:
    login(client, "negotiator")
    token = csrf_token(client, "/documents/new")
    created = client.post(
        "/documents/new",
        data={
            "csrf_token": token,
            "title": "Trafficking in women and girls",
            "forum": "un-third-committee",
            "symbol": "",
            "kind": "resolution",
            "status": "draft",
        },
        follow_redirects=True,
    )
    html = created.get_data(as_text=True)
    assert re.search(r'class="flash flash-success" role="status">Created: Trafficking', html)
    doc_id = int(re.search(r"/documents/(\d+)/upload", html).group(1))
    token = csrf_token(client, f"/documents/{doc_id}/upload")
    preview = client.post(
        f"/documents/{doc_id}/upload",
        data={
            "csrf_token": token,
            "text": "The General Assembly,\n1. Decides to act;\n2. Urges States to act;",
            "label": "zero draft",
            "date": "2025-10-01",
        },
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    form = _parse(preview)
    fields = {**form.hidden, "kind": form.kinds}
    saved = client.post(f"/documents/{doc_id}/upload/save", data=fields, follow_redirects=True)
    html = saved.get_data(as_text=True)
    assert saved.status_code == 200, html[:500]
    assert 'role="status">Saved: zero draft, 1 October 2025, 3 paragraphs.</p>' in html


def test_the_date_field_is_labelled_for_its_widget(app: Flask, client: FlaskClient) -> None:
    html = _page(client, f"/documents/{_doc(app, symbol=PALERMO)}/upload", "negotiator")
    label = _words(html.split('<label for="date">', 1)[1].split("</label>", 1)[0])
    assert 'id="date" name="date" type="date"' in html
    # A date widget shows the reader's own date format: the label promises none.
    assert "YYYY" not in label and label.startswith("Date the text bears")


def test_a_text_without_operative_paragraphs_is_not_summarised_as_operative(
    client: FlaskClient,
) -> None:
    """Preambular paragraphs only (the opening of A/RES/80/185): the summary counts every
    paragraph and says that none is operative."""
    login(client, "viewer")
    token = csrf_token(client, "/classify")
    opening = (DATA / "texts" / "un" / "A_RES_80_185.txt").read_text(encoding="utf-8")
    preamble = opening.split("\n1. ", 1)[0]
    response = client.post("/classify", data={"text": preamble, "csrf_token": token})
    line = _words(response.get_data(as_text=True).split('id="summary-line"', 1)[1])
    assert line.startswith("> No operative paragraph found: "), line[:120]
    assert " operative paragraphs are" not in line[:200]


def test_the_analyse_page_has_one_name(client: FlaskClient) -> None:
    html = _page(client, "/classify")
    assert "<title>Analyse a text · Multilateral</title>" in html
    assert "<h1>Analyse a text</h1>" in html
    assert '<a href="/classify">Analyse a text</a>' in html


# --- every page ------------------------------------------------------------------------------


def _every_page(app: Flask) -> list[str]:
    palermo = _doc(app, symbol=PALERMO)
    series = _doc(app, title=UN_SERIES, kind="resolution")
    return [
        "/",
        "/documents",
        f"/documents/{palermo}",
        f"/documents/{series}",
        f"/documents/{series}?version=1",
        f"/documents/{palermo}/upload",
        "/documents/new",
        "/classify",
        "/search",
        "/search?q=trafficking",
        "/treaties",
        "/treaties/palermo-protocol",
        "/countries/USA",
        f"/documents/{series}/versions/1/positions",
        "/admin/audit",
        "/admin/tokens",
        "/account/password",
    ]


#: What an internal path looks like: the instance folder, a home or work directory, a seed
#: file name, the lexicon's file.
INTERNAL_PATH = re.compile(
    r"instance/|/work/|/home/|/tmp/|nl_bwb_|un/A_|[\w./-]+\.(?:txt|toml|db)\b|multilateral/"
)


def test_no_page_shows_an_internal_file_path(app: Flask, client: FlaskClient) -> None:
    login(client, "admin")
    for path in _every_page(app):
        response = client.get(path)
        assert response.status_code == 200, path
        words = _words(response.get_data(as_text=True))
        found = INTERNAL_PATH.findall(words)
        assert not found, (path, found[:5])


def test_every_page_links_the_favicon_and_it_is_served(app: Flask, client: FlaskClient) -> None:
    login_page = client.get("/login").get_data(as_text=True)
    icons = [a for t, a in _tags(login_page) if t == "link" and a.get("rel") == "icon"]
    assert len(icons) == 1 and icons[0]["type"] == "image/svg+xml"
    with client.get(icons[0]["href"]) as icon:  # logged out: the login page shows it too
        assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
        assert icon.get_data(as_text=True).startswith("<svg")


def test_the_skip_link_comes_first(app: Flask, client: FlaskClient) -> None:
    html = _page(client, "/")
    body = html.split("<body>", 1)[1]
    first = re.search(r"<(a|button|input|select|textarea)\b[^>]*>", body)
    assert first and 'class="skip" href="#main"' in first.group(0)
    assert '<main id="main" tabindex="-1">' in html


def test_latest_versions_elsewhere_has_one_newest_version_per_other_document(app: Flask) -> None:
    with app.app_context():
        series = db.session.scalar(
            db.select(Document).filter_by(title=UN_SERIES, kind="resolution")
        )
        palermo = db.session.scalar(db.select(Document).filter_by(symbol=PALERMO))
        others = document_service.latest_versions_elsewhere(series)
        by_document = {v.document_id: v for v in others}
        assert len(by_document) == len(others)
        assert series.id not in by_document
        assert by_document[palermo.id].number == palermo.latest_version.number == 3
        total = db.session.scalar(db.select(db.func.count(db.distinct(Version.document_id))))
        assert len(others) == total - 1
