"""Settings: defaults here, overridden by ``babelwire.toml`` in the home folder, overridden by
``BABELWIRE_<SECTION>_<KEY>`` environment variables.

This module is the one place where every setting and its default is documented; the README's
settings table is generated from it (``babelwire config show``).
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, get_args, get_origin, get_type_hints
from urllib.parse import urlsplit

from babelwire.errors import ConfigError

CONFIG_NAME = "babelwire.toml"
DATABASE_NAME = "babelwire.db"
ENV_PREFIX = "BABELWIRE_"
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*$")
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_duration(value: str | int | float) -> float:
    """Seconds from ``90``, ``"90s"``, ``"15m"``, ``"2h"``, ``"1d"``."""
    if isinstance(value, int | float):
        return float(value)
    match = _DURATION.match(value)
    if not match:
        raise ConfigError(f"not a duration: {value!r} (use e.g. 90s, 15m, 2h, 1d)")
    return float(match.group(1)) * _UNITS[match.group(2)]


def format_duration(seconds: float) -> str:
    for unit in ("w", "d", "h", "m"):
        if seconds >= _UNITS[unit] and seconds % _UNITS[unit] == 0:
            return f"{int(seconds // _UNITS[unit])}{unit}"
    return f"{seconds:g}s"


def _doc(text: str) -> dict[str, str]:
    return {"doc": text}


@dataclass
class FetchSettings:
    user_agent: str = field(
        default="babelwire/0.1 (+https://github.com/babelwire/babelwire; news translation bot)",
        metadata=_doc("User-Agent sent with every request and matched against robots.txt."),
    )
    connect_timeout: float = field(default=10.0, metadata=_doc("Seconds to establish a connection."))
    read_timeout: float = field(default=20.0, metadata=_doc("Seconds to wait for data."))
    total_timeout: float = field(default=60.0, metadata=_doc(
        "Seconds one URL may take in all (connect, headers, the whole body, every redirect, retry and backoff "
        "wait); waits for our own politeness slots and robots.txt are not counted."))
    max_bytes: int = field(default=10 * 1024 * 1024, metadata=_doc("Largest body accepted, in bytes."))
    max_decompressed_bytes: int = field(
        default=40 * 1024 * 1024,
        metadata=_doc("Largest body after gzip/deflate/brotli decoding (zip bombs)."),
    )
    max_redirects: int = field(default=5, metadata=_doc("Redirect hops followed."))
    retries: int = field(default=3, metadata=_doc("Retries on timeouts, 5xx and 429."))
    backoff: float = field(default=1.0, metadata=_doc("Base of exponential backoff, seconds."))
    max_backoff: float = field(default=60.0, metadata=_doc("Longest wait between retries, seconds."))
    host_delay: float = field(default=1.0, metadata=_doc("Pause between requests to one host, seconds."))
    host_concurrency: int = field(default=2, metadata=_doc("Concurrent requests per host."))
    concurrency: int = field(default=8, metadata=_doc("Concurrent requests overall."))
    respect_robots: bool = field(default=True, metadata=_doc("Obey robots.txt."))
    allow_private: bool = field(
        default=False,
        metadata=_doc("Allow loopback/private/link-local/reserved addresses (local use, tests)."),
    )
    allow_hosts: list[str] = field(
        default_factory=list,
        metadata=_doc("Host names exempt from the address guard (e.g. an intranet news server)."),
    )


@dataclass
class PollSettings:
    every: str = field(default="30m", metadata=_doc("Default poll interval of a new source."))
    refresh_window: str = field(
        default="48h", metadata=_doc("Articles first seen this recently are re-fetched on every poll.")
    )
    max_entries: int = field(default=300, metadata=_doc("Most article URLs taken from one feed or sitemap."))
    max_attempts: int = field(default=5, metadata=_doc("Polls that retry an article URL that keeps failing."))
    workers: int = field(default=4, metadata=_doc("Threads fetching and extracting articles."))
    tick: str = field(default="60s", metadata=_doc("How often `babelwire run` looks for due sources."))


@dataclass
class DatabaseSettings:
    url: str = field(
        default="", metadata=_doc("SQLAlchemy URL; empty means SQLite babelwire.db in the home folder.")
    )


@dataclass
class TranslateSettings:
    to: list[str] = field(default_factory=lambda: ["en"], metadata=_doc("Target languages."))
    engine: str = field(default="auto", metadata=_doc(
        "auto (per pair: an installed ct2 model, else Apertium, else a configured HTTP engine), ct2, apertium, "
        "libretranslate, deepl or openai."))
    model: str = field(default="", metadata=_doc("Model folder for ct2; empty: the pulled model for the pair."))
    enabled: bool = field(default=True, metadata=_doc("Translate new revisions while polling."))
    device: str = field(default="auto", metadata=_doc("ct2 device: auto, cpu or cuda."))
    compute_type: str = field(default="auto", metadata=_doc("ct2 compute type; auto: int8 on CPU, float16 on GPU."))
    threads: int = field(default=0, metadata=_doc("ct2 CPU threads; 0: all cores."))
    beam_size: int = field(default=4, metadata=_doc("Beam width for ct2 decoding (1 = greedy)."))
    batch_size: int = field(default=32, metadata=_doc("Sentences per engine batch."))
    timeout: float = field(default=60.0, metadata=_doc("Seconds per request to HTTP engines."))
    libretranslate_url: str = field(default="http://127.0.0.1:5000", metadata=_doc("LibreTranslate base URL."))
    libretranslate_api_key: str = field(default="", metadata=_doc("LibreTranslate API key, if the server wants one."))
    deepl_url: str = field(default="https://api-free.deepl.com", metadata=_doc("DeepL API base URL."))
    deepl_api_key: str = field(default="", metadata=_doc("DeepL authentication key."))
    openai_url: str = field(
        default="http://127.0.0.1:8000/v1", metadata=_doc("OpenAI-compatible base URL (vLLM, Ollama, llama.cpp).")
    )
    openai_api_key: str = field(default="", metadata=_doc("API key for the OpenAI-compatible endpoint."))
    openai_model: str = field(default="", metadata=_doc("Model name sent to the OpenAI-compatible endpoint."))


@dataclass
class WebSettings:
    host: str = field(default="127.0.0.1", metadata=_doc("Address `serve`/`run` listen on."))
    port: int = field(default=8080, metadata=_doc("Port `serve`/`run` listen on."))
    page_size: int = field(default=30, metadata=_doc("Items per page on lists, feeds and the API."))
    base_url: str = field(default="", metadata=_doc("Public URL of the reader (for feeds); empty: from requests."))
    allowed_hosts: list[str] = field(
        default_factory=lambda: ["localhost", "127.0.0.1", "::1"],
        metadata=_doc("Host names the reader answers to (any other Host header gets 400): `name` on the port it "
                      "listens on, `name:port`, `*.example.org` or `*`; the address it listens on, [web] host and "
                      "base_url's host are always allowed. Links come from base_url, else from the checked Host."),
    )
    prerender: int = field(
        default=2000, metadata=_doc("Newest articles (and a quarter as many stories) whose pages the server keeps "
                                    "pre-rendered; 0: render on first view only.")
    )


@dataclass
class AdminSettings:
    token: str = field(default="", metadata=_doc("Token for the admin API (adding/removing sources); empty: off."))


@dataclass
class StorySettings:
    window: str = field(default="72h", metadata=_doc("Articles join stories whose latest article is this recent."))
    representation: str = field(
        default="tfidf", metadata=_doc("tfidf, embedding or combined (see README, Stories); tfidf measured best.")
    )
    enabled: bool = field(default=True, metadata=_doc("Group translated articles into stories while polling."))


@dataclass
class BrokerSettings:
    url: str = field(default="", metadata=_doc("Celery broker URL (redis://...); empty: the local runner."))
    visibility_timeout: str = field(
        default="1h", metadata=_doc("Redis redelivers a task whose worker died after this long (longer than any task).")
    )
    heartbeat_interval: str = field(default="5s", metadata=_doc(
        "How often a worker process tells Redis it is alive (the work it holds is leased to it while it does)."))
    lease_timeout: str = field(default="30s", metadata=_doc(
        "A worker silent this long is taken for dead: the scheduler puts its unfinished work back at the head "
        "of its queue at once, instead of waiting for visibility_timeout (at least 2 heartbeat intervals)."))
    sweep_interval: str = field(default="5s", metadata=_doc(
        "How often `babelwire scheduler` looks for stopped workers and work nobody holds."))


@dataclass
class Settings:
    home: Path
    fetch: FetchSettings = field(default_factory=FetchSettings)
    poll: PollSettings = field(default_factory=PollSettings)
    database: DatabaseSettings = field(default_factory=DatabaseSettings)
    translate: TranslateSettings = field(default_factory=TranslateSettings)
    web: WebSettings = field(default_factory=WebSettings)
    admin: AdminSettings = field(default_factory=AdminSettings)
    stories: StorySettings = field(default_factory=StorySettings)
    broker: BrokerSettings = field(default_factory=BrokerSettings)

    @property
    def config_path(self) -> Path:
        return self.home / CONFIG_NAME

    @property
    def database_url(self) -> str:
        return self.database.url or f"sqlite:///{self.home / DATABASE_NAME}"

    @property
    def models_dir(self) -> Path:
        return self.home / "models"


SECTIONS: dict[str, type] = {
    "fetch": FetchSettings,
    "poll": PollSettings,
    "database": DatabaseSettings,
    "translate": TranslateSettings,
    "web": WebSettings,
    "admin": AdminSettings,
    "stories": StorySettings,
    "broker": BrokerSettings,
}


def default_home() -> Path:
    """``$BABELWIRE_HOME``, else ``$XDG_DATA_HOME/babelwire``, else ``~/.local/share/babelwire``."""
    if os.environ.get("BABELWIRE_HOME"):
        return Path(os.environ["BABELWIRE_HOME"]).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "babelwire"


def _coerce(value: Any, annotation: Any, name: str) -> Any:
    origin = get_origin(annotation)
    try:
        if annotation is bool:
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in {"1", "true", "yes", "on"}:
                return True
            if text in {"0", "false", "no", "off", ""}:
                return False
            raise ValueError(value)
        if annotation is int:
            if isinstance(value, bool):
                raise ValueError(value)
            return int(value)
        if annotation is float:
            return float(value)
        if annotation is str:
            if not isinstance(value, str | int | float):
                raise ValueError(value)
            return str(value)
        if origin is list:
            (item,) = get_args(annotation)
            if isinstance(value, str):
                value = [part.strip() for part in value.split(",") if part.strip()]
            if not isinstance(value, list):
                raise ValueError(value)
            return [_coerce(v, item, name) for v in value]
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"setting {name}: {value!r} is not a valid {annotation}") from exc
    raise ConfigError(f"setting {name}: unsupported type {annotation}")


def _apply(section_obj: Any, section: str, values: dict[str, Any], origin: str,
           origins: dict[str, str] | None = None) -> None:
    hints = get_type_hints(type(section_obj))
    known = {f.name for f in fields(section_obj)}
    for key, value in values.items():
        if key not in known:
            raise ConfigError(f"{origin}: unknown setting [{section}] {key}")
        try:
            setattr(section_obj, key, _coerce(value, hints[key], f"[{section}] {key}"))
        except ConfigError as exc:
            raise ConfigError(f"{origin}: {exc.reason}") from exc
        if origins is not None:
            origins[f"{section}.{key}"] = origin


def _positive(value: float) -> str | None:
    return None if value > 0 else "must be greater than 0"


def _at_least(low: float) -> Any:
    return lambda value: None if value >= low else f"must be at least {low:g}"


def _between(low: int, high: int) -> Any:
    return lambda value: None if low <= value <= high else f"must be between {low} and {high}"


def _one_of(*choices: str) -> Any:
    return lambda value: None if value in choices else f"must be one of {', '.join(choices)}"


def _url(*schemes: str, empty: bool = True) -> Any:
    def check(value: str) -> str | None:
        if not value and empty:
            return None
        parts = urlsplit(value)
        if parts.scheme.split("+")[0] not in schemes or not (parts.netloc or parts.path.strip("/")):
            return f"must be a {' or '.join(schemes)} URL"
        return None
    return check


def _duration(minimum: float) -> Any:
    def check(value: str) -> str | None:
        try:
            seconds = parse_duration(value)
        except ConfigError as exc:
            return exc.reason
        return None if seconds >= minimum else f"must be at least {format_duration(minimum)}"
    return check


def _languages(value: list[str]) -> str | None:
    from babelwire.languages import is_known

    unknown = [code for code in value if not is_known(code)]
    if not value:
        return "needs at least one language code"
    return f"unknown language code(s) {', '.join(map(repr, unknown))}" if unknown else None


def _engine(value: str) -> str | None:
    from babelwire.translate.engines import ENGINES

    return None if value in ENGINES else f"must be one of {', '.join(ENGINES)}"


#: What each setting must satisfy; checked once, when settings are loaded, so a bad value is
#: reported (with the file or variable that set it) before any work starts, not halfway through.
_CHECKS: dict[str, Any] = {
    "fetch.connect_timeout": _positive, "fetch.read_timeout": _positive, "fetch.total_timeout": _positive,
    "fetch.max_bytes": _at_least(1024), "fetch.max_decompressed_bytes": _at_least(1024),
    "fetch.max_redirects": _between(0, 30), "fetch.retries": _between(0, 20), "fetch.backoff": _at_least(0),
    "fetch.max_backoff": _at_least(0), "fetch.host_delay": _at_least(0), "fetch.host_concurrency": _at_least(1),
    "fetch.concurrency": _at_least(1),
    "poll.every": _duration(60), "poll.refresh_window": _duration(0), "poll.tick": _duration(0.1),
    "poll.max_entries": _at_least(1), "poll.max_attempts": _at_least(1), "poll.workers": _between(1, 256),
    "database.url": _url("sqlite", "postgresql", "postgres"),
    "translate.to": _languages, "translate.engine": _engine, "translate.device": _one_of("auto", "cpu", "cuda"),
    "translate.compute_type": _one_of("auto", "default", "int8", "int8_float32", "int8_float16",
                                      "int8_bfloat16", "int16", "float16", "bfloat16", "float32"),
    "translate.threads": _between(0, 1024), "translate.beam_size": _between(1, 64),
    "translate.batch_size": _between(1, 4096), "translate.timeout": _positive,
    "translate.libretranslate_url": _url("http", "https"), "translate.deepl_url": _url("http", "https"),
    "translate.openai_url": _url("http", "https"),
    "web.port": _between(0, 65535), "web.page_size": _between(1, 500), "web.base_url": _url("http", "https"),
    "web.prerender": _at_least(0),
    "stories.window": _duration(60), "stories.representation": _one_of("tfidf", "embedding", "combined"),
    "broker.url": _url("redis", "rediss", "amqp", "amqps", "sqs"), "broker.visibility_timeout": _duration(1),
    "broker.heartbeat_interval": _duration(0.5), "broker.lease_timeout": _duration(1),
    "broker.sweep_interval": _duration(0.5),
}


def _validate(settings: Settings, origins: dict[str, str]) -> None:
    """Raise ConfigError naming the file or variable of the first setting that breaks its rule."""
    for name, check in _CHECKS.items():
        section, key = name.split(".")
        section_obj = getattr(settings, section)
        if not hasattr(section_obj, key):
            continue
        value = getattr(section_obj, key)
        problem = check(value)
        if problem is not None:
            where = origins.get(name, "default")
            raise ConfigError(f"{where}: setting [{section}] {key} = {value!r} {problem}")
    broker = settings.broker
    if hasattr(broker, "lease_timeout") and hasattr(broker, "heartbeat_interval") and (
            parse_duration(broker.lease_timeout) < 2 * parse_duration(broker.heartbeat_interval)):
        where = origins.get("broker.lease_timeout", origins.get("broker.heartbeat_interval", "default"))
        raise ConfigError(f"{where}: setting [broker] lease_timeout = {broker.lease_timeout!r} must be at least "
                          f"twice heartbeat_interval ({broker.heartbeat_interval!r}), or a busy worker looks dead")


def load_settings(home: Path | str | None = None, environ: dict[str, str] | None = None) -> Settings:
    """Settings for a home folder: defaults < babelwire.toml < environment."""
    environ = dict(os.environ if environ is None else environ)
    home_path = Path(home).expanduser() if home else default_home()
    settings = Settings(home=home_path)
    config_file = home_path / CONFIG_NAME
    if home_path.exists() and not home_path.is_dir():
        raise ConfigError(f"the home folder {home_path} is a file; choose a folder with --home or BABELWIRE_HOME")
    origins: dict[str, str] = {}
    if config_file.exists():
        try:
            data = tomllib.loads(config_file.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{config_file}: {exc}") from exc
        for section, values in data.items():
            if section not in SECTIONS or not isinstance(values, dict):
                raise ConfigError(f"{config_file}: unknown section [{section}]")
            _apply(getattr(settings, section), section, values, str(config_file), origins)
    for section in SECTIONS:
        section_obj = getattr(settings, section)
        for f in fields(section_obj):
            env_name = f"{ENV_PREFIX}{section.upper()}_{f.name.upper()}"
            if env_name in environ:
                _apply(section_obj, section, {f.name: environ[env_name]}, env_name, origins)
    _validate(settings, origins)
    return settings


def describe_settings() -> list[tuple[str, str, str, str]]:
    """(toml key, environment variable, default, description) for every setting."""
    rows = []
    for section, cls in SECTIONS.items():
        for f in fields(cls):
            default = f.default_factory() if callable(f.default_factory) else f.default
            rows.append(
                (f"[{section}] {f.name}", f"{ENV_PREFIX}{section.upper()}_{f.name.upper()}",
                 repr(default), f.metadata.get("doc", ""))
            )
    return rows


def default_config_text() -> str:
    """The commented babelwire.toml written by ``babelwire init``."""
    lines = ["# babelwire settings. Every key can be overridden by BABELWIRE_<SECTION>_<KEY>.", ""]
    for section, cls in SECTIONS.items():
        lines.append(f"[{section}]")
        for f in fields(cls):
            default = f.default_factory() if callable(f.default_factory) else f.default
            lines.append(f"# {f.metadata.get('doc', '')}")
            lines.append(f"# {f.name} = {_toml_value(default)}")
        lines.append("")
    return "\n".join(lines)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return str(value)
