"""What a successful fetch returns."""

from __future__ import annotations

from dataclasses import dataclass, field

from babelwire.fetch.encoding import decode_text


@dataclass
class FetchResult:
    """A fetched body (after Content-Encoding decoding) and what the server said about it."""

    url: str  # as requested
    final_url: str  # after redirects
    status: int  # 200..299, or 304
    content: bytes  # b"" on 304
    content_type: str  # media type without parameters, lower-case; "" if none
    headers: dict[str, str]  # lower-case names
    etag: str | None = None
    last_modified: str | None = None
    redirects: list[str] = field(default_factory=list)
    elapsed: float = 0.0
    _decoded: tuple[str, str] | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def not_modified(self) -> bool:
        """True when a conditional GET was answered 304 Not Modified."""
        return self.status == 304

    def _decode(self) -> tuple[str, str]:
        if self._decoded is None:
            self._decoded = decode_text(self.content, self.headers.get("content-type"))
        return self._decoded

    @property
    def text(self) -> str:
        """The body as text, charset chosen by :func:`decode_text` (computed once)."""
        return self._decode()[0]

    @property
    def encoding(self) -> str:
        """The codec :attr:`text` was decoded with."""
        return self._decode()[1]
