"""Build small randomly initialised Marian models, converted to CTranslate2, for tests and benchmarks.

The real OPUS-MT models cannot be downloaded everywhere (CI, sandboxes), but the whole path —
sentencepiece tokenisation, a transformers Marian folder, conversion, CTranslate2 decoding — can
run on a model with the same *shape* and random weights. ``build_marian_model`` makes a tiny one
in a few seconds; ``build_opus_shaped_model`` makes one as large as ``opus-mt-fr-en`` (6+6 layers,
d_model 512, 59k vocabulary) so that speed measurements mean something.
"""

from __future__ import annotations

import io
import json
import logging
import tempfile
from pathlib import Path

from babelwire.translate.models import convert_transformers, write_manifest

log = logging.getLogger(__name__)

#: Text the sentencepiece models are trained on: short news-like sentences in both languages.
TRAINING_TEXT_FR = """\
Le gouvernement a annoncé mardi une nouvelle réforme des retraites.
Les syndicats appellent à une grève nationale le 12 mars prochain.
Le président de la République s'est rendu à Marseille pour inaugurer un hôpital.
La Banque centrale européenne maintient ses taux directeurs inchangés.
Selon l'Insee, l'inflation a atteint 2,3 % sur un an en février.
Un incendie a ravagé plus de 500 hectares de forêt dans le Var.
Le Premier ministre a défendu son budget devant l'Assemblée nationale.
Les prix de l'énergie continuent de peser sur le pouvoir d'achat des ménages.
La police a interpellé trois suspects après le braquage d'une bijouterie à Lyon.
Le Conseil constitutionnel doit se prononcer sur la loi immigration.
Les agriculteurs manifestent à Paris contre la baisse de leurs revenus.
L'équipe de France de football s'est qualifiée pour la finale de la Coupe du monde.
Des pluies torrentielles ont provoqué des inondations dans le sud-ouest du pays.
Le ministre de la Santé annonce le recrutement de mille médecins supplémentaires.
La ville de Bordeaux va interdire les voitures dans le centre historique.
Les négociations entre l'Union européenne et le Royaume-Uni reprennent lundi.
Le chômage a reculé de 0,2 point au dernier trimestre, selon Pôle emploi.
Un séisme de magnitude 6,1 a secoué le nord du Maroc dans la nuit.
La SNCF prévoit des perturbations importantes sur les lignes régionales.
Le tribunal a condamné l'ancien maire à deux ans de prison avec sursis.
"""

TRAINING_TEXT_EN = """\
The government announced a new pension reform on Tuesday.
The unions are calling for a national strike on March 12.
The President of the Republic travelled to Marseille to open a hospital.
The European Central Bank is keeping its key interest rates unchanged.
According to Insee, inflation reached 2.3% over one year in February.
A fire destroyed more than 500 hectares of forest in the Var.
The Prime Minister defended his budget before the National Assembly.
Energy prices continue to weigh on household purchasing power.
Police arrested three suspects after the robbery of a jewellery shop in Lyon.
The Constitutional Council must rule on the immigration law.
Farmers are demonstrating in Paris against the fall in their incomes.
The French football team qualified for the World Cup final.
Torrential rain caused flooding in the south-west of the country.
The Health Minister announces the recruitment of a thousand more doctors.
The city of Bordeaux will ban cars from the historic centre.
Negotiations between the European Union and the United Kingdom resume on Monday.
Unemployment fell by 0.2 points in the last quarter, according to Pôle emploi.
An earthquake of magnitude 6.1 shook northern Morocco during the night.
The SNCF expects major disruption on regional lines.
The court sentenced the former mayor to two years in prison, suspended.
"""

#: OPUS-MT fr-en has 59,514 vocabulary entries; the OPUS-shaped model copies that size.
OPUS_VOCAB_SIZE = 59514


