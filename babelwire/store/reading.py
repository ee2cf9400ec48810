"""Compatibility: the reader's store and change stamp now live in ``store.queries``."""

from __future__ import annotations

from babelwire.store.queries import ReadStore, change_stamp

__all__ = ["ReadStore", "change_stamp"]
