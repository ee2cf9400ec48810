"""``babelwire init --from LANG`` offers the pair's model and says why it did not download it."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from babelwire.cli import app
from babelwire.loopback import LoopbackServer, Response
from babelwire.translate.releases import INDEX_URL_ENV, RELEASE_URL_ENV

runner = CliRunner()


def test_init_says_why_no_model_was_downloaded(home: Path):
    flagged = " ".join(runner.invoke(app, ["init", "--from", "fr", "--no-pull-model"]).stdout.split())
    assert "fr→en: no neural model (download skipped: --no-pull-model)" in flagged
    assert "`babelwire models pull fr en` downloads one" in flagged
    # Standard input is no terminal here: nobody to ask, and the option that downloads anyway.
    unasked = " ".join(runner.invoke(app, ["init", "--from", "fr"]).stdout.split())
    assert "download not offered: no terminal to ask; --pull-model downloads it" in unasked
    assert not (home / "models").exists()


def test_a_failed_download_says_what_translates_meanwhile(home: Path, monkeypatch):
    with LoopbackServer() as storage:  # an empty storage and index: nothing published for ja→en
        storage.route("/released-models.txt", Response(b"", headers={"Content-Type": "text/plain"}))
        monkeypatch.setenv(RELEASE_URL_ENV, storage.base_url)
        monkeypatch.setenv(INDEX_URL_ENV, storage.url("/released-models.txt"))
        result = runner.invoke(app, ["init", "--from", "ja", "--pull-model"])
    assert result.exit_code == 1, result.output
    said = " ".join(result.output.split())
    assert (
        "ja→en: model download failed (articles stay untranslated until then): OPUS-MT publishes no base model" in said
    )
    assert "Traceback" not in said


def test_a_pair_only_nllb_serves_is_never_pulled_without_its_licence(home: Path, monkeypatch):
    """No OPUS-MT release for so→en: only NLLB-200 (non-commercial) serves it. Without a terminal
    to ask, ``init --pull-model`` downloads nothing and says why, and how to accept the licence."""
    with LoopbackServer() as storage:  # an empty storage and index; the Hub points nowhere (conftest)
        storage.route("/released-models.txt", Response(b"", headers={"Content-Type": "text/plain"}))
        monkeypatch.setenv(RELEASE_URL_ENV, storage.base_url)
        monkeypatch.setenv(INDEX_URL_ENV, storage.url("/released-models.txt"))
        result = runner.invoke(app, ["init", "--from", "so", "--pull-model"])
        hub_requests = [r.path for r in storage.requests if "nllb" in r.path.lower()]
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert "no neural model: so→en needs NLLB-200" in said and "non-commercial" in said
    assert "babelwire models pull so en --accept-license" in said and "untranslated until then" in said
    assert hub_requests == [] and not any((home / "models").glob("*nllb*"))