def _train_spm(text: str, prefix: Path, vocab_size: int, seed: int) -> Path:
    """Train a unigram sentencepiece model on ``text``; returns the ``.model`` path."""
    import sentencepiece as spm

    sentences = [line for line in text.splitlines() if line.strip()]
    model = io.BytesIO()
    # hard_vocab_limit=False: a few kilobytes of text cannot always fill the requested size, and a
    # slightly smaller vocabulary is fine for a stand-in model.
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(sentences),
        model_writer=model,
        vocab_size=vocab_size,
        model_type="unigram",
        character_coverage=1.0,
        hard_vocab_limit=False,
        # Marian's vocabulary has </s> and <unk> but no <s>; keep the pieces to a minimum.
        bos_id=-1,
        eos_id=-1,
        unk_id=0,
        pad_id=-1,
        num_threads=1,
        minloglevel=2,
    )
    path = prefix.with_suffix(".spm")
    path.write_bytes(model.getvalue())
    return path


def _pieces(spm_path: Path) -> list[str]:
    import sentencepiece as spm

    processor = spm.SentencePieceProcessor(model_file=str(spm_path))
    return [processor.id_to_piece(i) for i in range(processor.get_piece_size())]


def _write_vocab(path: Path, source_spm: Path, target_spm: Path, size: int | None) -> int:
    """A shared Marian vocab.json: ``</s>``=0, ``<unk>``=1, the pieces of both models, ``<pad>`` last.

    With ``size`` the vocabulary is padded with filler pieces, so the embedding and output
    layers have the shape of a real model even though sentencepiece only knows a few hundred.
    """
    tokens = ["</s>", "<unk>"]
    seen = set(tokens)
    for piece in _pieces(source_spm) + _pieces(target_spm):
        if piece not in seen and piece not in {"<unk>", "<s>", "<pad>"}:
            seen.add(piece)
            tokens.append(piece)
    if size is not None:
        filler = 0
        while len(tokens) < size - 1:
            candidate = f"▁x{filler}"
            filler += 1
            if candidate not in seen:
                tokens.append(candidate)
    tokens.append("<pad>")
    path.write_text(json.dumps({t: i for i, t in enumerate(tokens)}, ensure_ascii=False), encoding="utf-8")
    return len(tokens)


def build_marian_hf(
    out_dir: Path,
    *,
    layers: int = 1,
    d_model: int = 32,
    heads: int = 2,
    ffn: int = 64,
    vocab_text: str | None = None,
    vocab_size: int = 500,
    padded_vocab: int | None = None,
    init_std: float = 0.02,
    seed: int = 0,
) -> Path:
    """A randomly initialised transformers Marian fr→en folder (model, tokenizer files)."""
    import torch
    from transformers import MarianConfig, MarianMTModel, MarianTokenizer
    from transformers.utils import logging as hf_logging

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="babelwire-spm-") as tmp:
        work = Path(tmp)
        source = _train_spm(vocab_text or TRAINING_TEXT_FR, work / "source", vocab_size, seed)
        target = _train_spm(vocab_text or TRAINING_TEXT_EN, work / "target", vocab_size, seed)
        vocab = work / "vocab.json"
        size = _write_vocab(vocab, source, target, padded_vocab)
        tokenizer = MarianTokenizer(
            source_spm=str(source), target_spm=str(target), vocab=str(vocab),
            source_lang="fr", target_lang="en",
        )
        tokenizer.save_pretrained(str(out_dir))
    config = MarianConfig(
        vocab_size=size,
        decoder_vocab_size=size,
        d_model=d_model,
        encoder_layers=layers,
        decoder_layers=layers,
        encoder_attention_heads=heads,
        decoder_attention_heads=heads,
        encoder_ffn_dim=ffn,
        decoder_ffn_dim=ffn,
        max_position_embeddings=512,
        activation_function="swish",
        scale_embedding=True,
        pad_token_id=size - 1,
        decoder_start_token_id=size - 1,
        eos_token_id=0,
        forced_eos_token_id=0,
        share_encoder_decoder_embeddings=True,
        # A wide initialisation makes the random model's output depend on its input, so tests can
        # tell sentences (and their order) apart; real models don't care.
        init_std=init_std,
        architectures=["MarianMTModel"],
    )
    torch.manual_seed(seed)
    model = MarianMTModel(config)
    model.eval()
    bars = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        model.save_pretrained(str(out_dir))
    finally:
        if bars:
            hf_logging.enable_progress_bar()
    return out_dir


