"""The HTTP engines against loopback servers that speak each API's real request/response shape."""

from __future__ import annotations

import email.utils
import json
import shutil
import socket
import time
from collections.abc import Callable
from typing import Any

import pytest

from babelwire.config import TranslateSettings
from babelwire.errors import TranslationError
from babelwire.loopback import LoopbackServer, Request, Response
from babelwire.translate.engines.base import TranslationEngine
from babelwire.translate.engines.deepl import DeepLEngine
from babelwire.translate.engines.http_api import chunked, retry_after_seconds
from babelwire.translate.engines.libretranslate import LibreTranslateEngine
from babelwire.translate.engines.openai import OpenAIEngine, parse_batch, parse_single

FRENCH = [
    "Le secrétaire général de l'OTAN, Jens Stoltenberg, a rencontré les représentants russes "
    "à Bruxelles le 12 janvier 2022.",
    "",
    "Il a jugé « impératif » que l'Alliance renonce à s'élargir.",
    "Selon le ministère, 4 500 personnes ont été hospitalisées.",
    "   ",
    "Les délégations se retrouveront à Genève.",
]
JSON_HEADERS = {"Content-Type": "application/json"}
FAST = {"backoff": 0.01}

def body_of(request: Request) -> Any:
    return json.loads(request.body)


def header(request: Request, name: str) -> str | None:
    return next((v for k, v in request.headers.items() if k.lower() == name.lower()), None)


def json_response(data: Any, status: int = 200, **headers: str) -> Response:
    return Response(json.dumps(data, ensure_ascii=False).encode(), status, {**JSON_HEADERS, **headers})


def fake_translation(text: str, target: str) -> str:
    """What the fake servers 'translate' to: deterministic, and visibly tied to its source."""
    return f"[{target.lower()}] {text}"


@pytest.fixture
def api(server: LoopbackServer) -> LoopbackServer:
    return server


# --- fake APIs -------------------------------------------------------------------------------


def libretranslate_api(api_key: str = "", translate: Callable[[str, str, str], str] | None = None):
    def handle(request: Request) -> Response:
        if request.method != "POST":
            return json_response({"error": "Method Not Allowed"}, 405)
        if not (header(request, "Content-Type") or "").startswith("application/json"):
            return json_response({"error": "Invalid request: expected JSON"}, 400)
        body = body_of(request)
        for field in ("q", "source", "target"):
            if field not in body:
                return json_response({"error": f"Invalid request: missing {field} parameter"}, 400)
        if body.get("format") != "text":
            return json_response({"error": "Invalid request: format must be text"}, 400)
        if api_key and body.get("api_key") != api_key:
            return json_response({"error": "Invalid API key"}, 403)
        rule = translate or (lambda text, _src, tgt: fake_translation(text, tgt))
        q = body["q"]
        if isinstance(q, str):
            return json_response({"translatedText": rule(q, body["source"], body["target"])})
        return json_response({"translatedText": [rule(t, body["source"], body["target"]) for t in q]})

    return handle


DEEPL_TARGETS = {"EN-US", "EN-GB", "ES", "FR", "DE", "IT", "PT-BR", "PT-PT", "RU", "UK", "ZH"}


def deepl_api(key: str = "secret:fx", sizes: list[int] | None = None):
    def handle(request: Request) -> Response:
        if header(request, "Authorization") != f"DeepL-Auth-Key {key}":
            return json_response({"message": "Wrong auth key"}, 403)
        body = body_of(request)
        texts = body.get("text")
        if not isinstance(texts, list) or not texts:
            return json_response({"message": "Parameter 'text' not specified."}, 400)
        if sizes is not None:
            sizes.append(len(texts))
        if len(texts) > 50:
            return json_response({"message": "Too many texts in request (maximum 50)."}, 413)
        if body.get("target_lang") not in DEEPL_TARGETS:
            return json_response({"message": "Value for 'target_lang' not supported."}, 400)
        if "-" in body.get("source_lang", "") or body.get("preserve_formatting") is not True:
            return json_response({"message": "Value for 'source_lang' not supported."}, 400)
        source, target = body["source_lang"], body["target_lang"]
        return json_response({"translations": [
            {"detected_source_language": source, "text": fake_translation(t, target)} for t in texts
        ]})

    return handle


