"""Content-Encoding decoding with a ceiling on the output (gzip and deflate bombs).

httpx would decode for us, but only after the fact: a 50 KB gzip body can inflate to
gigabytes. Here every decompress call is told how much output it may still produce, so memory
never exceeds the limit by more than one byte.
"""

from __future__ import annotations

import zlib
from typing import Protocol

from babelwire.errors import FetchError, TooLargeError, UnsupportedContentError

try:  # brotli is optional; "br" is only advertised in Accept-Encoding when it is importable
    import brotli  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - depends on the environment
    brotli = None

ACCEPT_ENCODING = "gzip, deflate, br" if brotli is not None else "gzip, deflate"
_CORRUPT: tuple[type[Exception], ...] = (zlib.error, brotli.error) if brotli is not None else (zlib.error,)


def describe_size(limit: int) -> str:
    """``10 MiB`` / ``512 KiB`` / ``100 bytes`` for reasons shown to users."""
    for unit, size in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if limit >= size and limit % size == 0:
            return f"{limit // size} {unit}"
    return f"{limit} bytes"


class _Stage(Protocol):
    def feed(self, data: bytes, budget: int) -> bytes: ...
    def finish(self, budget: int) -> bytes: ...


class _Zlib:
    """gzip (possibly multi-member) or deflate (zlib-wrapped, or raw as some servers send it)."""

    def __init__(self, gzip: bool) -> None:
        self.gzip = gzip
        self.raw_tried = False
        self.obj = zlib.decompressobj(16 + zlib.MAX_WBITS if gzip else zlib.MAX_WBITS)

    def feed(self, data: bytes, budget: int) -> bytes:
        out = b""
        while data:
            try:
                chunk = self.obj.decompress(data, budget - len(out) + 1)
            except zlib.error:
                if self.gzip or self.raw_tried or out:
                    raise
                # "deflate" is often raw DEFLATE without the zlib header: retry once as raw.
                self.raw_tried = True
                self.obj = zlib.decompressobj(-zlib.MAX_WBITS)
                continue
            self.raw_tried = True
            out += chunk
            if len(out) > budget:
                return out  # caller raises TooLargeError
            data = self.obj.unconsumed_tail
            if self.obj.eof and self.obj.unused_data and self.gzip:
                data = self.obj.unused_data  # next gzip member
                self.obj = zlib.decompressobj(16 + zlib.MAX_WBITS)
        return out

    def finish(self, budget: int) -> bytes:
        return self.obj.flush()


class _Brotli:
    def __init__(self) -> None:
        self.obj = brotli.Decompressor()

    def feed(self, data: bytes, budget: int) -> bytes:
        # brotli's API has no output ceiling: checked per chunk (chunks are a few KB).
        return self.obj.process(data)

    def finish(self, budget: int) -> bytes:
        return b""


class _Identity:
    def feed(self, data: bytes, budget: int) -> bytes:
        return data

    def finish(self, budget: int) -> bytes:
        return b""


def _stage(name: str) -> _Stage:
    if name in ("gzip", "x-gzip"):
        return _Zlib(gzip=True)
    if name == "deflate":
        return _Zlib(gzip=False)
    if name == "br" and brotli is not None:
        return _Brotli()
    if name in ("identity", ""):
        return _Identity()
    raise UnsupportedContentError(f"unsupported content encoding {name}")


class BoundedDecoder:
    """Undo a Content-Encoding header, chunk by chunk, refusing output beyond ``limit`` bytes."""

    def __init__(self, content_encoding: str | None, limit: int) -> None:
        names = [part.strip().lower() for part in (content_encoding or "").split(",") if part.strip()]
        # Encodings are listed in the order they were applied: undo them in reverse.
        self.stages = [_stage(name) for name in reversed(names)]
        self.limit = limit
        self.produced = 0
        self.label = ", ".join(names) or "identity"

    def _run(self, data: bytes, final: bool) -> bytes:
        try:
            for stage in self.stages:
                budget = self.limit - self.produced
                data = stage.feed(data, budget) if data else b""
                if final:
                    data += stage.finish(budget)
                if len(data) > budget:
                    raise TooLargeError(f"decompressed body larger than {describe_size(self.limit)}")
        except _CORRUPT as exc:
            raise FetchError(f"body is not valid {self.label}: {exc}") from exc
        self.produced += len(data)
        return data

    def feed(self, data: bytes) -> bytes:
        """Decode the next raw chunk."""
        return self._run(data, final=False)

    def finish(self) -> bytes:
        """Flush what the decoders still hold at the end of the body."""
        return self._run(b"", final=True)


GZIP_MAGIC = b"\x1f\x8b"


def gunzip(content: bytes, max_bytes: int, *, url: str | None = None) -> bytes:
    """``content`` decompressed when it starts with the gzip magic (every member of a
    concatenated file), refusing more than ``max_bytes`` of output: a gzip bomb stops there, not
    in memory. Other content is returned as it is. The one bounded gunzip of babelwire: HTTP
    bodies stream through the same ``_Zlib`` stage (``Decoder``), files (``sitemap.xml.gz``, a
    ``page.html.gz`` given to ``babelwire extract``) come here."""
    if not content.startswith(GZIP_MAGIC):
        return content
    stage = _Zlib(gzip=True)
    try:
        out = stage.feed(content, max_bytes)
        if len(out) > max_bytes:
            raise TooLargeError(f"content exceeds {describe_size(max_bytes)} once decompressed", url=url)
        if not stage.obj.eof:
            raise FetchError("truncated gzip data", url=url)
    except zlib.error as exc:
        raise FetchError(f"corrupt gzip data: {exc}", url=url) from exc
    return out
