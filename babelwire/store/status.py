"""What ``babelwire status`` reads from the store: the fetch queue's depth and the newest errors."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from babelwire.store.database import Store
from babelwire.store.models import ErrorRecord, QueueItem


@dataclass(frozen=True)
class RecentError:
    """One recorded failure, as the status shows it."""

    at: datetime
    stage: str
    url: str | None
    reason: str


@dataclass(frozen=True)
class FetchQueueStatus:
    """URLs waiting to be fetched (``pending``), those given up on, and the newest ``errors``."""

    pending: int
    given_up: int
    errors: list[RecentError]


def fetch_queue_status(store: Store, *, recent_errors: int) -> FetchQueueStatus:
    """The fetch queue's counts and the ``recent_errors`` newest errors (newest first), in one read."""
    with store.session() as session:
        pending = session.scalar(select(func.count(QueueItem.id)).where(QueueItem.gave_up_at.is_(None))) or 0
        given_up = session.scalar(select(func.count(QueueItem.id)).where(QueueItem.gave_up_at.is_not(None))) or 0
        errors = session.execute(
            select(ErrorRecord.at, ErrorRecord.stage, ErrorRecord.url, ErrorRecord.reason)
            .order_by(ErrorRecord.at.desc(), ErrorRecord.id.desc()).limit(recent_errors)
        ).all()
    return FetchQueueStatus(pending=pending, given_up=given_up,
                            errors=[RecentError(at, stage, url, reason) for at, stage, url, reason in errors])