def build_marian_model(
    out_dir: Path,
    *,
    layers: int = 1,
    d_model: int = 32,
    heads: int = 2,
    ffn: int = 64,
    vocab_text: str | None = None,
    vocab_size: int = 500,
    seed: int = 0,
    hf_dir: Path | None = None,
) -> Path:
    """A tiny random fr→en Marian model converted to CTranslate2 (int8) in ``out_dir``.

    The transformers folder is kept in ``hf_dir`` when given (import tests use it), else deleted.
    """
    out_dir = Path(out_dir)
    with tempfile.TemporaryDirectory(prefix="babelwire-hf-") as tmp:
        hf = Path(hf_dir) if hf_dir is not None else Path(tmp) / "hf"
        build_marian_hf(hf, layers=layers, d_model=d_model, heads=heads, ffn=ffn,
                        vocab_text=vocab_text, vocab_size=vocab_size, init_std=0.5, seed=seed)
        convert_transformers(hf, out_dir)
    write_manifest(out_dir, name="tiny-marian-fr-en", kind="marian", pairs=[["fr", "en"]], repo=None,
                   quantization="int8", source="testing", random_weights=True)
    log.info("built tiny Marian model in %s", out_dir)
    return out_dir


def build_opus_shaped_model(
    out_dir: Path, *, hf_dir: Path | None = None, vocab_text: str | None = None, seed: int = 0
) -> Path:
    """A random fr→en model shaped like ``opus-mt-fr-en`` (6+6 layers, d512, 8 heads, FFN 2048, 59k vocab)."""
    out_dir = Path(out_dir)
    with tempfile.TemporaryDirectory(prefix="babelwire-hf-") as tmp:
        hf = Path(hf_dir) if hf_dir is not None else Path(tmp) / "hf"
        # The sentencepiece models stay small (what the text supports); vocab.json is padded to
        # OPUS-MT's 59k entries so the embedding and output layers cost what they cost in reality.
        build_marian_hf(hf, layers=6, d_model=512, heads=8, ffn=2048, vocab_text=vocab_text,
                        vocab_size=4000, padded_vocab=OPUS_VOCAB_SIZE, seed=seed)
        convert_transformers(hf, out_dir)
    write_manifest(out_dir, name="opus-shaped-random-fr-en", kind="marian", pairs=[["fr", "en"]], repo=None,
                   quantization="int8", source="testing", random_weights=True)
    log.info("built OPUS-shaped Marian model in %s", out_dir)
    return out_dir


#: The ``model.yml`` Marian stores inside its ``.npz`` (key ``special:model.yml``), reduced to the
#: options CTranslate2's MarianConverter reads: a post-norm ("dan") transformer with tied embeddings,
#: as OPUS-MT's transformer-align models are.
_MARIAN_MODEL_YML = """\
type: transformer
dim-emb: {d_model}
dim-vocabs:
  - {vocab}
  - {vocab}
enc-depth: {layers}
dec-depth: {layers}
transformer-heads: {heads}
transformer-dim-ffn: {ffn}
transformer-ffn-activation: swish
transformer-preprocess: ""
transformer-postprocess: dan
transformer-postprocess-emb: d
transformer-postprocess-top: ""
transformer-decoder-autoreg: self-attention
transformer-no-projection: false
transformer-guided-alignment-layer: last
tied-embeddings-all: true
"""

_RELEASE_README = """\
# {release}.zip

* dataset: opus
* model: {architecture}
* source language(s): {src3}
* target language(s): {tgt3}
* pre-processing: normalization + SentencePiece (spm32k,spm32k)
* download: [{release}.zip]({url})

Random weights: a stand-in built by babelwire.translate.testing for tests, not a real OPUS-MT model.
"""