def openai_api(key: str = "", model: str = "qwen2.5-7b-instruct", drop_item: bool = False):
    """A chat model that translates JSON batches (wrapped in chatter) and single sentences."""

    def handle(request: Request) -> Response:
        if key and header(request, "Authorization") != f"Bearer {key}":
            return json_response(
                {"error": {"message": "Incorrect API key provided", "type": "invalid_request_error"}}, 401
            )
        body = body_of(request)
        if body.get("model") != model:
            message = f"The model `{body.get('model')}` does not exist"
            return json_response({"error": {"message": message}}, 404)
        messages = body["messages"]
        assert [m["role"] for m in messages] == ["system", "user"] and body["temperature"] == 0
        assert "French" in messages[0]["content"] and "English" in messages[0]["content"]
        prompt = messages[1]["content"]
        if "JSON array" in prompt:
            items = json.loads(prompt[prompt.index("["):])
            answer = [{"id": it["id"], "text": fake_translation(it["text"], "en")} for it in items]
            if drop_item:
                answer = answer[:-1]
            content = (
                "<think>Translate each item.</think>Here you go:\n```json\n"
                + json.dumps(answer, ensure_ascii=False) + "\n```"
            )
        else:
            text = prompt.split("\n\n", 1)[1]
            content = f'Here is the translation: "{fake_translation(text, "en")}"'
        return json_response({
            "id": "chatcmpl-1", "object": "chat.completion", "model": model,
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": content}}],
        })

    return handle


def expected(sentences: list[str], target: str) -> list[str]:
    return [fake_translation(s, target) if s.strip() else s for s in sentences]


# --- LibreTranslate --------------------------------------------------------------------------


def test_libretranslate_batch_round_trip(api: LoopbackServer) -> None:
    api.route("/translate", libretranslate_api(api_key="k3y"))
    engine = LibreTranslateEngine(api.base_url, api_key="k3y", **FAST)
    assert isinstance(engine, TranslationEngine)
    assert engine.translate(FRENCH, "fr-FR", "en") == expected(FRENCH, "en")
    assert len(api.requests_to("/translate")) == 1  # one request for the batch, blanks not sent
    assert engine.id == f"libretranslate:{api.base_url.removeprefix('http://')}"
    assert engine.translate(["", " "], "fr", "en") == ["", " "]
    assert len(api.requests_to("/translate")) == 1


def test_libretranslate_with_apertium_behind_it(api: LoopbackServer) -> None:
    if shutil.which("apertium") is None:
        pytest.skip("apertium is not installed (sudo apt-get install apertium apertium-fr-es)")
    from babelwire.translate.engines.apertium import ApertiumEngine

    apertium = ApertiumEngine()
    api.route("/translate", libretranslate_api(translate=lambda t, s, d: apertium.translate([t], s, d)[0]))
    out = LibreTranslateEngine(api.base_url, **FAST).translate(FRENCH, "fr", "es")
    assert "Bruselas" in out[0] and "enero" in out[0] and out[1] == ""


def test_libretranslate_api_error_message(api: LoopbackServer) -> None:
    api.route("/translate", libretranslate_api(api_key="right"))
    engine = LibreTranslateEngine(api.base_url, api_key="wrong", **FAST)
    with pytest.raises(TranslationError, match=r"^LibreTranslate: HTTP 403 Forbidden — Invalid API key"):
        engine.translate(["Bonjour."], "fr", "en")
    assert len(api.requests_to("/translate")) == 1  # a 4xx is not retried


def test_429_with_retry_after_then_success(api: LoopbackServer) -> None:
    calls: list[float] = []
    translate = libretranslate_api()

    def handle(request: Request) -> Response:
        calls.append(time.monotonic())
        if len(calls) == 1:
            return json_response({"error": "Slowdown: 1 per 1 second"}, 429, **{"Retry-After": "1"})
        return translate(request)

    api.route("/translate", handle)
    engine = LibreTranslateEngine(api.base_url, **FAST)
    assert engine.translate(["Bonjour."], "fr", "en") == ["[en] Bonjour."]
    assert len(calls) == 2
    assert calls[1] - calls[0] >= 0.9  # Retry-After won over the 0.01 s backoff


