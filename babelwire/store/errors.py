"""Recorded failures, newest first, for ``babelwire errors``."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from babelwire.store.database import Store
from babelwire.store.models import ErrorRecord


def recent_errors(store: Store, limit: int) -> list[dict[str, Any]]:
    """The ``limit`` newest failures: when (ISO time), stage, source and article ids, URL, reason."""
    with store.session() as session:
        rows = session.scalars(select(ErrorRecord).order_by(ErrorRecord.id.desc()).limit(limit)).all()
        return [{"at": r.at.isoformat(), "stage": r.stage, "source_id": r.source_id, "article_id": r.article_id,
                 "url": r.url, "reason": r.reason} for r in rows]
