"""DeepL over its v2 HTTP API (Free or Pro)."""

from __future__ import annotations

from collections.abc import Sequence

from babelwire.config import TranslateSettings
from babelwire.errors import TranslationError
from babelwire.translate.engines.http_api import JSONAPI, chunked, keep_blanks

MAX_TEXTS = 50  # DeepL's limit of texts per request
MAX_CHARS = 100_000  # stays under DeepL's 128 KiB request body limit

_HINTS = {
    403: "check [translate] deepl_api_key; Free keys end in ':fx' and use https://api-free.deepl.com, "
    "Pro keys use https://api.deepl.com",
    456: "quota exceeded: the character limit of this DeepL plan is used up",
}


class DeepLEngine:
    """``POST {url}/v2/translate``: chunks of at most 50 texts, one request each."""

    name = "deepl"

    def __init__(
        self,
        api_key: str,
        *,
        url: str = "https://api-free.deepl.com",
        english: str = "EN-US",
        portuguese: str = "PT-BR",
        timeout: float = 60.0,
        retries: int = 3,
        backoff: float = 1.0,
    ) -> None:
        """``english``/``portuguese``: the variant used when the target is plain ``en``/``pt``."""
        if not api_key:
            raise TranslationError(
                "DeepL: no API key; set [translate] deepl_api_key or BABELWIRE_TRANSLATE_DEEPL_API_KEY"
            )
        self.url = url.rstrip("/")
        self.variants = {"EN": english.upper(), "PT": portuguese.upper()}
        self.api = JSONAPI(
            "DeepL",
            self.url,
            headers={"Authorization": f"DeepL-Auth-Key {api_key}"},
            timeout=timeout,
            retries=retries,
            backoff=backoff,
            status_hints=_HINTS,
        )

    @classmethod
    def from_settings(cls, settings: TranslateSettings) -> DeepLEngine:
        """The engine configured by ``[translate] deepl_url`` and ``deepl_api_key``."""
        return cls(settings.deepl_api_key, url=settings.deepl_url, timeout=settings.timeout)

    @property
    def id(self) -> str:
        # The English/Portuguese variant changes the text, so a non-default one gets its own id.
        variants = [v for v in self.variants.values() if v not in ("EN-US", "PT-BR")]
        return "deepl:api" + "".join(f":{v}" for v in variants)

    @property
    def model(self) -> str | None:
        return "DeepL API"

    def target_code(self, target: str) -> str:
        """DeepL's target code: ``en`` → ``EN-US`` (configurable), ``en-gb`` → ``EN-GB``."""
        code = target.strip().replace("_", "-").upper()
        return self.variants.get(code, code)

    def translate(self, sentences: Sequence[str], source: str, target: str) -> list[str]:
        """One translation per sentence, in order; blank sentences are not sent."""
        return keep_blanks(sentences, lambda texts: self._translate(texts, source, target))

    def _translate(self, texts: list[str], source: str, target: str) -> list[str]:
        results: list[str] = []
        for chunk in chunked(texts, MAX_TEXTS, MAX_CHARS):
            payload = {
                "text": chunk,
                # Source languages take no regional variant ("EN", never "EN-US").
                "source_lang": source.strip().replace("_", "-").split("-")[0].upper(),
                "target_lang": self.target_code(target),
                "preserve_formatting": True,
            }
            data = self.api.post("/v2/translate", payload)
            items = data.get("translations") if isinstance(data, dict) else None
            if not isinstance(items, list):
                raise self.api.malformed("no translations list", "/v2/translate")
            if len(items) != len(chunk):
                raise self.api.malformed(f"{len(items)} translations for {len(chunk)} texts", "/v2/translate")
            for item in items:
                if not isinstance(item, dict) or not isinstance(item.get("text"), str):
                    raise self.api.malformed("a translation without text", "/v2/translate")
                results.append(item["text"])
        return results

    def close(self) -> None:
        self.api.close()
