"""What the JSON API has beyond the read models (``store.readmodels``): paging envelopes and the
admin endpoints' request and answer."""

from __future__ import annotations

from pydantic import BaseModel, Field

from babelwire.store.readmodels import ArticleSummary, SearchHit, StorySummary


class ArticlePage(BaseModel):
    items: list[ArticleSummary]
    limit: int
    offset: int
    next: str | None = Field(description="URL of the next page, null on the last.")
    previous: str | None


class StoryPage(BaseModel):
    items: list[StorySummary]
    limit: int
    offset: int
    next: str | None
    previous: str | None


class SearchPage(BaseModel):
    q: str
    items: list[SearchHit]
    limit: int
    offset: int
    next: str | None
    previous: str | None


class NewSource(BaseModel):
    # Limits of the store's columns, checked here so an over-long value is a 422, not a database error.
    url: str = Field(min_length=1, max_length=2048, pattern=r"^https?://\S+$",
                     description="A feed, sitemap, article page, or site home page (its feed is discovered).")
    name: str | None = Field(default=None, max_length=300)
    lang: str | None = Field(default=None, max_length=16, pattern=r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$",
                             description="Language of the source; default: detect.")
    every: str | None = Field(default=None, max_length=16, description="Poll interval, e.g. 15m, 2h.")


class CreatedSource(BaseModel):
    id: int
    name: str
    url: str
    kind: str
    language: str | None
    interval: float
