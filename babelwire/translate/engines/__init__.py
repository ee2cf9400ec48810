"""Engine registry: turn ``[translate] engine`` (or a per-source override) into an engine."""

from __future__ import annotations

import threading
from pathlib import Path

from babelwire.config import Settings
from babelwire.errors import ModelError, TranslationError
from babelwire.translate.engines.base import TranslationEngine

ENGINES = ("ct2", "apertium", "libretranslate", "deepl", "openai")


def create_engine(
    name: str, settings: Settings, source: str, target: str, *, model: str | Path | None = None
) -> TranslationEngine:
    """An engine able to translate ``source`` → ``target``; raises TranslationError/ModelError
    with what to install or run when it cannot."""
    cfg = settings.translate
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
        key = (name, str(model or ""), source, target)
        with self._lock:
            if key not in self._engines:
                self._engines[key] = create_engine(name, self.settings, source, target, model=model)
            return self._engines[key]
