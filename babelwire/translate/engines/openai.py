"""A large language model behind an OpenAI-compatible chat endpoint (vLLM, Ollama, llama.cpp).

Sentences go out in batches as a JSON array of numbered items and must come back as a JSON array
of the same items; when a model drops, merges or renumbers items, that batch is retried one
sentence per request so a sentence is never paired with another's translation.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from babelwire.config import TranslateSettings
from babelwire.errors import TranslationError
from babelwire.translate.engines.http_api import JSONAPI, chunked, keep_blanks

log = logging.getLogger(__name__)

LANGUAGE_NAMES = {
    "ar": "Arabic", "ca": "Catalan", "cs": "Czech", "da": "Danish", "de": "German", "el": "Greek",
    "en": "English", "es": "Spanish", "fa": "Persian", "fi": "Finnish", "fr": "French",
    "he": "Hebrew", "hi": "Hindi", "hu": "Hungarian", "id": "Indonesian", "it": "Italian",
    "ja": "Japanese", "ko": "Korean", "nl": "Dutch", "no": "Norwegian", "pl": "Polish",
    "pt": "Portuguese", "ro": "Romanian", "ru": "Russian", "sv": "Swedish", "tr": "Turkish",
    "uk": "Ukrainian", "vi": "Vietnamese", "zh": "Chinese",
}

SYSTEM_PROMPT = (
    "You are a professional news translator. Translate {source} news text into {target}. "
    "Be faithful and complete: keep the meaning, tone and every fact; keep quotations as "
    "quotations; keep names of people, places and organisations, numbers, dates and amounts "
    "exactly. Do not summarise, explain, comment, censor or add anything."
)
BATCH_PROMPT = (
    "Translate the \"text\" of each item from {source} to {target}. Answer with only a JSON "
    "array of the same {count} items in the same order, each {{\"id\": <same id>, \"text\": "
    "<translation>}}.\n\n{items}"
)
SINGLE_PROMPT = "Translate from {source} to {target}. Answer with the translation only.\n\n{text}"

_THINK = re.compile(r"<think>.*?</think>", re.DOTALL | re.IGNORECASE)
_FENCE = re.compile(r"```[\w-]*\s*\n?(.*?)```", re.DOTALL)
_CHATTER = re.compile(r"^\s*(?:sure[,!.]?\s*)?(?:here(?: is|'s) the translation|translation)\s*:\s*", re.I)
_QUOTES = {'"': '"', "“": "”", "«": "»", "'": "'"}


def language_name(code: str) -> str:
    """``fr`` → ``French``; unknown codes are used as they are."""
    return LANGUAGE_NAMES.get(code.strip().replace("_", "-").split("-")[0].lower(), code)


def _unwrap(content: str) -> str:
    """The answer without reasoning blocks and code fences."""
    content = _THINK.sub("", content).strip()
    fence = _FENCE.search(content)
    return fence.group(1).strip() if fence else content


def parse_batch(content: str, count: int) -> list[str] | None:
    """The ``count`` translations from a JSON-array answer, or None when it does not fit."""
    content = _unwrap(content)
    start, end = content.find("["), content.rfind("]")
    if start < 0 or end < start:
        return None
    try:
        items = json.loads(content[start:end + 1])
    except ValueError:
        return None
    if not isinstance(items, list) or len(items) != count:
        return None
    if all(isinstance(item, str) for item in items):
        return items
    if not all(isinstance(item, dict) and isinstance(item.get("text"), str) for item in items):
        return None
    ids = [item.get("id") for item in items]
    # Numbered items must come back with the same numbers: a mismatch means lost or merged items.
    if ids != list(range(1, count + 1)) and ids != [str(i) for i in range(1, count + 1)]:
        return None
    return [item["text"] for item in items]


def parse_single(content: str, source_text: str) -> str:
    """One translation from a free-text answer, without fences, preambles or added quotes."""
    text = _CHATTER.sub("", _unwrap(content), count=1).strip()
    opening = text[:1]
    if (
        len(text) > 1
        and opening in _QUOTES
        and text.endswith(_QUOTES[opening])
        and not source_text.lstrip().startswith(tuple(_QUOTES))
    ):
        text = text[1:-1].strip()
    return text


class OpenAIEngine:
    """Chat-completions translation with JSON-array batches and a per-sentence fallback."""

    name = "openai"

    def __init__(
        self,
        model: str,
        *,
        url: str = "http://127.0.0.1:8000/v1",
        api_key: str = "",
        timeout: float = 60.0,
        retries: int = 3,
        backoff: float = 1.0,
        batch_size: int = 16,
        max_chars: int = 6000,
    ) -> None:
        if not model:
            raise TranslationError(
                "OpenAI-compatible endpoint: no model set; set [translate] openai_model "
                "or BABELWIRE_TRANSLATE_OPENAI_MODEL"
            )
        self.model_name = model
        self.url = url.rstrip("/")
        self.batch_size = batch_size
        self.max_chars = max_chars
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self.api = JSONAPI(
            f"OpenAI-compatible endpoint {urlsplit(self.url).netloc or self.url}",
            self.url, headers=headers, timeout=timeout, retries=retries, backoff=backoff,
        )

    @classmethod
    def from_settings(cls, settings: TranslateSettings) -> OpenAIEngine:
        """The engine configured by ``[translate] openai_url``, ``openai_api_key``, ``openai_model``."""
        return cls(
            settings.openai_model, url=settings.openai_url, api_key=settings.openai_api_key,
            timeout=settings.timeout,
        )

    @property
    def id(self) -> str:
        return f"openai:{self.model_name}"

    @property
    def model(self) -> str | None:
        return self.model_name

    def translate(self, sentences: Sequence[str], source: str, target: str) -> list[str]:
        """One translation per sentence, in order; blank sentences are not sent."""
        return keep_blanks(sentences, lambda texts: self._translate(texts, source, target))

    def _translate(self, texts: list[str], source: str, target: str) -> list[str]:
        names = {"source": language_name(source), "target": language_name(target)}
        system = SYSTEM_PROMPT.format(**names)
        results: list[str] = []
        for chunk in chunked(texts, self.batch_size, self.max_chars):
            if len(chunk) == 1:
                results.append(self._single(system, chunk[0], names))
                continue
            items = [{"id": i, "text": text} for i, text in enumerate(chunk, start=1)]
            prompt = BATCH_PROMPT.format(
                count=len(chunk), items=json.dumps(items, ensure_ascii=False), **names
            )
            parsed = parse_batch(self._chat(system, prompt), len(chunk))
            if parsed is None:
                log.warning(
                    "%s did not return %d numbered items; translating one sentence per request",
                    self.model_name, len(chunk),
                )
                parsed = [self._single(system, text, names) for text in chunk]
            results.extend(parsed)
        return results

    def _single(self, system: str, text: str, names: dict[str, str]) -> str:
        translation = parse_single(self._chat(system, SINGLE_PROMPT.format(text=text, **names)), text)
        if not translation:
            raise self.api.malformed("empty translation", "/chat/completions")
        return translation

    def _chat(self, system: str, user: str) -> str:
        payload: dict[str, Any] = {
            "model": self.model_name,
            "messages": [{"role": "system", "content": system}, {"role": "user", "content": user}],
            "temperature": 0,
        }
        data = self.api.post("/chat/completions", payload)
        try:
            content = data["choices"][0]["message"]["content"]
        except (KeyError, IndexError, TypeError):
            raise self.api.malformed("no choices[0].message.content", "/chat/completions") from None
        if not isinstance(content, str):
            raise self.api.malformed("message content is not text", "/chat/completions")
        return content

    def close(self) -> None:
        self.api.close()
