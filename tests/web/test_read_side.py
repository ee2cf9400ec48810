"""The read side: one typed read model per thing, one builder per page kind, web → store only."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from pydantic import ValidationError

from babelwire.store import queries
from babelwire.store.readmodels import ArticleDetail, ArticleSummary, StoryArticle, StoryDetail
from babelwire.web import views
from tests.web.conftest import Newsroom

FR = ["Le Conseil OTAN-Russie s'est réuni à Bruxelles. « Nous ne céderons pas », a déclaré Alexandre Grouchko.",
      "Intertitre", "Les discussions reprendront la semaine prochaine."]
EN = ["The NATO-Russia Council met in Brussels. “We will not give in,” said Alexander Grushko.",
      "Subheading", "Talks will resume next week."]
WEB = Path(views.__file__).resolve().parent
# What the web layer may import from babelwire: the store and its read models, the one-concept
# modules, and itself. Admin write endpoints (adding a source probes its URL) are the exception.
ALLOWED = ("babelwire.store", "babelwire.web", "babelwire.languages", "babelwire.flags", "babelwire.document",
           "babelwire.config", "babelwire.errors", "babelwire.urls")
ADMIN_ONLY = {("api.py", "babelwire.fetch"), ("api.py", "babelwire.pipeline.subscriptions")}


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module if node.module != "babelwire" else f"babelwire.{node.names[0].name}")
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name.startswith("babelwire")}


@pytest.mark.parametrize("module", ["views.py", "api.py", "pages.py", "feeds.py", "schemas.py", "rendering.py"])
def test_the_read_side_of_web_imports_only_the_store_and_one_concept_modules(module: str) -> None:
    bad = {name for name in _imports(WEB / module)
           if not name.startswith(ALLOWED) and name != "babelwire.__version__" and (module, name) not in ADMIN_ONLY}
    assert bad == set(), f"web/{module} imports {sorted(bad)}"


def test_a_lone_article_is_a_story_of_one_by_the_same_builder(store, newsroom: Newsroom) -> None:
    source = newsroom.source()
    article = newsroom.article(source, "Réunion OTAN-Russie", FR, translation=("NATO-Russia meeting", EN),
                               block_types=["paragraph", "heading", "paragraph"])
    story_id, alone = views.story_of_article(store, article, target="en")
    assert story_id is None and isinstance(alone, StoryDetail) and alone.id is None
    (item,) = alone.articles
    assert isinstance(item, StoryArticle) and item.translated_title == "NATO-Russia meeting"
    assert item.lead == EN[0] and item.translation_target == "en"
    assert alone.title == "NATO-Russia meeting" and alone.start_at == alone.end_at == item.published
    assert alone.article_count == 1 and alone.outlets == ["Le Journal"] and alone.languages == ["fr"]

    story = newsroom.story("Une histoire", [article])
    assert views.story_of_article(store, article, target="en") == (story, None)
    grouped = views.story_page(store, story, target="en")
    assert grouped is not None and grouped.id == story
    # The same article by the same rules (title, lead, quotations, dates) in a story of one.
    assert grouped.articles == alone.articles
    assert (grouped.article_count, grouped.outlets, grouped.languages) == (1, alone.outlets, alone.languages)
    assert views.story_of_article(store, 12345, target="en") == (None, None)


def test_the_api_serves_the_read_models_the_pages_render(client, store, newsroom: Newsroom) -> None:
    source = newsroom.source()
    article = newsroom.article(source, "Réunion OTAN-Russie", FR, translation=("NATO-Russia meeting", EN),
                               flags=[["numbers"], [], []])
    detail = views.article_page(store, article, target="en", diffs=False)
    assert isinstance(detail, ArticleDetail)
    assert client.get(f"/api/articles/{article}").json() == detail.model_dump(mode="json")
    (summary,) = queries.latest_articles(store, target="en")
    assert isinstance(summary, ArticleSummary) and summary.translated_title == "NATO-Russia meeting"
    assert client.get("/api/articles").json()["items"] == [summary.model_dump(mode="json")]
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    assert set(schemas["ArticleDetail"]["properties"]) == set(ArticleDetail.model_json_schema(
        mode="serialization")["properties"])
    with pytest.raises(ValidationError):  # frozen: nobody edits a read model on its way to a page
        detail.title = "changed"  # type: ignore[misc]


def test_stored_documents_keep_their_text_as_a_computed_field(store, newsroom: Newsroom) -> None:
    article = newsroom.article(newsroom.source(), "Titre", FR, translation=("Title", EN))
    record = queries.article_record(store, article)
    assert record is not None
    (revision,) = record.revisions
    assert revision.document.text == "\n\n".join(FR)
    assert revision.model_dump(mode="json")["document"]["text"] == "\n\n".join(FR)
    assert revision.translations[0].document.text == "\n\n".join(EN)


def test_a_story_shows_each_article_in_the_translation_it_was_grouped_by(store, newsroom: Newsroom) -> None:
    """Without a target, a story shows the translation named by the article's grouping basis
    (read from the stored features without loading their term vectors), else the first."""
    from babelwire.store.models import Article, Revision, Translation

    source = newsroom.source("Le Journal")
    first = newsroom.article(source, "Le chat", ["Le chat dort."], translation=("The cat", ["The cat sleeps."]))
    second = newsroom.article(source, "Le chien", ["Le chien dort."], translation=("The dog", ["The dog sleeps."]))
    story = newsroom.story("Animals", [first, second])
    with store.transaction() as session:
        revision = session.query(Revision).filter_by(article_id=first).one()
        german = Translation(revision_id=revision.id, target="de", engine="ct2", engine_id="ct2:x", model="x",
                             document={"title": "Die Katze", "blocks": [{"type": "paragraph", "text": "Sie schläft."}]},
                             flags={"title": [], "blocks": [[]]}, sentences=1, from_memory=0)
        session.add(german)
        session.flush()
        session.get(Article, first).story_features = {"basis": f"r{revision.id}:t{german.id}",
                                                      "terms": {f"w{i}": 1.0 for i in range(500)}}
    detail = queries.story_detail(store, story_id=story)
    shown = {a.id: (a.translated_title, a.translation_target) for a in detail.articles}
    assert shown == {first: ("Die Katze", "de"), second: ("The dog", "en")}
    asked = queries.story_detail(store, story_id=story, target="en")
    assert {a.id: a.translated_title for a in asked.articles} == {first: "The cat", second: "The dog"}


def test_every_page_links_its_json_twin_under_the_current_api_version(client, newsroom: Newsroom) -> None:
    import re

    source = newsroom.source("Le Journal")
    first = newsroom.article(source, "Le chat", ["Le chat dort."], translation=("The cat", ["The cat sleeps."]))
    second = newsroom.article(source, "Le chien", ["Le chien dort."], translation=("The dog", ["The dog sleeps."]))
    story = newsroom.story("Animals", [first, second])
    for page in ("/", f"/articles/{first}", f"/stories/{story}", f"/articles/{first}/story", "/sources",
                 "/search?q=cat"):
        html = client.get(page).text
        (twin,) = re.findall(r'Also as <a href="([^"]+)">JSON</a>', html)
        twin = twin.replace("&amp;", "&")
        assert twin.startswith("/api/v1/"), (page, twin)
        answer = client.get(twin)
        assert answer.status_code == 200 and answer.headers["content-type"].startswith("application/json"), twin