def test_5xx_is_retried_then_reported(api: LoopbackServer) -> None:
    api.route("/translate", json_response({"error": "Cannot translate: model crashed"}, 500))
    engine = LibreTranslateEngine(api.base_url, retries=2, **FAST)
    with pytest.raises(TranslationError) as caught:
        engine.translate(["Bonjour."], "fr", "en")
    assert "HTTP 500" in caught.value.reason and "model crashed" in caught.value.reason
    assert "gave up after 3 attempts" in caught.value.reason
    assert caught.value.url == api.url("/translate")
    assert len(api.requests_to("/translate")) == 3


def test_timeout_is_retried_then_reported(api: LoopbackServer) -> None:
    api.route("/translate", Response(b"{}", 200, JSON_HEADERS, delay=1.5))
    engine = LibreTranslateEngine(api.base_url, timeout=0.3, retries=1, **FAST)
    started = time.monotonic()
    with pytest.raises(TranslationError, match=r"LibreTranslate: no answer within 0.3s .*2 attempts"):
        engine.translate(["Bonjour."], "fr", "en")
    assert time.monotonic() - started < 1.5
    assert len(api.requests_to("/translate")) == 2


def test_malformed_answers(api: LoopbackServer) -> None:
    engine = LibreTranslateEngine(api.base_url, **FAST)
    api.route("/translate", Response(b"<html>502 Bad Gateway</html>", 200, {"Content-Type": "text/html"}))
    with pytest.raises(TranslationError, match=r"malformed response \(not JSON\): '<html>502"):
        engine.translate(["Bonjour."], "fr", "en")
    api.route("/translate", json_response({"translatedText": ["only one"]}))
    with pytest.raises(TranslationError, match="malformed response: 1 translations for 2 texts"):
        engine.translate(["Bonjour.", "Salut."], "fr", "en")
    api.route("/translate", json_response({"result": "?"}))
    with pytest.raises(TranslationError, match="malformed response: no list of strings"):
        engine.translate(["Bonjour."], "fr", "en")


def test_connection_refused_is_quick_and_readable() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again when the block ends: nothing listens there
    engine = LibreTranslateEngine(f"http://127.0.0.1:{port}", backoff=5)
    started = time.monotonic()
    with pytest.raises(TranslationError, match=r"cannot connect to .*is the server running"):
        engine.translate(["Bonjour."], "fr", "en")
    assert time.monotonic() - started < 2


# --- DeepL -----------------------------------------------------------------------------------


def test_deepl_chunks_by_fifty_and_keeps_order(api: LoopbackServer) -> None:
    sizes: list[int] = []
    api.route("/v2/translate", deepl_api(sizes=sizes))
    engine = DeepLEngine("secret:fx", url=api.base_url, **FAST)
    sentences = [f"Phrase numéro {n}." for n in range(120)]
    assert engine.translate(sentences, "fr", "en") == expected(sentences, "en-us")
    assert sizes == [50, 50, 20]
    assert engine.id == "deepl:api"


def test_deepl_language_variants(api: LoopbackServer) -> None:
    api.route("/v2/translate", deepl_api())
    engine = DeepLEngine("secret:fx", url=api.base_url, **FAST)
    assert engine.translate(["Olá."], "pt-BR", "pt") == ["[pt-br] Olá."]
    assert engine.translate(["Hello."], "en", "en-GB") == ["[en-gb] Hello."]
    british = DeepLEngine("secret:fx", url=api.base_url, english="en-gb", **FAST)
    assert british.translate(["Bonjour."], "fr", "en") == ["[en-gb] Bonjour."]
    assert british.id == "deepl:api:EN-GB" != engine.id


def test_deepl_auth_error_and_quota(api: LoopbackServer) -> None:
    api.route("/v2/translate", deepl_api(key="right:fx"))
    with pytest.raises(TranslationError, match=r"^DeepL: HTTP 403 Forbidden — Wrong auth key — check"):
        DeepLEngine("wrong:fx", url=api.base_url, **FAST).translate(["Bonjour."], "fr", "en")
    api.route("/v2/translate", json_response({"message": "Quota Exceeded"}, 456))
    with pytest.raises(TranslationError, match=r"HTTP 456.*quota exceeded: the character limit"):
        DeepLEngine("right:fx", url=api.base_url, **FAST).translate(["Bonjour."], "fr", "en")
    with pytest.raises(TranslationError, match="DeepL: no API key"):
        DeepLEngine("")


# --- OpenAI-compatible -----------------------------------------------------------------------


