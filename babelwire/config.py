"""Settings: defaults here, overridden by ``babelwire.toml`` in the home folder, overridden by
``BABELWIRE_<SECTION>_<KEY>`` environment variables.

This module is the one place where every setting and its default is documented; the README's
settings table is generated from it (``babelwire config show``).

Each section is a pydantic model with typed fields (durations are ``timedelta``), and the rules a
value must satisfy are the fields' constraints, so settings are parsed and checked once, when they
are loaded. :func:`load_settings` merges the toml file and the environment into one dict,
remembering which file or variable set each key, and validates it with plain
``Settings.model_validate``; the first error's ``loc`` then names its source. pydantic-settings
is not used: it reads the environment its own way (lists as JSON, not ``en,de``) and its errors do
not say which source a bad value came from, so keeping our names and messages would take more code
than the merge below.
"""

from __future__ import annotations

import contextlib
import os
import re
import tomllib
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any, Literal, get_args
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SecretStr,
    TypeAdapter,
    ValidationError,
    create_model,
)

from babelwire.errors import ConfigError

CONFIG_NAME = "babelwire.toml"
DATABASE_NAME = "babelwire.db"
ENV_PREFIX = "BABELWIRE_"
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*$")
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


class Duration(timedelta):
    """A timedelta that keeps the spelling it was read from, so ``"48h"`` is shown as set, not as ``"2d"``."""

    text = ""

    def __reduce__(self) -> tuple[Any, ...]:  # copies and pickles keep the spelling
        return _duration, (self.text or f"{self.total_seconds():g}s",)


def parse_duration(value: str | int | float | timedelta) -> float:
    """Seconds from ``90``, ``"90s"``, ``"15m"``, ``"2h"``, ``"1d"`` (or a ``timedelta``)."""
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, int | float):
        return float(value)
    match = _DURATION.match(value)
    if not match:
        raise ConfigError(f"not a duration: {value!r} (use e.g. 90s, 15m, 2h, 1d)")
    return float(match.group(1)) * _UNITS[match.group(2)]


def format_duration(seconds: float | timedelta) -> str:
    """``"15m"`` for 900 seconds or ``timedelta(minutes=15)``; a :class:`Duration` as it was written."""
    if isinstance(seconds, Duration) and seconds.text:
        return seconds.text
    if isinstance(seconds, timedelta):
        seconds = seconds.total_seconds()
    for unit in ("w", "d", "h", "m"):
        if seconds >= _UNITS[unit] and seconds % _UNITS[unit] == 0:
            return f"{int(seconds // _UNITS[unit])}{unit}"
    return f"{seconds:g}s"


def shown_value(value: Any) -> Any:
    """A setting's value as babelwire.toml spells it (durations as ``"30m"``): what ``config show``
    prints and ``config show --json`` emits."""
    if isinstance(value, SecretStr):  # secrets are never shown
        return "********" if value.get_secret_value() else ""
    return format_duration(value) if isinstance(value, timedelta) else value


# ---------------------------------------------------------------- field types


def _duration(value: Any) -> Any:
    """A :class:`Duration` from ``"90s"``, ``"15m"``, ``"2h"``…; other values as they are (pydantic
    reads numbers as seconds)."""
    if not isinstance(value, str):
        return value
    try:
        duration = Duration(seconds=parse_duration(value))
    except (ConfigError, OverflowError) as exc:
        raise ValueError(getattr(exc, "reason", f"not a duration: {value!r}")) from exc
    duration.text = "".join(value.split())
    return duration


def _comma_list(value: Any) -> Any:
    return [part.strip() for part in value.split(",") if part.strip()] if isinstance(value, str) else value


def _flag(value: Any) -> Any:
    return (value.strip() or "false") if isinstance(value, str) else value


def _url(*schemes: str) -> AfterValidator:
    """Empty, or a URL of one of ``schemes`` (``postgresql+psycopg`` counts as ``postgresql``)."""
    def check(value: str) -> str:
        parts = urlsplit(value)
        if value and (parts.scheme.split("+")[0] not in schemes or not (parts.netloc or parts.path.strip("/"))):
            names = ", ".join(schemes[:-1]) + " or " + schemes[-1] if len(schemes) > 1 else schemes[0]
            raise ValueError(f"must be a {names} URL")
        return value
    return AfterValidator(check)


def _languages(value: list[str]) -> list[str]:
    from babelwire.languages import is_known

    if not value:
        raise ValueError("needs at least one language code")
    unknown = [code for code in value if not is_known(code)]
    if unknown:
        raise ValueError(f"unknown language code(s) {', '.join(map(repr, unknown))}")
    return value