#: OPUS-MT's preprocess.sh, abridged: what babelwire.translate.marian_preprocess reimplements.
_PREPROCESS_SH = """\
#!/bin/bash
# USAGE preprocess.sh langid spmodel < input > output
sed -e 's/，/,/g' -e 's/。 */. /g' -e 's/、/,/g' -e 's/”/"/g' -e 's/“/"/g' |
perl -C -pe  's/(?!\\n)\\p{C}/ /g;' |
perl -CIOE -pe 's/[\\x{2060}\\x{200B}\\x{feff}]//g' |
sed 's/  */ /g;s/^ *//g;s/ *$//g' |
spm_encode --model $2
"""

_RELEASE_LICENSE = """\
This model is released under the Creative Commons Attribution 4.0 International License (CC-BY 4.0).
(Stand-in licence file written by babelwire's test model builder.)
"""


def _yaml_token(token: str) -> str:
    """A vocabulary key as Marian writes it: double-quoted, backslash and quote escaped."""
    return '"' + token.replace("\\", "\\\\").replace('"', '\\"') + '"'


def build_native_marian_release(
    folder: Path,
    *,
    src: str = "fr",
    tgt: str = "en",
    big: bool = False,
    target_tokens: tuple[str, ...] = (),
    d_model: int = 16,
    layers: int = 1,
    heads: int = 2,
    ffn: int = 32,
    vocab_size: int = 300,
    seed: int = 0,
    pad_vocab_to: int | None = None,
) -> Path:
    """A tiny random Marian-NMT model laid out like an OPUS-MT release zip, without torch or transformers.

    ``d_model``, ``layers``, ``heads``, ``ffn`` and ``pad_vocab_to`` (filler pieces after the real
    ones, so the embedding and output layers have a real model's size) give it the shape of a real
    release for speed measurements (``babelwire bench translate --size base|big``).

    Writes ``decoder.yml``, the ``.npz`` weights (with Marian's parameter names and shapes and its
    ``special:model.yml`` config entry), the Marian vocabulary YAML, ``source.spm``/``target.spm``,
    ``preprocess.sh``, ``README.md`` and ``LICENSE`` into ``folder``. ``big`` only changes the file
    names to those of a Tatoeba-MT transformer-big release (the shape stays tiny).
    ``target_tokens`` (e.g. ``(">>fra<<", ">>spa<<")``) makes it a multi-target model.
    """
    import numpy as np

    from babelwire.translate.releases import tatoeba_code

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    texts = {"fr": TRAINING_TEXT_FR, "en": TRAINING_TEXT_EN}
    source = _train_spm(texts.get(src, TRAINING_TEXT_FR), folder / "source", vocab_size, seed)
    target = _train_spm(texts.get(tgt, TRAINING_TEXT_EN), folder / "target", vocab_size, seed)
    # Marian's vocabulary: </s> and <unk> first, then the language tokens, then both models' pieces.
    tokens = ["</s>", "<unk>", *target_tokens]
    seen = set(tokens)
    for piece in _pieces(source) + _pieces(target):
        if piece not in seen and piece not in {"<unk>", "<s>", "<pad>"}:
            seen.add(piece)
            tokens.append(piece)
    if pad_vocab_to is not None:
        tokens.extend(f"▁filler{i}" for i in range(max(0, pad_vocab_to - len(tokens))))
    if big:
        stem, architecture, release = "opusTCv20210807+bt.spm32k-spm32k", "transformer-big", \
            "opusTCv20210807+bt_transformer-big_2022-03-09"
    else:
        stem, architecture, release = "opus.spm32k-spm32k", "transformer-align", "opus-2020-02-26"
    vocab_name = f"{stem}.vocab.yml"
    weights_name = f"{stem}.{architecture}.model1.npz.best-perplexity.npz"
    (folder / vocab_name).write_text(
        "".join(f"{_yaml_token(t)}: {i}\n" for i, t in enumerate(tokens)), encoding="utf-8")

    rng = np.random.default_rng(seed)
    size = len(tokens)

    def matrix(*shape: int, std: float = 0.5) -> np.ndarray:
        # Wide random weights, so that the output depends on the input (see build_marian_hf).
        return rng.normal(0.0, std, shape).astype(np.float32)

    weights: dict[str, np.ndarray] = {"Wemb": matrix(size, d_model), "decoder_ff_logit_out_b": matrix(1, size)}

    def attention(prefix: str) -> None:
        for name in ("q", "k", "v", "o"):
            weights[f"{prefix}_W{name}"] = matrix(d_model, d_model)
            weights[f"{prefix}_b{name}"] = matrix(1, d_model, std=0.1)
        weights[f"{prefix}_Wo_ln_scale"] = np.ones((1, d_model), np.float32)
        weights[f"{prefix}_Wo_ln_bias"] = np.zeros((1, d_model), np.float32)

    def feed_forward(prefix: str) -> None:
        weights[f"{prefix}_W1"], weights[f"{prefix}_b1"] = matrix(d_model, ffn), matrix(1, ffn, std=0.1)
        weights[f"{prefix}_W2"], weights[f"{prefix}_b2"] = matrix(ffn, d_model), matrix(1, d_model, std=0.1)
        weights[f"{prefix}_ffn_ln_scale"] = np.ones((1, d_model), np.float32)
        weights[f"{prefix}_ffn_ln_bias"] = np.zeros((1, d_model), np.float32)

    for layer in range(1, layers + 1):
        attention(f"encoder_l{layer}_self")
        feed_forward(f"encoder_l{layer}_ffn")
        attention(f"decoder_l{layer}_self")
        attention(f"decoder_l{layer}_context")
        feed_forward(f"decoder_l{layer}_ffn")
    config = _MARIAN_MODEL_YML.format(d_model=d_model, vocab=size, layers=layers, heads=heads, ffn=ffn)
    # Marian keeps its options as a NUL-terminated byte string inside the archive.
    weights["special:model.yml"] = np.frombuffer(config.encode() + b"\0", dtype=np.int8)
    with (folder / weights_name).open("wb") as f:
        np.savez(f, **weights)

    (folder / "decoder.yml").write_text(
        f"models:\n  - {weights_name}\nvocabs:\n  - {vocab_name}\n  - {vocab_name}\n"
        "beam-size: 6\nnormalize: 0.6\nword-penalty: 0\nmini-batch: 1\nmaxi-batch: 1\n"
        "maxi-batch-sort: src\nrelative-paths: true\n", encoding="utf-8")
    src3, tgt3 = tatoeba_code(src), tatoeba_code(tgt)
    storage = "Tatoeba-MT-models" if big else "OPUS-MT-models"
    pair_folder = f"{src3}-{tgt3}" if big else f"{src}-{tgt}"
    url = f"https://object.pouta.csc.fi/{storage}/{pair_folder}/{release}.zip"
    (folder / "README.md").write_text(
        _RELEASE_README.format(release=release, architecture=architecture, src3=src3, tgt3=tgt3, url=url),
        encoding="utf-8")
    (folder / "preprocess.sh").write_text(_PREPROCESS_SH, encoding="utf-8")
    (folder / "LICENSE").write_text(_RELEASE_LICENSE, encoding="utf-8")
    log.info("built tiny native Marian release %s in %s", release, folder)
    return folder


def zip_release(folder: Path, zip_path: Path, *, prefix: str = "") -> Path:
    """Zip a release folder the way OPUS-MT does (files at the root, or under ``prefix``)."""
    import zipfile

    zip_path = Path(zip_path)
    zip_path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(zip_path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(Path(folder).iterdir()):
            if path.is_file():
                archive.write(path, prefix + path.name)
    return zip_path
