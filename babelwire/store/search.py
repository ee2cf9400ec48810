"""Full-text search over originals and translations: SQLite FTS5 or PostgreSQL tsvector.

The index holds, per article, the title and text of its newest revision and of that revision's
translations. Triggers created by migration 0003 keep it current on every insert or delete of a
revision or translation, so writers need not call anything; ``index_article`` rebuilds one
article's rows by hand (repairs, tests).
"""

from __future__ import annotations

import re
from typing import Any

from markupsafe import Markup, escape
from sqlalchemy import bindparam, text
from sqlalchemy.orm import Session

from babelwire.store.database import Store

SLOTS = 64  # SQLite rowid = article_id * SLOTS + slot (0: original, 1..63: translations)
MAX_TERMS = 12
_START, _STOP = "\x02", "\x03"
_WORD = re.compile(r"\w+", re.UNICODE)

_SQLITE_BODY = "(SELECT group_concat(json_extract(b.value, '$.text'), char(10)) FROM json_each({doc}, '$.blocks') b)"
_SQLITE_NEWEST = "(SELECT id FROM revisions WHERE article_id = :a ORDER BY number DESC LIMIT 1)"
_SQLITE_REINDEX = [
    f"DELETE FROM search_index WHERE rowid BETWEEN :a * {SLOTS} AND :a * {SLOTS} + {SLOTS - 1}",
    "INSERT INTO search_index(rowid, title, body, lang) "
    f"SELECT r.article_id * {SLOTS}, json_extract(r.document, '$.title'), {_SQLITE_BODY.format(doc='r.document')}, "
    f"json_extract(r.document, '$.language') FROM revisions r WHERE r.id = {_SQLITE_NEWEST}",
    "INSERT INTO search_index(rowid, title, body, lang) "
    f"SELECT r.article_id * {SLOTS} + row_number() OVER (ORDER BY t.id), json_extract(t.document, '$.title'), "
    f"{_SQLITE_BODY.format(doc='t.document')}, t.target FROM translations t JOIN revisions r ON r.id = t.revision_id "
    f"WHERE t.revision_id = {_SQLITE_NEWEST} ORDER BY t.id LIMIT {SLOTS - 1}",
]


def index_article(session: Session, article_id: int) -> None:
    """Re-index the title and text of an article's newest revision and its translations."""
    if session.get_bind().dialect.name == "sqlite":
        for statement in _SQLITE_REINDEX:
            session.execute(text(statement), {"a": article_id})
    else:
        session.execute(text("SELECT babelwire_reindex_article(:a)"), {"a": article_id})


def fts5_query(q: str) -> str:
    """User input as an FTS5 query that cannot be malformed: every word a quoted phrase, ANDed."""
    terms = _WORD.findall(q)[:MAX_TERMS]
    return " ".join('"' + term.replace('"', '""') + '"' for term in terms)


def marked_html(fragment: str | None) -> Markup:
    """Escape a snippet whose matches are wrapped in \\x02...\\x03, turning them into <mark>."""
    out: list[str] = []
    open_mark = False
    for char_run in re.split(f"([{_START}{_STOP}])", fragment or ""):
        if char_run == _START and not open_mark:
            out.append("<mark>")
            open_mark = True
        elif char_run == _STOP and open_mark:
            out.append("</mark>")
            open_mark = False
        elif char_run not in (_START, _STOP):
            out.append(str(escape(char_run)))
    if open_mark:
        out.append("</mark>")
    return Markup("".join(out))


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def search(store: Store, q: str, *, limit: int = 30, offset: int = 0) -> list[dict[str, Any]]:
    """Articles matching ``q``, best first, one hit per article with the matching language and a
    highlighted snippet: [{article_id, lang, title, snippet (HTML), score}]. Control characters in
    ``q`` are spaces (PostgreSQL refuses a NUL in any text; no text indexed holds one)."""
    q = _CONTROL.sub(" ", q)
    if store.is_sqlite:
        return _search_sqlite(store, q, limit, offset)
    return _search_postgresql(store, q, limit, offset)


def _search_sqlite(store: Store, q: str, limit: int, offset: int) -> list[dict[str, Any]]:
    match = fts5_query(q)
    if not match:
        return []
    # Several rows (original, translations) can match one article: read enough rows to fill the
    # page after keeping the best per article. Ranking reads every match, so the snippets (the
    # costly part) are made in a second query, for the page's rows only.
    wanted = offset + limit
    ranked = text(
        "SELECT rowid AS rid, lang, title, bm25(search_index, 4.0, 1.0) AS score FROM search_index "
        "WHERE search_index MATCH :match ORDER BY score LIMIT :n"
    )
    with store.session() as session:
        rows = session.execute(ranked, {"match": match, "n": wanted * 4 + 8}).all()
        best: dict[int, Any] = {}
        for row in rows:
            best.setdefault(row.rid // SLOTS, row)
        page = list(best.values())[offset:wanted]
        if not page:
            return []
        snippets = text(
            "SELECT s.rowid AS rid, snippet(search_index, 1, :start, :stop, '…', 24) AS snip "
            "FROM search_index s JOIN articles a ON a.id = s.rowid / :slots "
            "WHERE search_index MATCH :match AND s.rowid IN :rids"
        ).bindparams(bindparam("rids", expanding=True))
        snips = dict(session.execute(snippets, {"start": _START, "stop": _STOP, "slots": SLOTS, "match": match,
                                               "rids": [row.rid for row in page]}).all())
    return [{"article_id": row.rid // SLOTS, "lang": row.lang, "title": row.title,
             "snippet": marked_html(snips[row.rid]), "score": -float(row.score)}
            for row in page if row.rid in snips]  # an article deleted meanwhile has no snippet row


def _search_postgresql(store: Store, q: str, limit: int, offset: int) -> list[dict[str, Any]]:
    if not _WORD.search(q):
        return []
    # websearch_to_tsquery accepts any input ("quotes", or, -minus) without syntax errors.
    sql = text(
        "WITH query AS (SELECT websearch_to_tsquery('simple', :q) AS q), "
        "best AS (SELECT DISTINCT ON (d.article_id) d.article_id, d.lang, d.title, d.body, "
        "         ts_rank(d.tsv, query.q) AS score "
        "  FROM search_documents d, query WHERE d.tsv @@ query.q ORDER BY d.article_id, score DESC), "
        "page AS (SELECT * FROM best ORDER BY score DESC, article_id DESC LIMIT :limit OFFSET :offset) "
        "SELECT page.article_id, page.lang, page.title, page.score, "
        "       ts_headline('simple', coalesce(page.body, ''), query.q, :options) AS snip "
        "FROM page, query ORDER BY page.score DESC, page.article_id DESC"
    )
    options = f"StartSel={_START}, StopSel={_STOP}, MaxWords=30, MinWords=12, ShortWord=2"
    with store.session() as session:
        rows = session.execute(sql, {"q": q[:500], "limit": limit, "offset": offset, "options": options}).all()
    return [
        {"article_id": row.article_id, "lang": row.lang, "title": row.title, "snippet": marked_html(row.snip),
         "score": float(row.score)}
        for row in rows
    ]
