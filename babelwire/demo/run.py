"""``babelwire demo``: the whole product on a fresh machine, from bundled sample news pages.

Serves two fictional French outlets on loopback, watches their feeds, polls, publishes an update
of one article and polls again (so revisions and their diff exist), translates with the best
engine this machine has, then serves the reader.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from babelwire.config import Settings, default_home, load_settings
from babelwire.demo.site import DemoSite
from babelwire.errors import ConfigError, ModelError, TranslationError
from babelwire.pipeline.local import PollSummary, poll
from babelwire.pipeline.subscriptions import add_source
from babelwire.store import Store
from babelwire.store.sources import article_ids_by_url, count_rows, delete_all_rows

log = logging.getLogger(__name__)
MARKER = ".babelwire-demo"  # marks a folder the demo created, so it may reset it
SOURCE, TARGET = "fr", "en"
INSTALL_ADVICE = (
    "no translation engine for French→English is available: run `babelwire models pull fr en` on a machine "
    "with internet (or `babelwire models import DIR`), or install Apertium with "
    "`sudo apt-get install apertium apertium-fr-es apertium-eng-spa`"
)

Step = Callable[[str], None]


@dataclass
class EngineChoice:
    name: str  # ct2 | apertium | ...
    model: Path | None = None
    detail: str = ""


@dataclass
class DemoSummary:
    home: Path
    site_url: str
    engine: EngineChoice
    sources: int = 0
    articles: int = 0
    revisions: int = 0
    translations: int = 0
    stories: int = 0
    updated_article_id: int | None = None
    event_article_ids: list[int] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)
    reader_url: str | None = None


def default_demo_home() -> Path:
    """``$XDG_DATA_HOME/babelwire-demo``, else ``~/.local/share/babelwire-demo``."""
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "babelwire-demo"


def prepare_home(home: Path) -> None:
    """Create the demo home (or reuse one the demo made before); refuse any other non-empty
    folder: it could be someone's real babelwire home."""
    home = home.expanduser()
    if home.exists() and any(home.iterdir()) and not (home / MARKER).exists():
        raise ConfigError(f"{home} is not empty and was not created by `babelwire demo`; "
                          "choose an empty or new folder with --home")
    home.mkdir(parents=True, exist_ok=True)
    (home / MARKER).write_text("created by `babelwire demo`; safe to delete\n", encoding="utf-8")


def empty_store(store: Store) -> None:
    """Delete every row, so each demo run starts afresh (the sample site's port changes per run)."""
    # Rows, not the file: the store migrates a database URL once per process.
    delete_all_rows(store)


def demo_settings(home: Path) -> Settings:
    """Defaults for the demo home, with the demo's loopback host (only) allowed to be fetched."""
    # The environment is ignored on purpose: BABELWIRE_DATABASE_URL or a home folder meant for real
    # use must never receive demo data.
    settings = load_settings(home, environ={})
    settings.database.url = ""
    settings.fetch.allow_hosts = ["127.0.0.1"]
    settings.fetch.host_delay = 0.0  # our own server: no politeness pause needed
    settings.fetch.retries = 1
    settings.translate.to = [TARGET]
    return settings


def choose_engine(settings: Settings, *, pull: bool | None = True, on_step: Step | None = None,
                  confirm: Callable[[str], bool] | None = None,
                  progress: Callable[[int, int], None] | None = None) -> EngineChoice:
    """The best fr→en engine here: an installed CTranslate2 model (demo home, then the regular
    home), else one pulled from the OPUS-MT release storage into the regular home (so that real
    polls use it too), else Apertium; raises TranslationError saying what to install when there
    is none.

    ``pull``: True downloads without asking, False never does, None asks ``confirm`` (the
    question as argument) and skips when there is nobody to ask."""
    from babelwire.translate.models import choose_model, find_model, pull_model

    shared_models = default_home() / "models"
    for models_dir in (settings.models_dir, shared_models):
        model = find_model(models_dir, SOURCE, TARGET)
        if model is not None:
            return EngineChoice("ct2", model, f"CTranslate2 model {model.name}")
    reasons = []
    choice = choose_model(SOURCE, TARGET)
    if pull is None:
        question = (f"No French→English model is installed. Download {choice.local_name} (OPUS-MT, about 300 MB, "
                    f"licence CC-BY 4.0) into {shared_models}?")
        if confirm is None:
            reasons.append("model download skipped: nobody to ask (pass --pull-model to download)")
            pull = False
        else:
            pull = confirm(question)
            if not pull:
                reasons.append("model download declined")
    elif not pull:
        reasons.append("model download skipped (--no-pull-model)")
    if pull:
        if on_step:
            on_step(f"downloading {choice.local_name} into {shared_models} (Ctrl-C to skip)")
        try:
            model = pull_model(SOURCE, TARGET, shared_models, progress=progress)
            return EngineChoice("ct2", model, f"CTranslate2 model {model.name} (just downloaded)")
        except ModelError as exc:
            log.info("model download failed: %s", exc.reason)
            reasons.append(f"model download failed: {exc.reason}")
        except KeyboardInterrupt:
            reasons.append("model download interrupted")
    from babelwire.translate.engines.apertium import ApertiumEngine

    if ApertiumEngine(source=SOURCE, target=TARGET).supports(SOURCE, TARGET):
        why = f"; {reasons[0]}" if reasons else ""
        detail = (f"Apertium (rule-based{why}); for a neural translation run "
                  f"`babelwire models pull {SOURCE} {TARGET}`")
        return EngineChoice("apertium", None, detail)
    raise TranslationError(INSTALL_ADVICE + (f" ({reasons[0]})" if reasons else ""))


