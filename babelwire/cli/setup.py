"""``babelwire init`` and ``babelwire config show``: create the home folder, show the settings."""

from __future__ import annotations

import sys
from typing import Annotated, Any
from urllib.parse import urlsplit, urlunsplit

import typer
from rich.markup import escape

from babelwire.cli.app import (
    DownloadProgress,
    app,
    check_lang,
    config_app,
    console,
    err_console,
    fail,
    open_store,
    print_json,
    settings,
)
from babelwire.config import CONFIG_NAME, Settings, default_config_text, describe_settings, shown_value
from babelwire.errors import BabelwireError


@app.command()
def init(
    source_lang: Annotated[str | None, typer.Option(
        "--from", help="Language your sources publish in, e.g. fr: offers its translation model.",
        callback=check_lang)] = None,
    pull_model: Annotated[bool | None, typer.Option(
        "--pull-model/--no-pull-model",
        help="Download the model for --from → each target language (default: ask when interactive).")] = None,
) -> None:
    """Create the home folder with a commented babelwire.toml and an empty database."""
    cfg = settings()
    try:
        cfg.home.mkdir(parents=True, exist_ok=True)
        if not cfg.config_path.exists():
            cfg.config_path.write_text(default_config_text(), encoding="utf-8")
            console.print(f"wrote {escape(str(cfg.config_path))}")
        else:
            console.print(f"kept existing {escape(str(cfg.config_path))}")
    except OSError as exc:
        raise fail(f"cannot create the home folder {cfg.home}: {exc.strerror or exc} (choose another with --home)",
                   1) from exc
    open_store(cfg).close()
    console.print(f"database ready: {escape(cfg.database_url)}")
    if source_lang is None and pull_model is not False and sys.stdin.isatty():
        answer = typer.prompt("Language your sources publish in (e.g. fr; empty to skip)", default="",
                              show_default=False, err=True).strip()
        source_lang = check_lang(answer) if answer else None
    if source_lang and source_lang != "auto":
        for target in cfg.translate.to:
            _offer_model(cfg, source_lang, target, pull_model)
    console.print("next: `babelwire source add URL` (a feed, a sitemap or a site's home page), then "
                  "`babelwire poll` and `babelwire serve` — or `babelwire run` for both on a schedule",
                  soft_wrap=True)


def _offer_model(cfg: Settings, source: str, target: str, pull: bool | None) -> None:
    """Pull the neural model for a pair unless one is installed; say which engine is used otherwise."""
    from babelwire.languages import base_language
    from babelwire.translate.engines import NoEngineError, resolve_engine
    from babelwire.translate.models import LicenseNotAccepted, choose_model, pull_model

    if base_language(source) == base_language(target):
        return
    try:
        engine, _model = resolve_engine(cfg, source, target)
    except NoEngineError:
        engine = None
    if engine == "ct2":
        console.print(f"{source}→{target}: a neural model is installed")
        return
    try:
        choose_model(source, target)  # a pair no model family serves says so here
    except BabelwireError as exc:
        console.print(f"{source}→{target}: {escape(exc.reason)}")
        return
    now = f"translating with {engine} until then" if engine else "articles stay untranslated until then"
    if pull is None and not sys.stdin.isatty():
        skipped = "download not offered: no terminal to ask; --pull-model downloads it"
    elif pull is None:
        pull = typer.confirm(f"Download a {source}→{target} translation model (OPUS-MT)?", default=True, err=True)
        skipped = "download declined"
    else:
        skipped = "download skipped: --no-pull-model"
    if not pull:
        console.print(f"{source}→{target}: no neural model ({skipped}); `babelwire models pull {source} {target}` "
                      f"downloads one ({now})", soft_wrap=True, markup=False)
        return
    try:
        try:
            with DownloadProgress() as progress:
                path = pull_model(source, target, cfg.models_dir, progress=progress)
        except LicenseNotAccepted as exc:
            # Only NLLB-200 serves the pair, for non-commercial use only: never pulled silently.
            if not sys.stdin.isatty():
                console.print(f"no neural model: {exc.reason}; {now}", soft_wrap=True, markup=False)
                return
            err_console.print(escape(exc.reason), soft_wrap=True)
            if not typer.confirm("Accept NLLB-200's non-commercial licence and download it?", default=False,
                                 err=True):
                console.print(f"{source}→{target}: no neural model (licence not accepted); {now}",
                              soft_wrap=True, markup=False)
                return
            with DownloadProgress() as progress:
                path = pull_model(source, target, cfg.models_dir, progress=progress, accept_license=True)
    except BabelwireError as exc:
        raise fail(f"{source}→{target}: model download failed ({now}): {exc.reason}", 1) from exc
    console.print(f"installed {escape(str(path))}")


# Settings whose values are secrets: `config show` says whether they are set, never what they are.
_SECRETS = {("admin", "token"), ("api", "read_tokens"), ("mail", "password")}


def _shown(section: str, name: str, value: Any) -> Any:
    """A setting's value as `config show` prints it: secrets masked, a database URL without its password."""
    value = shown_value(value)
    if (section, name) in _SECRETS:
        if isinstance(value, list):
            return ["********" for _ in value]
        return "********" if value else ""
    if (section, name) == ("database", "url") and isinstance(value, str):
        parts = urlsplit(value)
        if parts.password:
            port = f":{parts.port}" if parts.port else ""
            netloc = f"{parts.username or ''}:********@{parts.hostname or ''}{port}"
            return urlunsplit(parts._replace(netloc=netloc))
    return value


@config_app.command("show")
def config_show(as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False) -> None:
    """Every setting: toml key, environment variable, default, current value."""
    cfg = settings()
    if as_json:
        print_json([
            {"setting": key, "env": env, "default": default, "doc": doc,
             "current": _shown(*key.strip("[").split("] "), getattr(getattr(cfg, key.strip("[").split("] ")[0]),
                                                                  key.split("] ")[1]))}
            for key, env, default, doc in describe_settings()
        ])
        return
    # One setting per paragraph, not a table: variable names stay whole at 80 columns.
    console.print(f"settings from {cfg.home / CONFIG_NAME} and BABELWIRE_* variables", markup=False)
    shown_section = None
    for key, env, default, doc in describe_settings():
        section, name = key.strip("[").split("] ")
        if section != shown_section:
            console.print(f"\n[{section}]", markup=False, style="bold")
            shown_section = section
        current = repr(_shown(section, name, getattr(getattr(cfg, section), name)))
        changed = "" if current == default else f"   (default {default})"
        console.print(f"{name} = {current}{changed}", markup=False, soft_wrap=True)
        console.print(f"    {env}: {doc}", markup=False, style="dim")
