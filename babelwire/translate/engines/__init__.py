"""Engine registry: turn ``[translate] engine`` (or a per-source override) into an engine.

``auto`` (the default) picks, per language pair, the best engine this machine has: an installed
CTranslate2 model, else an installed Apertium pair (a direct pair before a pivot chain), else a
configured HTTP engine. When none can translate the pair, ``NoEngineError`` says which command
fixes it, and the article is kept untranslated with that reason.
"""

from __future__ import annotations

import threading
from pathlib import Path

from babelwire.config import Settings
from babelwire.errors import ModelError, TranslationError
from babelwire.translate.engines.base import TranslationEngine

ENGINES = ("auto", "ct2", "apertium", "libretranslate", "deepl", "openai")


class NoEngineError(TranslationError):
    """No engine on this machine can translate the pair; the reason names the command that fixes it."""


def no_engine_advice(source: str, target: str) -> str:
    """What to run so that ``source`` → ``target`` can be translated."""
    return (f"no translation engine for {source}→{target} on this machine: run `babelwire models pull "
            f"{source} {target}` (a neural model, no GPU needed), or install an Apertium pair "
            f"(`sudo apt-get install apertium apertium-{source}-{target}`), or configure an HTTP engine "
            "([translate] engine = libretranslate, deepl or openai)")


def _http_engine_configured(settings: Settings) -> str | None:
    """The HTTP engine the settings set up beyond the defaults, if any."""
    from babelwire.config import TranslateSettings

    cfg, defaults = settings.translate, TranslateSettings()
    if cfg.deepl_api_key:
        return "deepl"
    if cfg.openai_model:
        return "openai"
    if cfg.libretranslate_api_key or cfg.libretranslate_url != defaults.libretranslate_url:
        return "libretranslate"
    return None


def _may_serve(model_dir: Path, source: str, target: str) -> bool:
    """False when the model's manifest names its languages and the pair is not among them (a
    ``[translate] model`` set for fr→en must not "translate" a German source); True otherwise."""
    from babelwire.languages import base_language
    from babelwire.translate.engines.ct2 import read_manifest

    try:
        manifest = read_manifest(model_dir)
    except ModelError:
        return True  # let the engine report the broken folder
    src, tgt = base_language(source), base_language(target)
    if manifest.get("pairs"):
        return [src, tgt] in [list(pair) for pair in manifest["pairs"]]
    if manifest.get("languages"):
        return src in manifest["languages"] and tgt in manifest["languages"]
    return True


def resolve_engine(settings: Settings, source: str, target: str) -> tuple[str, Path | None]:
    """The engine ``auto`` uses for a pair: (``ct2``, model folder), (``apertium``, None) or an HTTP
    engine's name; raises NoEngineError when nothing here translates the pair."""
    from babelwire.translate.engines.apertium import ApertiumEngine
    from babelwire.translate.models import find_model

    cfg = settings.translate
    if cfg.model and _may_serve(Path(cfg.model).expanduser(), source, target):
        return "ct2", Path(cfg.model).expanduser()
    model_dir = find_model(settings.models_dir, source, target)
    if model_dir is not None:
        return "ct2", model_dir
    apertium = ApertiumEngine(source=source, target=target)
    if apertium.supports(source, target):  # route() is the shortest chain: a direct pair first
        return "apertium", None
    http = _http_engine_configured(settings)
    if http is not None:
        return http, None
    raise NoEngineError(no_engine_advice(source, target))


def create_engine(
    name: str, settings: Settings, source: str, target: str, *, model: str | Path | None = None
) -> TranslationEngine:
    """An engine able to translate ``source`` → ``target``; raises TranslationError/ModelError
    with what to install or run when it cannot."""
    cfg = settings.translate
    if name == "auto":
        name, resolved = ("ct2", None) if model else resolve_engine(settings, source, target)
        model = model or resolved
    if name == "ct2":
        from babelwire.translate.engines.ct2 import CT2Engine
        from babelwire.translate.models import find_model

        model_dir = Path(model).expanduser() if model else (Path(cfg.model).expanduser() if cfg.model else None)
        if model_dir is None:
            model_dir = find_model(settings.models_dir, source, target)
        if model_dir is None:
            raise ModelError(
                f"no translation model installed for {source}→{target}: run `babelwire models pull {source} "
                f"{target}` (or `babelwire models import DIR`, or set [translate] model), or use another "
                "engine, e.g. BABELWIRE_TRANSLATE_ENGINE=apertium"
            )
        return CT2Engine(model_dir, device=cfg.device, compute_type=cfg.compute_type, threads=cfg.threads,
                         beam_size=cfg.beam_size, batch_size=cfg.batch_size)
    if name == "apertium":
        from babelwire.translate.engines.apertium import ApertiumEngine

        engine = ApertiumEngine(source=source, target=target)
        if not engine.supports(source, target):
            from babelwire.translate.engines.apertium import INSTALL_HINT

            raise TranslationError(f"Apertium cannot translate {source}→{target} with the installed pairs "
                                   f"({INSTALL_HINT})")
        return engine
    if name == "libretranslate":
        from babelwire.translate.engines.libretranslate import LibreTranslateEngine

        return LibreTranslateEngine.from_settings(cfg)
    if name == "deepl":
        from babelwire.translate.engines.deepl import DeepLEngine

        return DeepLEngine.from_settings(cfg)
    if name == "openai":
        from babelwire.translate.engines.openai import OpenAIEngine

        return OpenAIEngine.from_settings(cfg)
    raise TranslationError(f"unknown translation engine {name!r} (choose from {', '.join(ENGINES)})")


class EngineCache:
    """Engines are expensive to build (a ct2 model load): keep one per (engine, model, pair)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._engines: dict[tuple[str, str, str, str], TranslationEngine] = {}
        self._lock = threading.Lock()

    def get(self, name: str, source: str, target: str, model: str | None = None) -> TranslationEngine:
        if name == "auto" and not model:
            # Resolved at every call (a directory listing), so a model pulled while a worker runs
            # is used from its next batch on.
            name, resolved = resolve_engine(self.settings, source, target)
            model = str(resolved) if resolved else None
        key = (name, str(model or ""), source, target)
        with self._lock:
            if key not in self._engines:
                self._engines[key] = create_engine(name, self.settings, source, target, model=model)
            return self._engines[key]


def engine_problem(settings: Settings, name: str, source: str, target: str) -> str | None:
    """Why ``name`` cannot translate ``source`` → ``target`` here (with the fix), or None when it can.

    Cheap: looks for models and Apertium modes without loading anything. HTTP engines are taken
    at their word (their server is only asked when translating)."""
    from babelwire.languages import base_language
    from babelwire.translate.engines.apertium import INSTALL_HINT, ApertiumEngine
    from babelwire.translate.models import find_model

    if base_language(source) == base_language(target):
        return None
    if name == "auto":
        try:
            resolve_engine(settings, source, target)
        except NoEngineError as exc:
            return exc.reason
        return None
    if name == "ct2" and not settings.translate.model and find_model(settings.models_dir, source, target) is None:
        return f"no ct2 model for {source}→{target}: run `babelwire models pull {source} {target}`"
    if name == "apertium" and not ApertiumEngine(source=source, target=target).supports(source, target):
        return f"Apertium cannot translate {source}→{target} with the installed pairs ({INSTALL_HINT})"
    if name not in ENGINES:
        return f"unknown translation engine {name!r} (choose from {', '.join(ENGINES)})"
    return None