def _engine(value: str) -> str:
    from babelwire.translate.engines import ENGINES

    if value not in ENGINES:
        raise ValueError(f"must be one of {', '.join(ENGINES)}")
    return value


#: "90s", "15m", "2h", "1d" or a number of seconds, read into a timedelta.
DurationSetting = Annotated[timedelta, BeforeValidator(_duration)]
#: A toml list, or a comma-separated string (environment variables).
Names = Annotated[list[str], BeforeValidator(_comma_list)]
#: true/false, 1/0, yes/no, on/off; an empty string is false.
Flag = Annotated[bool, BeforeValidator(_flag)]
HttpUrl = Annotated[str, _url("http", "https")]


class _Section(BaseModel):
    # validate_assignment: code and tests may set a value in settings' own spelling
    # (``settings.poll.refresh_window = "0s"``) and still read a timedelta back.
    model_config = ConfigDict(extra="forbid", validate_assignment=True, coerce_numbers_to_str=True)


# ---------------------------------------------------------------- sections


class FetchSettings(_Section):
    user_agent: str = Field(
        "babelwire/0.1 (+https://github.com/babelwire/babelwire; news translation bot)",
        description="User-Agent sent with every request and matched against robots.txt.",
    )
    connect_timeout: float = Field(10.0, gt=0, description="Seconds to establish a connection.")
    read_timeout: float = Field(20.0, gt=0, description="Seconds to wait for data.")
    total_timeout: float = Field(60.0, gt=0, description=(
        "Seconds one URL may take in all (connect, headers, the whole body, every redirect, retry and backoff "
        "wait); waits for our own politeness slots and robots.txt are not counted."))
    max_bytes: int = Field(10 * 1024 * 1024, ge=1024, description="Largest body accepted, in bytes.")
    max_decompressed_bytes: int = Field(
        40 * 1024 * 1024, ge=1024, description="Largest body after gzip/deflate/brotli decoding (zip bombs).",
    )
    max_redirects: int = Field(5, ge=0, le=30, description="Redirect hops followed.")
    retries: int = Field(3, ge=0, le=20, description="Retries on timeouts, 5xx and 429.")
    backoff: float = Field(1.0, ge=0, description="Base of exponential backoff, seconds.")
    max_backoff: float = Field(60.0, ge=0, description="Longest wait between retries, seconds.")
    host_delay: float = Field(1.0, ge=0, description="Pause between requests to one host, seconds.")
    host_concurrency: int = Field(2, ge=1, description="Concurrent requests per host.")
    concurrency: int = Field(8, ge=1, description="Concurrent requests overall.")
    respect_robots: Flag = Field(True, description="Obey robots.txt.")
    allow_private: Flag = Field(
        False, description="Allow loopback/private/link-local/reserved addresses (local use, tests).",
    )
    allow_hosts: Names = Field(
        default_factory=list, description="Host names exempt from the address guard (e.g. an intranet news server).",
    )


class PollSettings(_Section):
    every: DurationSetting = Field(
        _duration("30m"), ge=timedelta(minutes=1), description="Default poll interval of a new source.")
    refresh_window: DurationSetting = Field(
        _duration("48h"), ge=timedelta(0),
        description="Articles first seen this recently are re-fetched on every poll.",
    )
    max_entries: int = Field(300, ge=1, description="Most article URLs taken from one feed or sitemap.")
    max_attempts: int = Field(5, ge=1, description="Polls that retry an article URL that keeps failing.")
    workers: int = Field(4, ge=1, le=256, description="Threads fetching and extracting articles.")
    tick: DurationSetting = Field(
        _duration("60s"), ge=timedelta(seconds=0.1), description="How often `babelwire run` looks for due sources.")


class DatabaseSettings(_Section):
    url: Annotated[str, _url("sqlite", "postgresql", "postgres")] = Field(
        "", description="SQLAlchemy URL; empty means SQLite babelwire.db in the home folder.")


