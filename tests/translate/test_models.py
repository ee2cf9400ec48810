"""Model management: the pair table, import (convert + verify + manifest), listing, offline pull."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest

from babelwire.errors import ModelError
from babelwire.translate.engines.ct2 import MANIFEST_NAME, CT2Engine
from babelwire.translate.models import (
    NLLB_REPO,
    OPUS_MT_PAIRS,
    choose_model,
    find_model,
    import_model,
    list_models,
    pull_model,
)


def test_choose_model_prefers_opus_mt_and_falls_back_to_nllb() -> None:
    fr_en = choose_model("fr", "en")
    assert (fr_en.repo_id, fr_en.kind, fr_en.local_name) == (
        "Helsinki-NLP/opus-mt-fr-en", "marian", "opus-mt-fr-en")
    assert choose_model("fr-FR", "en-GB") == fr_en
    assert choose_model("en", "de").repo_id == "Helsinki-NLP/opus-mt-en-de"
    sw_fi = choose_model("sw", "fi")
    assert (sw_fi.repo_id, sw_fi.kind, sw_fi.local_name) == (NLLB_REPO, "nllb", "nllb-200-distilled-600M")
    assert choose_model("pt", "en").kind == "nllb"
    assert all(src != tgt for src, tgt in OPUS_MT_PAIRS)
    with pytest.raises(ModelError, match="both"):
        choose_model("fr", "fr")
    with pytest.raises(ModelError, match="unsupported: xx"):
        choose_model("xx", "en")


def test_import_transformers_folder_converts_verifies_and_lists(tiny_marian_hf: Path, tmp_path: Path) -> None:
    models = tmp_path / "models"
    installed = import_model(tiny_marian_hf, models)
    # The pair comes from the Marian tokenizer_config.json (source_lang/target_lang).
    assert installed == models / "opus-mt-fr-en"
    manifest = json.loads((installed / MANIFEST_NAME).read_text())
    assert manifest["kind"] == "marian"
    assert manifest["pairs"] == [["fr", "en"]]
    assert manifest["source"] == "import:transformers"
    assert manifest["quantization"] == "int8"
    assert len(manifest["model_bin_sha256"]) == 64
    assert manifest["converted_at"]
    assert (installed / "source.spm").exists() and (installed / "target.spm").exists()
    assert [p.name for p in models.iterdir()] == ["opus-mt-fr-en"]  # no staging leftovers

    [model] = list_models(models)
    assert (model.name, model.kind, model.pairs) == ("opus-mt-fr-en", "marian", [("fr", "en")])
    assert model.path == installed
    assert model.size > 0
    assert find_model(models, "fr", "en") == installed
    assert find_model(models, "fr-CA", "en") == installed
    assert find_model(models, "de", "en") is None
    engine = CT2Engine(installed)
    assert engine.id.startswith("ct2:opus-mt-fr-en:" + manifest["model_bin_sha256"][:10])
    assert len(engine.translate(["Bonjour.", ""], "fr", "en")) == 2


def test_import_ct2_folder_copies_and_keeps_its_name(tiny_marian: Path, tmp_path: Path) -> None:
    models = tmp_path / "models"
    installed = import_model(tiny_marian, models)
    assert installed == models / "tiny-marian-fr-en"
    manifest = json.loads((installed / MANIFEST_NAME).read_text())
    assert manifest["source"] == "import:ct2" and manifest["pairs"] == [["fr", "en"]]
    assert (tiny_marian / MANIFEST_NAME).exists()  # the original is untouched
    # Importing again replaces the installed copy in place.
    assert import_model(tiny_marian, models) == installed
    assert [m.name for m in list_models(models)] == ["tiny-marian-fr-en"]


def test_import_needs_a_pair_when_nothing_tells_it(tiny_marian_hf: Path, tmp_path: Path) -> None:
    folder = Path(shutil.copytree(tiny_marian_hf, tmp_path / "mystery"))
    config = json.loads((folder / "tokenizer_config.json").read_text())
    del config["source_lang"], config["target_lang"]
    (folder / "tokenizer_config.json").write_text(json.dumps(config))
    models = tmp_path / "models"
    with pytest.raises(ModelError, match="--from fr --to en"):
        import_model(folder, models)
    assert list(models.iterdir()) == []
    installed = import_model(folder, models, src="fr", tgt="en")
    assert installed.name == "opus-mt-fr-en"


def test_import_rejects_what_is_not_a_model(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="not a folder"):
        import_model(tmp_path / "missing", tmp_path / "models")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ModelError, match="not a model folder babelwire knows"):
        import_model(tmp_path / "empty", tmp_path / "models")
    bert = tmp_path / "bert"
    bert.mkdir()
    (bert / "config.json").write_text('{"model_type": "bert"}')
    with pytest.raises(ModelError, match="'bert' is not a translation model"):
        import_model(bert, tmp_path / "models")


def test_nllb_model_serves_all_its_languages(tiny_marian: Path, tmp_path: Path) -> None:
    models = tmp_path / "models"
    shutil.copytree(tiny_marian, models / "opus-mt-fr-en")
    nllb = models / "nllb-200-distilled-600M"
    nllb.mkdir()
    shutil.copy(tiny_marian / "model.bin", nllb / "model.bin")
    vocabulary = ["<s>", "</s>", "fra_Latn", "eng_Latn", "swh_Latn", "fin_Latn"]
    (nllb / "shared_vocabulary.json").write_text(json.dumps(vocabulary))
    (models / "not-a-model").mkdir()
    listed = {m.name: m for m in list_models(models)}
    assert set(listed) == {"tiny-marian-fr-en", "nllb-200-distilled-600M"}
    assert listed["nllb-200-distilled-600M"].kind == "nllb"
    assert listed["nllb-200-distilled-600M"].languages == ["en", "fi", "fr", "sw"]
    assert find_model(models, "sw", "fi") == nllb
    assert find_model(models, "fi", "sw") == nllb
    assert find_model(models, "fr", "en") == models / "opus-mt-fr-en"  # the dedicated model first
    assert find_model(models, "de", "en") is None
    assert list_models(tmp_path / "nothing-here") == []


def test_pull_offline_says_what_to_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")
    models = tmp_path / "models"
    started = time.monotonic()
    with pytest.raises(ModelError) as info:
        pull_model("fr", "en", models, origin="hub")
    assert time.monotonic() - started < 30
    reason = info.value.reason
    assert "cannot reach http://127.0.0.1:9" in reason
    assert "babelwire models pull fr en" in reason
    assert str(models / "opus-mt-fr-en") in reason
    assert "babelwire models import DIR" in reason


def test_pull_returns_an_installed_model_without_network(tiny_marian: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")
    models = tmp_path / "models"
    shutil.copytree(tiny_marian, models / "opus-mt-fr-en")
    assert pull_model("fr", "en", models) == models / "opus-mt-fr-en"


def test_broken_marian_native_folder_is_a_model_error(tmp_path: Path) -> None:
    native = tmp_path / "opus-2020-01-01"
    native.mkdir()
    (native / "decoder.yml").write_text("models:\n  - model.npz\nvocabs:\n  - vocab.yml\n  - vocab.yml\n")
    (native / "model.npz").write_bytes(b"not a numpy archive")
    with pytest.raises(ModelError, match="cannot convert the Marian model"):
        import_model(native, tmp_path / "models", src="fr", tgt="en")
    assert list((tmp_path / "models").iterdir()) == []


def test_corrupt_weights_fail_verification(tiny_marian: Path, tmp_path: Path) -> None:
    broken = Path(shutil.copytree(tiny_marian, tmp_path / "broken"))
    (broken / "model.bin").write_bytes(b"\x00" * 64)
    with pytest.raises(ModelError):
        CT2Engine(broken)
    with pytest.raises(ModelError):
        import_model(broken, tmp_path / "models")
    assert list((tmp_path / "models").iterdir()) == []
