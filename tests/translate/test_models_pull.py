"""`babelwire models pull` against a loopback server that speaks the Hugging Face Hub's protocol:
download, conversion to int8, verification, installation, progress and resumption."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from babelwire.errors import ModelError
from babelwire.loopback import LoopbackServer
from babelwire.translate.engines.ct2 import CT2Engine
from babelwire.translate.models import list_models, pull_model
from tests.translate.hub import COMMIT, cut_after, header, serve_repo

REPO = "Helsinki-NLP/opus-mt-fr-en"  # what the pair table picks for fr→en


def _gets(server: LoopbackServer, path: str) -> list[str | None]:
    """The Range header of every GET of ``path`` (None: from the start)."""
    return [header(r, "Range") for r in server.requests if r.method == "GET" and r.path == path]


def test_pull_downloads_converts_verifies_and_installs(tiny_marian_hf: Path, tmp_path: Path):
    progress: list[tuple[int, int]] = []
    with LoopbackServer() as server:
        serve_repo(server, REPO, tiny_marian_hf)
        installed = pull_model("fr", "en", tmp_path / "models", endpoint=server.url(""), origin="hub",
                               progress=lambda done, total: progress.append((done, total)))
    assert installed == tmp_path / "models" / "opus-mt-fr-en"
    manifest = json.loads((installed / "babelwire-model.json").read_text())
    assert manifest["repo"] == REPO and manifest["revision"] == COMMIT and manifest["quantization"] == "int8"
    total = sum(p.stat().st_size for p in tiny_marian_hf.iterdir())
    assert progress[-1] == (total, total)
    assert [m.path for m in list_models(tmp_path / "models")] == [installed]
    assert not (tmp_path / "models" / ".downloads" / "opus-mt-fr-en").exists()  # the download is cleaned up
    [translation] = CT2Engine(installed, beam_size=1, threads=1).translate(["Bonjour."], "fr", "en")
    assert isinstance(translation, str)


def test_a_dropped_transfer_resumes_where_it_stopped(tiny_marian_hf: Path, tmp_path: Path, monkeypatch):
    import huggingface_hub.constants

    # The hub client keeps what it received in chunks of DOWNLOAD_CHUNK_SIZE (10 MB): real weights
    # span many chunks; make the tiny model's do too.
    monkeypatch.setattr(huggingface_hub.constants, "DOWNLOAD_CHUNK_SIZE", 4096)
    with LoopbackServer() as server:
        paths = serve_repo(server, REPO, tiny_marian_hf)
        weights = paths["model.safetensors"]
        server.route(weights, cut_after(server.routes[weights], 0.5))
        installed = pull_model("fr", "en", tmp_path / "models", endpoint=server.url(""), origin="hub")
        ranges = _gets(server, weights)
    assert ranges[0] is None and len(ranges) == 2 and ranges[1].startswith("bytes=") and ranges[1] != "bytes=0-"
    assert (installed / "model.bin").exists()


def test_a_failed_pull_keeps_the_files_it_finished(tiny_marian_hf: Path, tmp_path: Path, monkeypatch):
    monkeypatch.setattr("time.sleep", lambda _seconds: None)  # the hub client's pause between retries
    with LoopbackServer() as server:
        paths = serve_repo(server, REPO, tiny_marian_hf)
        weights = paths["model.safetensors"]
        good = server.routes[weights]
        server.route(weights, cut_after(good, 0.5, ranged_too=True))
        with pytest.raises(ModelError, match="run the same command again"):
            pull_model("fr", "en", tmp_path / "models", endpoint=server.url(""), origin="hub")
        assert not (tmp_path / "models" / "opus-mt-fr-en").exists()
        server.requests.clear()
        server.route(weights, good)
        pull_model("fr", "en", tmp_path / "models", endpoint=server.url(""), origin="hub")
        fetched = {r.path for r in server.requests if r.method == "GET" and "/resolve/" in r.path}
    assert fetched == {weights}  # the config and tokenizer files were not downloaded again


def test_pull_without_the_converter_stops_before_downloading(tmp_path: Path, monkeypatch):
    monkeypatch.setitem(sys.modules, "transformers", None)  # makes `import transformers` fail
    with LoopbackServer() as server:
        with pytest.raises(ModelError, match=r"babelwire\[convert\]"):
            pull_model("fr", "en", tmp_path / "models", endpoint=server.url(""), origin="hub")
        assert server.requests == []