class TranslateSettings(_Section):
    to: Annotated[Names, AfterValidator(_languages)] = Field(
        default_factory=lambda: ["en"], description="Target languages.")
    engine: Annotated[str, AfterValidator(_engine)] = Field("auto", description=(
        "auto (per pair: an installed ct2 model, else Apertium, else a configured HTTP engine), ct2, apertium, "
        "libretranslate, deepl or openai."))
    model: str = Field("", description="Model folder for ct2; empty: the pulled model for the pair.")
    enabled: Flag = Field(True, description="Translate new revisions while polling.")
    device: Literal["auto", "cpu", "cuda"] = Field("auto", description="ct2 device: auto, cpu or cuda.")
    compute_type: Literal["auto", "default", "int8", "int8_float32", "int8_float16", "int8_bfloat16", "int16",
                          "float16", "bfloat16", "float32"] = Field(
        "auto", description="ct2 compute type; auto: int8 on CPU, float16 on GPU.")
    threads: int = Field(0, ge=0, le=1024, description="ct2 CPU threads; 0: all cores.")
    beam_size: int = Field(4, ge=1, le=64, description="Beam width for ct2 decoding (1 = greedy).")
    batch_size: int = Field(32, ge=1, le=4096, description="Sentences per engine batch.")
    timeout: float = Field(60.0, gt=0, description="Seconds per request to HTTP engines.")
    libretranslate_url: HttpUrl = Field("http://127.0.0.1:5000", description="LibreTranslate base URL.")
    libretranslate_api_key: str = Field("", description="LibreTranslate API key, if the server wants one.")
    deepl_url: HttpUrl = Field("https://api-free.deepl.com", description="DeepL API base URL.")
    deepl_api_key: str = Field("", description="DeepL authentication key.")
    openai_url: HttpUrl = Field(
        "http://127.0.0.1:8000/v1", description="OpenAI-compatible base URL (vLLM, Ollama, llama.cpp).")
    openai_api_key: str = Field("", description="API key for the OpenAI-compatible endpoint.")
    openai_model: str = Field("", description="Model name sent to the OpenAI-compatible endpoint.")


class WebSettings(_Section):
    host: str = Field("127.0.0.1", description="Address `serve`/`run` listen on.")
    port: int = Field(8080, ge=0, le=65535, description="Port `serve`/`run` listen on.")
    page_size: int = Field(30, ge=1, le=500, description="Items per page on lists, feeds and the API.")
    base_url: HttpUrl = Field("", description=(
        "Public URL of the reader (links in pages, feeds and the API); empty: from the request's Host, once "
        "checked against allowed_hosts."))
    allowed_hosts: Names = Field(
        default_factory=lambda: ["localhost", "127.0.0.1", "::1"],
        description="Host names the reader answers to (any other Host header gets 400): `name` on the port it "
                    "listens on, `name:port`, `*.example.org` or `*`; the address it listens on, [web] host and "
                    "base_url's host are always allowed. Links come from base_url, else from the checked Host.",
    )
    prerender: int = Field(2000, ge=0, description=(
        "Newest articles (and a quarter as many stories) whose pages the server keeps "
        "pre-rendered; 0: render on first view only."))


class AdminSettings(_Section):
    token: str = Field("", description="Token for the admin API (adding/removing sources); empty: off.")


def _origins(values: list[str]) -> list[str]:
    for origin in values:
        parts = urlsplit(origin)
        if origin != "*" and (parts.scheme not in ("http", "https") or not parts.netloc or parts.path
                              or parts.query or parts.fragment):
            raise ValueError(f"must be origins such as https://dashboard.example.org or *, not {origin!r}")
    return values


class ApiSettings(_Section):
    read_tokens: Names = Field(default_factory=list, description=(
        "Tokens for the JSON API (sent as 'Authorization: Bearer <token>'); empty: the API is public. "
        "With tokens set, /api answers 401 without one and 403 to a wrong one; pages and feeds stay public."))
    rate_limit: int = Field(600, ge=0, description=(
        "Requests per minute each read token may make to /api when read_tokens is set (the admin token counts as "
        "one); 0: no limit."))
    anonymous_rate_limit: int = Field(0, ge=0, description=(
        "Requests per minute each client address may make to /api without a read token (every client, when "
        "read_tokens is empty); 0: no limit."))
    cors_origins: Annotated[Names, AfterValidator(_origins)] = Field(default_factory=list, description=(
        "Origins whose browser scripts may read /api (CORS), e.g. https://dashboard.example.org, or *; "
        "empty: none."))
    docs: Flag = Field(True, description="Serve the API's interactive documentation (Swagger UI, local assets, no CDN) "
                                         "at /docs.")


class StorySettings(_Section):
    window: DurationSetting = Field(_duration("72h"), ge=timedelta(minutes=1),
                             description="Articles join stories whose latest article is this recent.")
    representation: Literal["tfidf", "embedding", "combined"] = Field(
        "tfidf", description="tfidf, embedding or combined (see README, Stories); tfidf measured best.")
    enabled: Flag = Field(True, description="Group translated articles into stories while polling.")


