"""The CTranslate2 engine end to end on a tiny random Marian model."""

from __future__ import annotations

import json
import shutil
import threading
from pathlib import Path

import pytest

from babelwire.errors import ModelError, TranslationError
from babelwire.translate.engines.base import TranslationEngine
from babelwire.translate.engines.ct2 import (
    MANIFEST_NAME,
    CT2Engine,
    _Tokenizer,
    base_language,
    detect_kind,
    m2m_code,
    nllb_code,
)

SENTENCES = [
    "Le gouvernement a annoncé mardi une nouvelle réforme des retraites.",
    "Les syndicats appellent à une grève.",
    "Un séisme a secoué le nord du Maroc.",
    "La police a interpellé trois suspects à Lyon.",
    "Le chômage a reculé de 0,2 point.",
]


@pytest.fixture(scope="module")
def engine(tiny_marian: Path) -> CT2Engine:
    return CT2Engine(tiny_marian, beam_size=2, batch_size=2, threads=1)


def test_engine_follows_the_protocol(engine: CT2Engine) -> None:
    assert isinstance(engine, TranslationEngine)
    assert engine.name == "ct2"
    assert engine.model == "tiny-marian-fr-en"
    assert engine.id.startswith("ct2:tiny-marian-fr-en:")
    assert engine.kind == "marian"
    assert engine.compute_type == "int8"


def test_batch_returns_one_translation_per_sentence_in_order(engine: CT2Engine) -> None:
    batch = engine.translate(SENTENCES, "fr", "en")
    assert len(batch) == len(SENTENCES)
    assert all(isinstance(t, str) and t for t in batch)
    # The random model maps different inputs to different outputs, so a per-sentence run shows
    # that the batch (sorted and re-chunked by CTranslate2) came back in input order.
    alone = [engine.translate([s], "fr", "en")[0] for s in SENTENCES]
    assert batch == alone
    assert len(set(batch)) > 1


def test_empty_sentences_map_to_empty_strings(engine: CT2Engine) -> None:
    out = engine.translate(["", SENTENCES[0], "   ", "\n", SENTENCES[1]], "fr", "en")
    assert out[0] == "" and out[2] == "" and out[3] == ""
    assert out[1] == engine.translate([SENTENCES[0]], "fr", "en")[0]
    assert out[4] == engine.translate([SENTENCES[1]], "fr", "en")[0]
    assert engine.translate([], "fr", "en") == []
    assert engine.translate(["", " "], "fr", "en") == ["", ""]


def test_translation_is_deterministic(engine: CT2Engine, tiny_marian: Path) -> None:
    first = engine.translate(SENTENCES, "fr", "en")
    assert engine.translate(SENTENCES, "fr", "en") == first
    other = CT2Engine(tiny_marian, beam_size=2, batch_size=32, threads=1)
    assert other.translate(SENTENCES, "fr", "en") == first
    assert other.id == engine.id


def test_one_engine_can_be_shared_by_threads(engine: CT2Engine) -> None:
    expected = engine.translate(SENTENCES, "fr", "en")
    results: list[list[str]] = []

    def work() -> None:
        results.append(engine.translate(SENTENCES, "fr", "en"))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [expected] * 4


def test_pair_not_served_is_a_translation_error(engine: CT2Engine) -> None:
    with pytest.raises(TranslationError, match="fr→en, not de→en"):
        engine.translate(["Hallo"], "de", "en")
    assert engine.serves("fr", "en") and engine.serves("fr-FR", "en-GB")
    assert not engine.serves("en", "fr")


def test_missing_folder_is_a_model_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match=r"does not exist.*models pull"):
        CT2Engine(tmp_path / "nope")


def test_folder_without_ct2_model_is_a_model_error(tmp_path: Path, tiny_marian_hf: Path) -> None:
    with pytest.raises(ModelError, match="not a CTranslate2 model"):
        CT2Engine(tiny_marian_hf)
    (tmp_path / "model.bin").write_bytes(b"garbage")
    (tmp_path / "shared_vocabulary.json").write_text('["</s>"]')
    (tmp_path / "source.spm").write_bytes(b"")
    with pytest.raises(ModelError):
        CT2Engine(tmp_path)


