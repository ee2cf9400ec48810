"""LibreTranslate (self-hosted Argos Translate models) over its HTTP API."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

from babelwire.config import TranslateSettings
from babelwire.translate.engines.http_api import JSONAPI, chunked, keep_blanks


class LibreTranslateEngine:
    """``POST {url}/translate`` with ``q`` as a list: one request per chunk of sentences."""

    name = "libretranslate"

    def __init__(
        self,
        url: str = "http://127.0.0.1:5000",
        *,
        api_key: str = "",
        timeout: float = 60.0,
        retries: int = 3,
        backoff: float = 1.0,
        max_items: int = 100,
        max_chars: int = 20_000,
    ) -> None:
        self.url = url.rstrip("/")
        self.api_key = api_key
        self.max_items = max_items
        self.max_chars = max_chars
        self.api = JSONAPI("LibreTranslate", self.url, timeout=timeout, retries=retries, backoff=backoff)

    @classmethod
    def from_settings(cls, settings: TranslateSettings) -> LibreTranslateEngine:
        """The engine configured by ``[translate] libretranslate_url`` and ``libretranslate_api_key``."""
        return cls(
            settings.libretranslate_url, api_key=settings.libretranslate_api_key, timeout=settings.timeout
        )

    @property
    def id(self) -> str:
        return f"libretranslate:{urlsplit(self.url).netloc or self.url}"

    @property
    def model(self) -> str | None:
        return f"LibreTranslate at {urlsplit(self.url).netloc or self.url}"

    def translate(self, sentences: Sequence[str], source: str, target: str) -> list[str]:
        """One translation per sentence, in order; blank sentences are not sent."""
        return keep_blanks(sentences, lambda texts: self._translate(texts, source, target))

    def _translate(self, texts: list[str], source: str, target: str) -> list[str]:
        results: list[str] = []
        for chunk in chunked(texts, self.max_items, self.max_chars):
            payload: dict[str, object] = {
                "q": chunk,
                "source": _code(source),
                "target": _code(target),
                "format": "text",
            }
            if self.api_key:
                payload["api_key"] = self.api_key
            data = self.api.post("/translate", payload)
            translated = data.get("translatedText") if isinstance(data, dict) else None
            if isinstance(translated, str) and len(chunk) == 1:  # older servers answer a string
                translated = [translated]
            if not isinstance(translated, list) or not all(isinstance(t, str) for t in translated):
                raise self.api.malformed("no list of strings in translatedText", "/translate")
            if len(translated) != len(chunk):
                problem = f"{len(translated)} translations for {len(chunk)} texts"
                raise self.api.malformed(problem, "/translate")
            results.extend(translated)
        return results

    def close(self) -> None:
        self.api.close()


def _code(language: str) -> str:
    # LibreTranslate names its models by ISO 639-1 ("fr"), so "fr-FR" or "fr_CA" become "fr".
    return language.strip().replace("_", "-").split("-")[0].lower()
