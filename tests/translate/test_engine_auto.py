"""``[translate] engine = "auto"``: per pair, an installed CTranslate2 model, else an installed
Apertium pair (direct before a pivot), else a configured HTTP engine, else a reason naming the
command that fixes it. Real components: a tiny native Marian release converted by CTranslate2,
the Debian Apertium pairs, the settings loader."""

from __future__ import annotations

from pathlib import Path

import pytest

from babelwire.config import load_settings
from babelwire.translate.engines import NoEngineError, create_engine, resolve_engine
from babelwire.translate.engines.apertium import ApertiumEngine
from babelwire.translate.models import import_model
from babelwire.translate.testing import build_native_marian_release
from tests.translate.conftest import needs_apertium


@pytest.fixture(scope="module")
def fr_en_release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_native_marian_release(tmp_path_factory.mktemp("release") / "fr-en")


def settings_for(home: Path, **environ: str):
    return load_settings(home, environ=dict(environ))


def test_nothing_here_names_the_commands_that_fix_it(tmp_path: Path):
    with pytest.raises(NoEngineError) as info:
        resolve_engine(settings_for(tmp_path), "ja", "en")
    assert "`babelwire models pull ja en`" in info.value.reason and "apertium" in info.value.reason


def test_a_configured_http_engine_serves_what_nothing_installed_does(tmp_path: Path):
    assert resolve_engine(settings_for(tmp_path, BABELWIRE_TRANSLATE_DEEPL_API_KEY="k:fx"), "ja", "en") == (
        "deepl",
        None,
    )
    assert resolve_engine(settings_for(tmp_path, BABELWIRE_TRANSLATE_OPENAI_MODEL="m"), "ja", "en") == ("openai", None)


@needs_apertium
def test_apertium_before_http_and_a_direct_pair_before_a_pivot(tmp_path: Path):
    settings = settings_for(tmp_path, BABELWIRE_TRANSLATE_DEEPL_API_KEY="k:fx")
    assert resolve_engine(settings, "fr", "en") == ("apertium", None)  # installed beats configured
    engine = create_engine("auto", settings, "fr", "es")
    assert isinstance(engine, ApertiumEngine) and engine.model_for("fr", "es") == "apertium fr-es"
    assert engine.model_for("fr", "en") == "apertium fr-es+spa-eng"  # the pivot only when no direct pair


def test_an_installed_model_comes_first(tmp_path: Path, fr_en_release: Path):
    settings = settings_for(tmp_path, BABELWIRE_TRANSLATE_DEEPL_API_KEY="k:fx")
    model = import_model(fr_en_release, settings.models_dir, src="fr", tgt="en")
    assert resolve_engine(settings, "fr", "en") == ("ct2", model)
    assert resolve_engine(settings, "fr-CA", "en-GB") == ("ct2", model)
    assert resolve_engine(settings, "ja", "en") == ("deepl", None)  # the model serves fr→en only


def test_a_configured_model_is_used_only_for_the_pairs_it_serves(tmp_path: Path, fr_en_release: Path):
    model = import_model(fr_en_release, tmp_path / "elsewhere", src="fr", tgt="en")
    settings = settings_for(tmp_path / "home", BABELWIRE_TRANSLATE_MODEL=str(model))
    assert resolve_engine(settings, "fr", "en") == ("ct2", model)
    with pytest.raises(NoEngineError):  # a Japanese source is not "translated" by the fr→en model
        resolve_engine(settings, "ja", "en")