def test_id_changes_with_the_weights(tiny_marian: Path, tmp_path: Path) -> None:
    copy = Path(shutil.copytree(tiny_marian, tmp_path / "copy"))
    manifest = json.loads((copy / MANIFEST_NAME).read_text())
    manifest["model_bin_sha256"] = "0123456789abcdef"
    (copy / MANIFEST_NAME).write_text(json.dumps(manifest))
    assert CT2Engine(copy).id == "ct2:tiny-marian-fr-en:0123456789"
    (copy / MANIFEST_NAME).unlink()
    no_manifest = CT2Engine(copy)
    assert no_manifest.model == "copy"
    assert no_manifest.id.startswith("ct2:copy:") and no_manifest.id != CT2Engine(tiny_marian).id


def test_nllb_codes() -> None:
    assert nllb_code("fr") == "fra_Latn"
    assert nllb_code("fr-FR") == "fra_Latn"
    assert nllb_code("EN_gb") == "eng_Latn"
    assert nllb_code("zh") == "zho_Hans"
    assert nllb_code("zh-TW") == "zho_Hant"
    assert nllb_code("zh-Hant-HK") == "zho_Hant"
    assert nllb_code("ar") == "arb_Arab"
    assert nllb_code("fa") == "pes_Arab"
    assert nllb_code("deu_Latn") == "deu_Latn"
    with pytest.raises(TranslationError, match="no NLLB-200 code"):
        nllb_code("xx")
    assert m2m_code("pt-BR") == "__pt__"
    assert base_language("pt_BR") == "pt"


def _write_vocabulary(folder: Path, tokens: list[str]) -> None:
    (folder / "shared_vocabulary.json").write_text(json.dumps(tokens), encoding="utf-8")


def test_nllb_and_m2m_token_layout(tiny_marian: Path, tmp_path: Path) -> None:
    # Any sentencepiece model will do for the layout; the tiny model's own is at hand.
    shutil.copy(tiny_marian / "source.spm", tmp_path / "sentencepiece.bpe.model")
    nllb_vocab = ["<s>", "<pad>", "</s>", "<unk>", "fra_Latn", "eng_Latn"]
    _write_vocabulary(tmp_path, nllb_vocab)
    assert detect_kind(tmp_path) == "nllb"
    tok = _Tokenizer(tmp_path, "nllb", nllb_vocab)
    before, prefix = tok.language_tokens("fr", "en")
    assert before == ["fra_Latn"] and prefix == ["eng_Latn"]
    encoded = tok.encode(["Le chômage a reculé."], before)[0]
    assert encoded[0] == "fra_Latn" and encoded[-1] == "</s>" and len(encoded) > 3
    # The decoder output starts with the forced target language token, which is dropped.
    pieces = tok.source.encode("Le chômage", out_type=str)
    assert tok.decode([["eng_Latn", *pieces]], prefix) == ["Le chômage"]
    with pytest.raises(TranslationError, match="not served"):
        tok.language_tokens("fr", "de")

    m2m_vocab = ["<s>", "</s>", "<unk>", "__fr__", "__en__"]
    _write_vocabulary(tmp_path, m2m_vocab)
    assert detect_kind(tmp_path) == "m2m"
    assert _Tokenizer(tmp_path, "m2m", m2m_vocab).language_tokens("fr", "en") == (["__fr__"], ["__en__"])


def test_multi_target_marian_needs_a_target_token(tiny_marian: Path) -> None:
    tok = _Tokenizer(tiny_marian, "marian", ["</s>", "<unk>", ">>fr<<", ">>es<<"])
    assert tok.language_tokens("en", "fr") == ([">>fr<<"], None)
    with pytest.raises(TranslationError, match="no target language"):
        tok.language_tokens("en", "de")
    single = _Tokenizer(tiny_marian, "marian", ["</s>", "<unk>"])
    assert single.language_tokens("fr", "en") == ([], None)
    assert single.encode(["Bonjour"], [])[0][-1] == "</s>"


def test_a_sentence_translates_the_same_whatever_its_neighbours(engine: CT2Engine) -> None:
    # The random model never emits </s>, so every output runs to its length limit: if that limit
    # followed the longest sentence of the batch, the short sentence would come out longer here.
    short = "Bonjour."
    long = " ".join(SENTENCES * 3)
    alone = engine.translate([short], "fr", "en")[0]
    with_long = engine.translate([long, short], "fr", "en")
    assert with_long[1] == alone
    assert len(with_long[0]) > len(alone)