def _count(store: Store, summary: DemoSummary, site: DemoSite) -> None:
    """Fill in what the demo stored, and which articles are the shared event's and the updated one."""
    counts = count_rows(store)
    summary.sources = counts.sources
    summary.articles = counts.articles
    summary.revisions = counts.revisions
    summary.translations = counts.translations
    summary.stories = counts.stories
    ids = article_ids_by_url(store)
    summary.event_article_ids = [ids[site.url(p)] for p in site.event_paths if site.url(p) in ids]
    updated = [ids[site.url(p)] for p in site.updated_paths if site.url(p) in ids]
    summary.updated_article_id = updated[0] if updated else None


def _note_errors(summary: DemoSummary, result: PollSummary) -> None:
    summary.errors.extend(result.errors)
    for where, reason in result.errors:
        log.warning("demo poll: %s: %s", where, reason)


def run_demo(
    *, home: Path | None = None, host: str = "127.0.0.1", port: int = 8080, serve: bool = True,
    engine: str | None = None, pull: bool | None = True, on_step: Step | None = None,
    on_ready: Callable[[DemoSummary], None] | None = None, log_level: str = "warning",
    confirm: Callable[[str], bool] | None = None, progress: Callable[[int, int], None] | None = None,
) -> DemoSummary:
    """Build the demo store and, with ``serve``, serve the reader until Ctrl-C.

    ``engine`` forces a translation engine (e.g. ``"apertium"``); ``pull`` as in
    ``choose_engine`` (True: download a model if none is installed, None: ask ``confirm``);
    ``on_step`` receives progress lines; ``on_ready`` gets the summary once
    the reader's URL is known (before serving blocks)."""
    step = on_step or (lambda message: log.info("%s", message))
    home = (home or default_demo_home()).expanduser()
    prepare_home(home)
    settings = demo_settings(home)
    choice = (EngineChoice(engine) if engine and engine != "auto"
              else choose_engine(settings, pull=pull, on_step=step, confirm=confirm, progress=progress))
    settings.translate.engine = choice.name
    settings.translate.model = str(choice.model) if choice.model else ""
    step(f"translating with {choice.detail or choice.name}")
    store = Store(settings.database_url)
    empty_store(store)
    site = DemoSite().start()
    try:
        summary = DemoSummary(home=home, site_url=site.server.base_url, engine=choice)
        for outlet in site.outlets:
            add_source(store, settings, outlet.feed_url, "feed", name=outlet.name, language=SOURCE)
        step(f"sample outlets served at {site.server.base_url}; polling their feeds")
        _note_errors(summary, poll(store, settings, all_sources=True))
        step("an outlet updates its article (“Détails à suivre…” replaced); polling again")
        site.publish_update()
        _note_errors(summary, poll(store, settings, all_sources=True))
        _count(store, summary, site)
        step(f"{summary.articles} articles, {summary.revisions} revisions, {summary.translations} translations, "
             f"{summary.stories} stories")
        if not serve:
            if on_ready:
                on_ready(summary)
            return summary
        from babelwire.server import ReaderServer, reader_app

        # The sample site keeps running while the reader is up: the "original" links point at it.
        server = ReaderServer(reader_app(store, settings), host=host, port=port, log_level=log_level)
        summary.reader_url = server.url
        if on_ready:
            on_ready(summary)
        server.run()
        return summary
    finally:
        site.stop()
        store.close()
