"""A hostile outlet (markup in titles and text, javascript: links, handlers) renders inert, under a
strict Content-Security-Policy."""

from __future__ import annotations

import feedparser
import lxml.html
import pytest

from babelwire.store import Store
from babelwire.store.models import Article, Revision, Source, Translation

PAYLOAD = "alert(document.cookie)"
TITLE = f"<b>Titre</b><script>{PAYLOAD}</script><img src=x onerror=\"{PAYLOAD}\">"
BLOCKS = [f"<script>{PAYLOAD}</script> Un paragraphe.", f"<img src=x onerror=\"{PAYLOAD}\"> Deuxième.",
          f"<a href=\"javascript:{PAYLOAD}\">cliquez</a>", f"\"><svg onload=\"{PAYLOAD}\"> Fin."]


@pytest.fixture
def hostile(store: Store) -> int:
    document = {"title": TITLE, "language": "fr", "blocks": [{"type": "paragraph", "text": t} for t in BLOCKS]}
    with store.transaction() as session:
        source = Source(url=f"javascript:{PAYLOAD}", kind="page", name=f"<script>{PAYLOAD}</script>Hostile",
                        language="fr", interval=60.0, consecutive_failures=1, translate=True,
                        last_error=f"<img src=x onerror=\"{PAYLOAD}\">")
        session.add(source)
        session.flush()
        article = Article(url=f"javascript:{PAYLOAD}//x", source_id=source.id, title=TITLE, language="fr",
                          consecutive_failures=0)
        session.add(article)
        session.flush()
        revision = Revision(article_id=article.id, number=1, content_hash="h", document=document)
        session.add(revision)
        session.flush()
        session.add(Translation(revision_id=revision.id, target="en", engine="<script>x</script>",
                                engine_id="x", model=f"<img src=x onerror=\"{PAYLOAD}\">",
                                document={**document, "title": TITLE + " (en)"},
                                flags={"title": [f"<script>{PAYLOAD}</script>"],
                                       "blocks": [["numbers"], [f"<b onmouseover=\"{PAYLOAD}\">x</b>"], [], []]}))
        return article.id


def _assert_inert(html: str) -> None:
    assert "<script" not in html.lower()
    tree = lxml.html.document_fromstring(html)
    assert not tree.xpath("//script | //iframe | //object | //embed | //svg | //img")
    for element in tree.iter():
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), (element.tag, name)
            assert not value.strip().lower().startswith("javascript:"), (element.tag, name, value)


def test_hostile_article_renders_inert_everywhere(client, hostile):
    for path in ["/", f"/articles/{hostile}", f"/articles/{hostile}/story", "/sources", "/search?q=paragraphe"]:
        response = client.get(path)
        assert response.status_code == 200, path
        _assert_inert(response.text)
    page = client.get(f"/articles/{hostile}").text
    assert "&lt;b&gt;Titre&lt;/b&gt;" in page  # the title's markup is shown as text
    assert "Original address: <code>javascript:" in page  # shown as text, not as a link


def test_hostile_article_in_feeds_and_api(client, hostile):
    feed = feedparser.parse(client.get("/feeds/all.atom").content)
    assert not feed.bozo
    (entry,) = feed.entries
    _assert_inert(f"<div>{entry.content[0].value}</div>")
    assert not any(link.href.startswith("javascript:") for link in entry.links)
    data = client.get(f"/api/articles/{hostile}").json()
    assert data["title"] == TITLE  # JSON carries the text verbatim; escaping is the renderer's job


def test_security_headers_on_every_answer(client, hostile):
    for path in ["/", f"/articles/{hostile}", "/api/articles", "/feeds/all.atom", "/static/style.css",
                 "/articles/999"]:
        headers = client.get(path).headers
        csp = headers["content-security-policy"]
        for directive in ["default-src 'self'", "script-src 'self'", "object-src 'none'", "base-uri 'none'",
                          "frame-ancestors 'none'"]:
            assert directive in csp, (path, directive)
        assert "unsafe-inline" not in csp
        assert headers["x-content-type-options"] == "nosniff" and headers["referrer-policy"]
