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