class BrokerSettings(_Section):
    url: Annotated[str, _url("redis", "rediss", "amqp", "amqps", "sqs")] = Field(
        "", description="Celery broker URL (redis://...); empty: the local runner.")
    visibility_timeout: DurationSetting = Field(
        _duration("1h"), ge=timedelta(seconds=1),
        description="Redis redelivers a task whose worker died after this long (longer than any task).",
    )
    heartbeat_interval: DurationSetting = Field(_duration("5s"), ge=timedelta(seconds=0.5), description=(
        "How often a worker process tells Redis it is alive (the work it holds is leased to it while it does)."))
    lease_timeout: DurationSetting = Field(_duration("30s"), ge=timedelta(seconds=1), description=(
        "A worker silent this long is taken for dead: the scheduler puts its unfinished work back at the head "
        "of its queue at once, instead of waiting for visibility_timeout (at least 2 heartbeat intervals)."))
    sweep_interval: DurationSetting = Field(_duration("5s"), ge=timedelta(seconds=0.5), description=(
        "How often `babelwire scheduler` looks for stopped workers and work nobody holds."))


class AlertSettings(_Section):
    digest_every: DurationSetting = Field(_duration("1d"), ge=timedelta(0), description=(
        "A watch's e-mail digest goes out at most this often (its first one this long after the watch was added)."))
    webhook_retries: int = Field(5, ge=0, le=30, description="Retries of a failed webhook call or e-mail.")
    retry_backoff: DurationSetting = Field(_duration("30s"), ge=timedelta(0), description=(
        "Wait before the first retry of a failed delivery, doubled at each further one (at most 1h)."))
    webhook_timeout: float = Field(10.0, gt=0, description="Seconds a webhook receiver has to answer.")


#: The [mail] section: ``from`` is a Python keyword, so the model is built with create_model
#: (read it as ``getattr(settings.mail, "from")``, or :func:`mail_sender`).
MailSettings = create_model(
    "MailSettings", __base__=_Section, __doc__="SMTP server for watch e-mails.",
    host=(str, Field("", description="SMTP server for watch e-mails; empty: e-mail off.")),
    port=(int, Field(587, ge=1, le=65535, description="SMTP port (587 submission, 25 relay, 465 is not supported).")),
    starttls=(Flag, Field(True, description="Upgrade the connection with STARTTLS before logging in.")),
    user=(str, Field("", description="SMTP user name; empty: no login.")),
    password=(SecretStr, Field(SecretStr(""), description="SMTP password (never shown or logged).")),
    timeout=(float, Field(30.0, gt=0, description="Seconds to wait for the SMTP server.")),
    **{"from": (str, Field("babelwire@localhost", description="Sender address of watch e-mails."))},
)


def mail_sender(settings: Settings) -> str:
    """The ``[mail] from`` address."""
    return str(getattr(settings.mail, "from"))


class Settings(_Section):
    home: Path
    fetch: FetchSettings = Field(default_factory=FetchSettings)
    poll: PollSettings = Field(default_factory=PollSettings)
    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    translate: TranslateSettings = Field(default_factory=TranslateSettings)
    web: WebSettings = Field(default_factory=WebSettings)
    admin: AdminSettings = Field(default_factory=AdminSettings)
    api: ApiSettings = Field(default_factory=ApiSettings)
    stories: StorySettings = Field(default_factory=StorySettings)
    broker: BrokerSettings = Field(default_factory=BrokerSettings)
    mail: MailSettings = Field(default_factory=MailSettings)  # type: ignore[valid-type]
    alerts: AlertSettings = Field(default_factory=AlertSettings)

    @property
    def config_path(self) -> Path:
        return self.home / CONFIG_NAME

    @property
    def database_url(self) -> str:
        return self.database.url or f"sqlite:///{self.home / DATABASE_NAME}"

    @property
    def models_dir(self) -> Path:
        return self.home / "models"


SECTIONS: dict[str, type[_Section]] = {
    name: info.annotation for name, info in Settings.model_fields.items() if name != "home"  # type: ignore[misc]
}


def default_home() -> Path:
    """``$BABELWIRE_HOME``, else ``$XDG_DATA_HOME/babelwire``, else ``~/.local/share/babelwire``."""
    if os.environ.get("BABELWIRE_HOME"):
        return Path(os.environ["BABELWIRE_HOME"]).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "babelwire"


def _env_name(section: str, key: str) -> str:
    return f"{ENV_PREFIX}{section.upper()}_{key.upper()}"