def test_openai_json_array_batch(api: LoopbackServer) -> None:
    api.route("/v1/chat/completions", openai_api(key="sk-local"))
    engine = OpenAIEngine("qwen2.5-7b-instruct", url=api.url("/v1"), api_key="sk-local", **FAST)
    assert engine.translate(FRENCH, "fr", "en") == expected(FRENCH, "en")
    assert len(api.requests_to("/v1/chat/completions")) == 1
    assert (engine.id, engine.model) == ("openai:qwen2.5-7b-instruct", "qwen2.5-7b-instruct")


def test_openai_wrong_count_falls_back_to_one_per_sentence(api: LoopbackServer) -> None:
    api.route("/v1/chat/completions", openai_api(drop_item=True))
    engine = OpenAIEngine("qwen2.5-7b-instruct", url=api.url("/v1"), batch_size=3, **FAST)
    sentences = [s for s in FRENCH if s.strip()]  # 4 sentences: batches of 3 and 1
    assert engine.translate(sentences, "fr", "en") == expected(sentences, "en")
    # batch of 3 (wrong count) → 3 single requests; the last sentence goes alone from the start
    assert len(api.requests_to("/v1/chat/completions")) == 1 + 3 + 1


def test_openai_errors(api: LoopbackServer) -> None:
    api.route("/v1/chat/completions", openai_api(key="sk-right"))
    engine = OpenAIEngine("qwen2.5-7b-instruct", url=api.url("/v1"), api_key="sk-wrong", **FAST)
    with pytest.raises(TranslationError, match="HTTP 401 Unauthorized — Incorrect API key provided"):
        engine.translate(["Bonjour."], "fr", "en")
    other = OpenAIEngine("llama3", url=api.url("/v1"), api_key="sk-right", **FAST)
    with pytest.raises(TranslationError, match="HTTP 404 Not Found — The model `llama3` does not exist"):
        other.translate(["Bonjour."], "fr", "en")
    api.route("/v1/chat/completions", json_response({"choices": []}))
    with pytest.raises(TranslationError, match=r"malformed response: no choices\[0\].message.content"):
        engine.translate(["Bonjour."], "fr", "en")
    with pytest.raises(TranslationError, match="no model set"):
        OpenAIEngine("")


def test_openai_answer_parsing() -> None:
    assert parse_batch('[{"id": 1, "text": "A"}, {"id": 2, "text": "B"}]', 2) == ["A", "B"]
    assert parse_batch('Sure!\n```json\n["A", "B"]\n```\nAnything else?', 2) == ["A", "B"]
    assert parse_batch('[{"id": 1, "text": "A"}, {"id": 3, "text": "B"}]', 2) is None
    assert parse_batch('[{"id": 1, "text": "A B"}]', 2) is None
    assert parse_batch("I cannot translate this.", 2) is None
    assert parse_single('<think>hm</think>Translation: "Hello."', "Bonjour.") == "Hello."
    assert parse_single('"Hello," he said.', "« Bonjour », a-t-il dit.") == '"Hello," he said.'
    assert parse_single('"We are ready."', "« Nous sommes prêts. »") == '"We are ready."'


# --- shared HTTP part ------------------------------------------------------------------------


def test_retry_after_and_chunking() -> None:
    now = time.time()
    assert retry_after_seconds("3") == 3.0
    assert 9 <= retry_after_seconds(email.utils.formatdate(now + 10, usegmt=True), now=now) <= 10
    assert retry_after_seconds("soon") is None and retry_after_seconds(None) is None
    assert list(chunked(["a"] * 5, 2, 100)) == [["a", "a"], ["a", "a"], ["a"]]
    assert list(chunked(["aaaa", "bb", "cc", "dddddd"], 10, 5)) == [["aaaa"], ["bb", "cc"], ["dddddd"]]


def test_engines_from_settings() -> None:
    settings = TranslateSettings(
        timeout=5, libretranslate_url="http://lt.example:5000", deepl_api_key="abc:fx",
        openai_url="http://gpu:8000/v1", openai_model="mistral-7b",
    )
    assert LibreTranslateEngine.from_settings(settings).id == "libretranslate:lt.example:5000"
    assert DeepLEngine.from_settings(settings).url == "https://api-free.deepl.com"
    assert OpenAIEngine.from_settings(settings).id == "openai:mistral-7b"
