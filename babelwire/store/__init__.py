"""The store: SQLAlchemy tables, Alembic migrations, and the queries the stages share."""

from babelwire.store.database import Store

__all__ = ["Store"]
