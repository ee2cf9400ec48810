"""A tiny random Marian fr→en model, built once per test session (a few seconds)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from babelwire.translate.testing import build_marian_model

MODES = Path("/usr/share/apertium/modes")

needs_apertium = pytest.mark.skipif(
    shutil.which("apertium") is None
    or not (MODES / "fr-es.mode").exists()
    or not (MODES / "spa-eng.mode").exists(),
    reason="needs Debian apertium with apertium-fr-es and apertium-eng-spa "
    "(sudo apt-get install apertium apertium-fr-es apertium-eng-spa)",
)


@pytest.fixture(scope="session")
def tiny_marian_dirs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(CTranslate2 folder, transformers folder) of the tiny model; treat both as read-only."""
    root = tmp_path_factory.mktemp("tiny-marian")
    ct2_dir = build_marian_model(root / "ct2", hf_dir=root / "hf")
    return ct2_dir, root / "hf"


@pytest.fixture(scope="session")
def tiny_marian(tiny_marian_dirs: tuple[Path, Path]) -> Path:
    """The converted CTranslate2 folder of the tiny model (read-only: copy it to change it)."""
    return tiny_marian_dirs[0]


@pytest.fixture(scope="session")
def tiny_marian_hf(tiny_marian_dirs: tuple[Path, Path]) -> Path:
    """The transformers folder the tiny model was converted from (read-only)."""
    return tiny_marian_dirs[1]
