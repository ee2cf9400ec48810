"""``babelwire translate`` and ``babelwire eval translation`` with a real engine (Apertium)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from babelwire.cli import app

runner = CliRunner()
pytestmark = pytest.mark.skipif(
    shutil.which("apertium") is None or not Path("/usr/share/apertium/modes/fr-es.mode").exists(),
    reason="Apertium fr-es/eng-spa not installed (apt-get install apertium apertium-fr-es apertium-eng-spa)",
)
TEXT = (
    "Le secrétaire général de l'OTAN, Jens Stoltenberg, a rencontré les Russes le 12 janvier 2022.\n\n"
    "« Nous ne laisserons pas faire cela », a-t-il dit.\n\n"
    "Les trente pays membres jugeront [des uns] et des autres.\n"
)


def test_translate_keeps_blocks_and_reports_flags(home: Path):
    result = runner.invoke(app, ["translate", "--from", "auto", "--to", "en", "--engine", "apertium", "--json"],
                           input=TEXT)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["source_language"] == "fr" and data["engine"].startswith("apertium:")
    assert [b["source"] for b in data["blocks"]] == [p for p in TEXT.strip().split("\n\n")]
    assert all(isinstance(b["flags"], list) for b in data["blocks"])
    assert data["blocks"][1]["text"].startswith("“") and "”" in data["blocks"][1]["text"]
    assert "des uns" not in data["blocks"][2]["text"]
    assert "2022" in data["blocks"][0]["text"]


def test_translate_plain_output_has_same_block_count(home: Path, tmp_path: Path):
    source = tmp_path / "in.txt"
    source.write_text(TEXT, encoding="utf-8")
    result = runner.invoke(app, ["translate", str(source), "--from", "fr", "--to", "es", "--engine", "apertium"])
    assert result.exit_code == 0, result.output
    assert len(result.stdout.strip().split("\n\n")) == 3


def test_eval_translation_scores_bleu_chrf_and_flags(home: Path, tmp_path: Path):
    src, ref = tmp_path / "src.fr", tmp_path / "ref.en"
    src.write_text("Le président a rencontré le ministre.\nLes trente pays membres se sont réunis.\n")
    ref.write_text("The president met the minister.\nThe thirty member countries met.\n")
    result = runner.invoke(app, ["eval", "translation", "--src", str(src), "--ref", str(ref), "--from", "fr",
                                 "--to", "en", "--engine", "apertium", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["segments"] == 2 and 0 < report["bleu"] <= 100 and 0 < report["chrf"] <= 100
    assert set(report["flag_rates"]) >= {"untranslated", "numbers", "quotes", "length_ratio", "empty"}


def test_mismatched_eval_files_are_a_usage_error(home: Path, tmp_path: Path):
    src, ref = tmp_path / "src.fr", tmp_path / "ref.en"
    src.write_text("Une phrase.\nDeux phrases.\n")
    ref.write_text("One sentence.\n")
    result = runner.invoke(app, ["eval", "translation", "--src", str(src), "--ref", str(ref), "--from", "fr",
                                 "--to", "en", "--engine", "apertium"])
    assert result.exit_code == 2


def test_unknown_engine_is_a_usage_error(home: Path):
    result = runner.invoke(app, ["translate", "--from", "fr", "--to", "en", "--engine", "nope"], input="Bonjour.")
    assert result.exit_code == 2 and "unknown translation engine" in result.output


def test_translate_json_gives_each_flag_its_evidence(home: Path):
    text = ("À Genève, Moscou et Washington se quittent sans avancée.\n\n"
            "Selon le ministère, 4 500 personnes ont été hospitalisées depuis lundi.\n")
    result = runner.invoke(app, ["translate", "--from", "fr", "--to", "en", "--engine", "apertium", "--json"],
                           input=text)
    assert result.exit_code == 0, result.output
    blocks = json.loads(result.stdout)["blocks"]
    for block in blocks:
        assert list(block["evidence"]) == block["flags"]  # one entry per flag, same order
        assert all(isinstance(e, list) and all(isinstance(s, str) for s in e) for e in block["evidence"].values())
    geneva = blocks[0]
    assert "Ginebra" in geneva["text"]  # Apertium's Spanish pivot shows through
    assert "untranslated_words" in geneva["flags"] and "Ginebra" in geneva["evidence"]["untranslated_words"]
    assert blocks[1]["evidence"].get("numbers") is None and "4 500" in blocks[1]["text"]