def load_settings(home: Path | str | None = None, environ: dict[str, str] | None = None) -> Settings:
    """Settings for a home folder: defaults < babelwire.toml < environment.

    Every value is checked here, so a bad one is reported (with the file or variable that set it)
    before any work starts, not halfway through."""
    environ = os.environ if environ is None else environ
    home_path = Path(home).expanduser() if home else default_home()
    if home_path.exists() and not home_path.is_dir():
        raise ConfigError(f"the home folder {home_path} is a file; choose a folder with --home or BABELWIRE_HOME")
    data: dict[str, dict[str, Any]] = {section: {} for section in SECTIONS}
    origins: dict[tuple[str, str], str] = {}  # (section, key) → the file or variable that set it
    config_file = home_path / CONFIG_NAME
    if config_file.exists():
        try:
            parsed = tomllib.loads(config_file.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{config_file}: {exc}") from exc
        for section, values in parsed.items():
            if section not in SECTIONS or not isinstance(values, dict):
                raise ConfigError(f"{config_file}: unknown section [{section}]")
            data[section].update(values)
            origins.update({(section, key): str(config_file) for key in values})
    for section, model in SECTIONS.items():
        for key in model.model_fields:
            if (env_name := _env_name(section, key)) in environ:
                data[section][key] = environ[env_name]
                origins[section, key] = env_name
    try:
        settings = Settings.model_validate({"home": home_path, **data})
    except ValidationError as exc:
        raise _config_error(exc.errors()[0], origins) from exc
    broker = settings.broker
    if broker.lease_timeout < 2 * broker.heartbeat_interval:
        where = origins.get(("broker", "lease_timeout"), origins.get(("broker", "heartbeat_interval"), "default"))
        raise ConfigError(f"{where}: setting [broker] lease_timeout = {format_duration(broker.lease_timeout)!r} "
                          f"must be at least twice heartbeat_interval ({format_duration(broker.heartbeat_interval)!r}),"
                          " or a busy worker looks dead")
    return settings


def _config_error(error: Any, origins: dict[tuple[str, str], str]) -> ConfigError:
    """``<file or variable>: setting [section] key = <value> <problem>`` for a pydantic error."""
    section, key = error["loc"][:2]
    where = origins.get((section, key), "default")
    if error["type"] == "extra_forbidden":
        return ConfigError(f"{where}: unknown setting [{section}] {key}")
    field = SECTIONS[section].model_fields[key]
    value = error["input"]
    with contextlib.suppress(ValueError):  # show the value as the check saw it: -1.0 for "-1", a list for "a,b"
        for step in field.metadata:
            if isinstance(step, BeforeValidator):
                value = step.func(value)
        value = TypeAdapter(field.annotation, config=ConfigDict(coerce_numbers_to_str=True)).validate_python(value)
    return ConfigError(f"{where}: setting [{section}] {key} = {shown_value(value)!r} {_problem(error, field)}")


def _problem(error: Any, field: Any) -> str:
    kind = error["type"]
    bounds = {name: getattr(m, name) for m in field.metadata for name in ("gt", "ge", "le") if hasattr(m, name)}
    if kind in ("greater_than_equal", "less_than_equal") and {"ge", "le"} <= bounds.keys():
        return f"must be between {bounds['ge']} and {bounds['le']}"
    if kind in ("greater_than", "greater_than_equal"):
        bound = bounds["gt" if kind == "greater_than" else "ge"]
        shown = format_duration(bound) if isinstance(bound, timedelta) else f"{bound:g}"
        return f"must be {'greater than' if kind == 'greater_than' else 'at least'} {shown}"
    if kind == "literal_error":
        return f"must be one of {', '.join(get_args(field.annotation))}"
    if kind == "value_error":
        return str(error["ctx"]["error"])
    return f"is not valid: {error['msg'][0].lower()}{error['msg'][1:]}"


def describe_settings() -> list[tuple[str, str, str, str]]:
    """(toml key, environment variable, default, description) for every setting."""
    return [
        (f"[{section}] {key}", _env_name(section, key),
         repr(shown_value(info.get_default(call_default_factory=True))), info.description or "")
        for section, model in SECTIONS.items()
        for key, info in model.model_fields.items()
    ]


def default_config_text() -> str:
    """The commented babelwire.toml written by ``babelwire init``."""
    lines = ["# babelwire settings. Every key can be overridden by BABELWIRE_<SECTION>_<KEY>.", ""]
    for section, model in SECTIONS.items():
        lines.append(f"[{section}]")
        for key, info in model.model_fields.items():
            lines.append(f"# {info.description or ''}")
            lines.append(f"# {key} = {_toml_value(shown_value(info.get_default(call_default_factory=True)))}")
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
