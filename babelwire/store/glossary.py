"""The glossary in the store: add, list, remove, export and import terms; the terms of a pair.

An entry says that ``term`` in ``source_lang`` must come out as ``translation`` in
``target_lang``, for every source (``source_id`` NULL) or for one source; a source's entry
overrides a global entry for the same term. Languages are stored as their primary subtag in
lower case (``fr-FR`` → ``fr``), terms and translations NFC with their spaces folded.

CSV (``export_csv``/``import_csv``): a header row ``source_lang,target_lang,term,translation,source``
then one entry per row; ``source`` is a source's URL or id, empty for every source.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from babelwire.languages import is_known
from babelwire.store.database import Store
from babelwire.store.models import GlossaryEntry, Source, utcnow
from babelwire.translate.glossary import normalise_term

CSV_COLUMNS = ("source_lang", "target_lang", "term", "translation", "source")
MAX_TERM_LENGTH = 300  # the columns' size
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")


class GlossaryError(ValueError):
    """A glossary entry that cannot be stored: the message says why."""


def language_code(value: str) -> str:
    """``fr``, ``FR``, ``fr-FR`` → ``fr``; raises GlossaryError for anything not a language tag."""
    value = (value or "").strip()
    if not _LANGUAGE.match(value):
        raise GlossaryError(f"not a language code: {value!r} (expected e.g. fr, en, pt-BR)")
    code = re.split(r"[-_]", value, maxsplit=1)[0].lower()
    if not is_known(code):  # well formed but no language babelwire knows ("xx")
        raise GlossaryError(f"unknown language code {value!r}")
    return code


def _translation_text(value: str) -> str:
    return " ".join(unicodedata.normalize("NFC", value or "").split())


def _checked(term: str, translation: str, source_lang: str, target_lang: str) -> tuple[str, str, str, str]:
    src, tgt = language_code(source_lang), language_code(target_lang)
    if src == tgt:
        raise GlossaryError(f"source and target language are both {src!r}")
    term, translation = normalise_term(term or ""), _translation_text(translation)
    if not term:
        raise GlossaryError("the term is empty")
    if not translation:
        raise GlossaryError(f"the translation of {term!r} is empty")
    for what, value in (("term", term), ("translation", translation)):
        if len(value) > MAX_TERM_LENGTH:
            raise GlossaryError(f"the {what} is longer than {MAX_TERM_LENGTH} characters")
        if not any(c.isalnum() for c in value):
            raise GlossaryError(f"the {what} {value!r} has no letter or digit")
    return term, translation, src, tgt


@dataclass(frozen=True, slots=True)
class Entry:
    """A glossary entry as read from the store."""

    id: int
    source_lang: str
    target_lang: str
    term: str
    translation: str
    source_id: int | None
    source_url: str | None
    created_at: datetime | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "source_lang": self.source_lang, "target_lang": self.target_lang,
            "term": self.term, "translation": self.translation, "source_id": self.source_id,
            "source": self.source_url, "created_at": self.created_at.isoformat() if self.created_at else None,
        }


def _entry(row: GlossaryEntry, url: str | None) -> Entry:
    return Entry(row.id, row.source_lang, row.target_lang, row.term, row.translation, row.source_id, url,
                 row.created_at)


def _find(session: Session, src: str, tgt: str, term: str, source_id: int | None) -> GlossaryEntry | None:
    query = select(GlossaryEntry).where(
        GlossaryEntry.source_lang == src, GlossaryEntry.target_lang == tgt, GlossaryEntry.term == term,
        GlossaryEntry.source_id.is_(None) if source_id is None else GlossaryEntry.source_id == source_id,
    )
    return session.scalar(query)


def _upsert(session: Session, term: str, translation: str, src: str, tgt: str,
            source_id: int | None) -> tuple[GlossaryEntry, bool]:
    """Add the entry, or change the translation of the existing one; (row, created)."""
    row = _find(session, src, tgt, term, source_id)
    if row is not None:
        row.translation = translation
        return row, False
    row = GlossaryEntry(source_lang=src, target_lang=tgt, term=term, translation=translation,
                        source_id=source_id, created_at=utcnow())
    session.add(row)
    session.flush()
    return row, True


def add_term(store: Store, term: str, translation: str, source_lang: str, target_lang: str, *,
             source_id: int | None = None) -> tuple[Entry, bool]:
    """Store ``term`` → ``translation`` (for every source, or for ``source_id``); an existing entry
    for the same term, pair and source gets the new translation. Returns (entry, created)."""
    term, translation, src, tgt = _checked(term, translation, source_lang, target_lang)
    with store.transaction() as session:
        url = None
        if source_id is not None:
            source = session.get(Source, source_id)
            if source is None:
                raise GlossaryError(f"no source {source_id}")
            url = source.url
        row, created = _upsert(session, term, translation, src, tgt, source_id)
        return _entry(row, url), created


def list_terms(store: Store, *, source_lang: str | None = None, target_lang: str | None = None,
               source_id: int | None = None) -> list[Entry]:
    """Entries by pair, then term (global before per-source); filtered when the arguments are given."""
    query = (select(GlossaryEntry, Source.url).outerjoin(Source, Source.id == GlossaryEntry.source_id)
             .order_by(GlossaryEntry.source_lang, GlossaryEntry.target_lang, GlossaryEntry.term,
                       GlossaryEntry.source_id.is_not(None), GlossaryEntry.source_id, GlossaryEntry.id))
    if source_lang:
        query = query.where(GlossaryEntry.source_lang == language_code(source_lang))
    if target_lang:
        query = query.where(GlossaryEntry.target_lang == language_code(target_lang))
    if source_id is not None:
        query = query.where(GlossaryEntry.source_id == source_id)
    with store.session() as session:
        return [_entry(row, url) for row, url in session.execute(query)]


def remove_terms(store: Store, refs: Sequence[str], *, source_lang: str | None = None,
                 target_lang: str | None = None) -> tuple[list[Entry], list[str]]:
    """Delete entries by id or by term (every pair and source holding it, narrowed by the language
    arguments). Returns (removed entries, refs that matched nothing)."""
    removed: list[Entry] = []
    unmatched: list[str] = []
    src = language_code(source_lang) if source_lang else None
    tgt = language_code(target_lang) if target_lang else None
    with store.transaction() as session:
        for ref in refs:
            ref = ref.strip()
            rows: list[GlossaryEntry] = []
            if ref.isdigit():
                row = session.get(GlossaryEntry, int(ref))
                if row is not None and (src is None or row.source_lang == src) and \
                        (tgt is None or row.target_lang == tgt):
                    rows = [row]
            if not rows:  # a term, also when it is made of digits and no id matched
                query = select(GlossaryEntry).where(GlossaryEntry.term == normalise_term(ref))
                if src:
                    query = query.where(GlossaryEntry.source_lang == src)
                if tgt:
                    query = query.where(GlossaryEntry.target_lang == tgt)
                rows = list(session.scalars(query.order_by(GlossaryEntry.id)))
            if not rows:
                unmatched.append(ref)
            for row in rows:
                url = session.scalar(select(Source.url).where(Source.id == row.source_id)) if row.source_id else None
                removed.append(_entry(row, url))
                session.delete(row)
    return removed, unmatched


def glossary_terms(store: Store, source_lang: str, target_lang: str,
                   source_id: int | None = None) -> dict[str, str]:
    """term → required translation for a pair: the global entries, overridden by those of
    ``source_id`` when given. What ``translate.names.protect`` takes."""
    src, tgt = language_code(source_lang), language_code(target_lang)
    query = select(GlossaryEntry.term, GlossaryEntry.translation, GlossaryEntry.source_id).where(
        GlossaryEntry.source_lang == src, GlossaryEntry.target_lang == tgt)
    if source_id is None:
        query = query.where(GlossaryEntry.source_id.is_(None))
    else:
        query = query.where(or_(GlossaryEntry.source_id.is_(None), GlossaryEntry.source_id == source_id))
    terms: dict[str, str] = {}
    with store.session() as session:
        # Global entries first, so the source's own entries overwrite them.
        for term, translation, _sid in sorted(session.execute(query), key=lambda r: r[2] is not None):
            terms[term] = translation
    return terms


# -- CSV -------------------------------------------------------------------------------------------

def export_csv(store: Store) -> str:
    """Every entry as CSV text (header ``source_lang,target_lang,term,translation,source``)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for e in list_terms(store):
        writer.writerow([e.source_lang, e.target_lang, e.term, e.translation, e.source_url or ""])
    return out.getvalue()


