"""Recorded failures: :func:`record_error` writes one (in the caller's transaction), :func:`recent_errors`
lists them newest first for ``babelwire errors``."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from babelwire.store.database import Store
from babelwire.store.limits import cut_url_for_display
from babelwire.store.models import ErrorRecord

log = logging.getLogger(__name__)


def record_error(
    session: Session, stage: str, reason: str, *, source_id: int | None = None,
    article_id: int | None = None, url: str | None = None,
) -> None:
    """Record a failure a user should see (which stage, source, article, URL, why) and log it."""
    # An error about an over-long URL must still be storable: the URL is cut to fit its column,
    # and NUL characters (PostgreSQL refuses them in text) are dropped.
    url = cut_url_for_display(url.replace("\x00", "")) if url else url
    reason = reason.replace("\x00", "")
    session.add(ErrorRecord(stage=stage, reason=reason, source_id=source_id, article_id=article_id, url=url))
    log.warning("%s error: %s", stage, reason, extra={"source_id": source_id, "article_id": article_id, "url": url})


def recent_errors(store: Store, limit: int) -> list[dict[str, Any]]:
    """The ``limit`` newest failures: when (ISO time), stage, source and article ids, URL, reason."""
    with store.session() as session:
        rows = session.scalars(select(ErrorRecord).order_by(ErrorRecord.id.desc()).limit(limit)).all()
        return [{"at": r.at.isoformat(), "stage": r.stage, "source_id": r.source_id, "article_id": r.article_id,
                 "url": r.url, "reason": r.reason} for r in rows]
