"""A new user's first hour, with the base install only: `babelwire demo` pulls the fr→en model
from (a loopback copy of) OPUS-MT's release storage, converts the native Marian release with
CTranslate2's converter, translates with it, and the first real `poll` afterwards uses it too."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from babelwire.loopback import LoopbackServer, Response
from babelwire.translate.releases import INDEX_URL_ENV, RELEASE_URL_ENV
from babelwire.translate.testing import build_native_marian_release, zip_release
from tests.newsfixtures import PARAGRAPHS, NewsSite

ROOT = Path(__file__).resolve().parents[2]
BASE_PATH = "/OPUS-MT-models/fr-en/opus-2020-02-26.zip"

# Runs the command with torch and transformers unimportable, as on a base install.
BASE_INSTALL = """
import importlib.abc, sys

class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {"torch", "transformers"}:
            raise ImportError(f"{name} is not installed (base install)")
        return None

sys.meta_path.insert(0, Block())
from babelwire.cli import main
sys.argv = ["babelwire", *sys.argv[1:]]
main()
"""


@pytest.fixture
def release_storage(tmp_path: Path):
    release = build_native_marian_release(tmp_path / "release")
    body = zip_release(release, tmp_path / "release.zip").read_bytes()
    with LoopbackServer() as server:
        server.route(BASE_PATH, Response(body, headers={"Content-Type": "application/zip"}))
        server.route("/released-models.txt", Response(b"", headers={"Content-Type": "text/plain"}))
        yield server


def babelwire(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", BASE_INSTALL, *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=600, check=False)


def test_demo_then_poll_translate_with_a_model_pulled_from_the_release_storage(
        tmp_path: Path, release_storage: LoopbackServer, server: LoopbackServer):
    home = tmp_path / "home"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "BABELWIRE_HOME": str(home), "COLUMNS": "100",
           RELEASE_URL_ENV: release_storage.base_url, INDEX_URL_ENV: release_storage.url("/released-models.txt"),
           "BABELWIRE_FETCH_ALLOW_PRIVATE": "1", "BABELWIRE_FETCH_HOST_DELAY": "0"}
    env.pop("BABELWIRE_TRANSLATE_ENGINE", None)

    demo = babelwire("demo", "--home", str(tmp_path / "demo"), "--no-serve", "--pull-model", env=env)

    assert demo.returncode == 0, demo.stdout + demo.stderr
    assert "CTranslate2 model opus-mt-fr-en (just downloaded)" in " ".join(demo.stdout.split())
    assert (home / "models" / "opus-mt-fr-en" / "model.bin").is_file()
    manifest = json.loads((home / "models" / "opus-mt-fr-en" / "babelwire-model.json").read_text())
    assert manifest["source"] == "release" and manifest["license"] == "CC-BY-4.0"

    # The first real poll, in the user's own home, with the default engine ("auto").
    site = NewsSite(server)
    site.add("otan", "Divergences persistantes entre l'OTAN et la Russie", PARAGRAPHS[:2])
    added = babelwire("source", "add", site.feed_url, "--lang", "fr", env=env)
    assert added.returncode == 0 and "warning" not in added.stderr, added.stdout + added.stderr
    polled = babelwire("poll", env=env)
    assert polled.returncode == 0, polled.stdout + polled.stderr
    (article,) = json.loads(babelwire("article", "list", "--json", env=env).stdout)
    shown = json.loads(babelwire("article", "show", str(article["id"]), "--json", env=env).stdout)
    (translation,) = shown["revisions"][-1]["translations"]
    assert translation["engine"] == "ct2" and translation["model"] == "opus-mt-fr-en"
    assert translation["provenance"]["license"] == "CC-BY-4.0"
    assert translation["provenance"]["attribution"].startswith("OPUS-MT")