@dataclass(slots=True)
class ImportResult:
    """What ``import_csv`` did, or (``errors``) why it did nothing."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[tuple[int, str]] | None = None  # (line number, reason)


def _source_id(session: Session, ref: str) -> int | None:
    """A source by id or URL: as stored, else normalised like ``source add`` does."""
    if ref.isdigit():
        return int(ref) if session.get(Source, int(ref)) is not None else None
    found = session.scalar(select(Source.id).where(Source.url == ref))
    if found is None:
        from babelwire.urls import normalise_url

        found = session.scalar(select(Source.id).where(Source.url == normalise_url(ref)))
    return found


def find_source_id(store: Store, ref: str) -> int | None:
    """The id of the source with that id or URL, or None."""
    with store.session() as session:
        return _source_id(session, ref.strip())


def import_csv(store: Store, text: str) -> ImportResult:
    """Add or update the entries of a CSV text. All or nothing: when any row is bad, nothing is
    stored and ``errors`` lists every bad row by its line number (the header is line 1)."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        return ImportResult(errors=[(1, f"empty file: expected the header {','.join(CSV_COLUMNS)}")])
    except csv.Error as exc:
        return ImportResult(errors=[(1, f"unreadable CSV: {exc}")])
    if header[:4] != list(CSV_COLUMNS[:4]) or header[4:] not in ([], ["source"]):
        return ImportResult(errors=[(1, f"expected the header {','.join(CSV_COLUMNS)}, found {','.join(header)}")])
    errors: list[tuple[int, str]] = []
    parsed: list[tuple[int, str, str, str, str, str]] = []
    try:
        numbered = list(_numbered(reader))
    except csv.Error as exc:
        return ImportResult(errors=[(reader.line_num, f"unreadable CSV: {exc}")])
    for line, fields in numbered:
        if not any(f.strip() for f in fields):
            continue  # blank line
        if len(fields) < 4 or len(fields) > 5:
            errors.append((line, f"expected 4 or 5 columns ({','.join(CSV_COLUMNS)}), found {len(fields)}"))
            continue
        src_lang, tgt_lang, term, translation = fields[:4]
        source = fields[4].strip() if len(fields) == 5 else ""
        try:
            term, translation, src, tgt = _checked(term, translation, src_lang, tgt_lang)
        except GlossaryError as exc:
            errors.append((line, str(exc)))
            continue
        parsed.append((line, src, tgt, term, translation, source))
    result = ImportResult()
    with store.transaction() as session:
        seen: dict[tuple[str, str, str, int | None], tuple[int, str]] = {}
        resolved: list[tuple[str, str, str, str, int | None]] = []
        for line, src, tgt, term, translation, source in parsed:
            source_id = None
            if source:
                source_id = _source_id(session, source)
                if source_id is None:
                    errors.append((line, f"no source {source!r} (give a source's id or URL, or leave it empty)"))
                    continue
            key = (src, tgt, term, source_id)
            if key in seen and seen[key][1] != translation:
                errors.append((line, f"{term!r} is already given another translation on line {seen[key][0]}"))
                continue
            seen[key] = (line, translation)
            resolved.append((src, tgt, term, translation, source_id))
        if errors:
            result.errors = sorted(errors)
            return result
        for src, tgt, term, translation, source_id in resolved:
            existing = _find(session, src, tgt, term, source_id)
            if existing is not None and existing.translation == translation:
                result.unchanged += 1
                continue
            _row, created = _upsert(session, term, translation, src, tgt, source_id)
            if created:
                result.added += 1
            else:
                result.updated += 1
    return result


def _numbered(reader: Any) -> Iterable[tuple[int, list[str]]]:
    """(line number where the row starts, fields) for each row of a csv.reader past its header."""
    start = reader.line_num + 1
    for fields in reader:
        yield start, fields
        start = reader.line_num + 1
