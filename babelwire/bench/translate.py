"""``babelwire bench translate``: target tokens per second of babelwire's CTranslate2 path.

Three decoders run the same sentences with the same settings: (a) babelwire's ``CT2Engine``
(tokenisation, length buckets, detokenisation included), (b) raw ``ctranslate2.Translator``
on pre-tokenised input, (c) transformers ``generate`` on the same model in float32. Each runs
greedy and with beam 4. Outputs are forced to ``decode_length`` tokens so a model with random
weights (``build_opus_shaped_model``) does exactly the work of a real one.
"""

from __future__ import annotations

import logging
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from babelwire.translate.engines.ct2 import CT2Engine
from babelwire.translate.testing import TRAINING_TEXT_FR, build_opus_shaped_model

log = logging.getLogger(__name__)

#: French news sentences of news-like length (8 to 45 words), the default workload.
BENCH_SENTENCES_FR: list[str] = [
    "Le gouvernement a présenté mercredi en Conseil des ministres son projet de budget pour l'an prochain.",
    "Les syndicats de la SNCF ont déposé un préavis de grève reconductible à partir du 5 décembre.",
    "Selon les chiffres publiés par l'Insee, le PIB a progressé de 0,4 % au troisième trimestre.",
    "Le maire de Marseille a annoncé la rénovation de trente écoles d'ici à la fin du mandat.",
    "Un violent orage de grêle a endommagé des centaines de voitures près de Toulouse.",
    "La Commission européenne propose de réduire de moitié l'usage des pesticides d'ici à 2030.",
    "L'ancien président a été entendu pendant plus de six heures par les juges d'instruction.",
    "Les prix de l'immobilier ont baissé pour le troisième mois consécutif dans les grandes villes.",
    "Le club parisien s'est imposé deux buts à un face à Lyon dimanche soir au Parc des Princes.",
    "Plus de dix mille personnes ont manifesté samedi à Nantes contre la fermeture de la maternité.",
    "La Banque de France anticipe un ralentissement de la croissance l'année prochaine.",
    "Le ministre de l'Intérieur a promis des renforts de police dans les quartiers touchés.",
    "Les négociations sur le climat se sont achevées sans accord sur la sortie des énergies fossiles.",
    "Une enquête a été ouverte après la découverte d'un corps dans la Seine.",
    "Le Sénat a adopté en première lecture la proposition de loi visant à protéger les lanceurs d'alerte.",
    "Les agriculteurs bloquent depuis lundi plusieurs axes routiers autour de Lyon et de Bordeaux.",
    "Le taux de chômage est tombé à 7,1 % de la population active, son plus bas niveau depuis quinze ans.",
    "La ville de Paris va planter cent soixante-dix mille arbres d'ici à la fin de la décennie.",
    "Le procès de l'attentat s'ouvre lundi devant la cour d'assises spéciale.",
    "Les députés ont rejeté la motion de censure déposée par l'opposition.",
    "Les hôpitaux publics manquent de personnel soignant, alertent les fédérations hospitalières.",
    "La compagnie aérienne a annulé une centaine de vols en raison d'une grève des contrôleurs.",
    "Le prix du litre de gazole a dépassé deux euros dans plusieurs stations-service du pays.",
    "Un incendie s'est déclaré dans la nuit dans un immeuble du onzième arrondissement.",
    "Le Premier ministre s'est rendu en Bretagne pour rencontrer les pêcheurs inquiets de la réforme.",
    "Les ventes de voitures électriques ont doublé en un an, selon l'association des constructeurs.",
    "L'équipe de France de rugby a battu l'Irlande lors du Tournoi des Six Nations.",
    "La cour d'appel a confirmé la condamnation de l'entreprise pour pollution de la rivière.",
    "Les inscriptions sur les listes électorales sont ouvertes jusqu'au 3 mars.",
    "Le festival de Cannes a dévoilé jeudi la sélection officielle de sa prochaine édition.",
    "Des chercheurs français ont mis au point un nouveau test de dépistage du cancer du pancréas.",
    "La Russie et l'Ukraine ont procédé à un nouvel échange de prisonniers, selon Kiev.",
    "Le président américain recevra son homologue français à la Maison Blanche la semaine prochaine.",
    "Les cours du pétrole ont chuté de 5 % après l'annonce d'une hausse de la production saoudienne.",
    "La grève des enseignants a été très suivie dans le primaire, avec près d'un professeur sur deux absent.",
    "Un tremblement de terre de magnitude 5,8 a été ressenti jusqu'à Nice.",
    "La justice a ordonné la suspension des travaux de l'autoroute pour protéger une espèce menacée.",
    "Le Parlement européen a voté l'interdiction de la vente de voitures thermiques neuves en 2035.",
    "Les opposants au projet de mégabassines ont de nouveau manifesté dans les Deux-Sèvres.",
    "La fréquentation des musées nationaux a retrouvé son niveau d'avant la pandémie.",
    "Le géant du numérique a été condamné à une amende de 150 millions d'euros par la CNIL.",
    "Une canicule précoce frappe le sud du pays, avec des températures dépassant 40 degrés.",
    "Le gouvernement envisage de relever l'âge légal de départ à la retraite à 64 ans.",
    "Les ménages modestes recevront un chèque énergie de cent euros avant la fin de l'année.",
    "Le tribunal administratif a annulé l'arrêté municipal interdisant la mendicité dans le centre-ville.",
    "La navigatrice française a remporté la course en solitaire après soixante-quatorze jours de mer.",
    "Les pompiers luttent toujours contre l'incendie qui a déjà détruit quatre mille hectares de pinède.",
    "L'inflation alimentaire reste élevée malgré la baisse des prix de l'énergie.",
    "Le ministre de la Santé a annoncé l'ouverture de cinquante nouveaux centres de santé.",
    "La police a saisi plus d'une tonne de cocaïne dans le port du Havre.",
    "Le chef de l'État a appelé au calme après une nuit de violences urbaines.",
    "Les élections municipales partielles ont été marquées par une forte abstention.",
    "Le constructeur automobile va supprimer deux mille postes en Europe d'ici à 2026.",
    "Les étudiants pourront bénéficier de repas à un euro dans tous les restaurants universitaires.",
    "Une nouvelle ligne de tramway reliera la gare au centre hospitalier à partir de septembre.",
    "La sécheresse menace les récoltes de maïs dans le Sud-Ouest, s'inquiètent les coopératives.",
    "Le Conseil d'État a validé le décret encadrant la vidéosurveillance algorithmique.",
    "Le nombre de demandeurs d'asile a augmenté de 8 % l'an dernier, selon l'Ofpra.",
    "Les négociations salariales dans la grande distribution ont échoué, les syndicats appellent à la grève.",
    "Le musée du Louvre va fermer une aile entière pendant deux ans pour travaux.",
    "Une collision entre un train régional et un camion a fait deux morts dans l'Aisne.",
    "La ministre de la Culture a présenté un plan de soutien aux librairies indépendantes.",
    "Le réseau de chaleur urbain alimentera bientôt vingt mille logements de la métropole.",
    "Les vendanges ont commencé avec trois semaines d'avance en raison de la chaleur de l'été.",
]

#: Speed targets: babelwire / raw CTranslate2, babelwire / transformers (greedy, beam 4).
TARGETS = {"a/b greedy": 0.9, "a/b beam 4": 0.9, "a/c greedy": 2.0, "a/c beam 4": 3.0}
PATHS = {"a": "babelwire CT2Engine", "b": "ctranslate2 raw", "c": "transformers fp32"}


@dataclass
class BenchRow:
    """One decoder at one beam width."""

    path: str  # "a", "b" or "c" (see PATHS)
    beam_size: int
    sentences: int
    target_tokens: int
    seconds: float

    @property
    def label(self) -> str:
        return PATHS[self.path]

    @property
    def decoding(self) -> str:
        return "greedy" if self.beam_size == 1 else f"beam {self.beam_size}"

    @property
    def tokens_per_second(self) -> float:
        return self.target_tokens / self.seconds if self.seconds else 0.0


@dataclass
class BenchRatio:
    """A speed ratio against its target."""

    name: str
    value: float
    target: float

    @property
    def ok(self) -> bool:
        return self.value >= self.target


def ensure_opus_shaped_model(cache_dir: Path) -> tuple[Path, Path]:
    """(CTranslate2 dir, transformers dir) of a random OPUS-shaped fr→en model, cached in ``cache_dir``."""
    ct2_dir, hf_dir = Path(cache_dir) / "opus-shaped-ct2", Path(cache_dir) / "opus-shaped-hf"
    if not (ct2_dir / "model.bin").exists() or not (hf_dir / "config.json").exists():
        log.info("building an OPUS-shaped random model in %s (about a minute)", cache_dir)
        text = TRAINING_TEXT_FR + "\n".join(BENCH_SENTENCES_FR)
        build_opus_shaped_model(ct2_dir, hf_dir=hf_dir, vocab_text=text)
    return ct2_dir, hf_dir


#: Shapes of the OPUS-MT releases ``models pull`` installs (d_model, layers, heads, ffn, vocabulary):
#: base is opus-mt-fr-en's transformer-align (59,514 entries); big is the Tatoeba-MT
#: transformer-big of the same pair (shared SentencePiece vocabularies of about 60k entries).
RELEASE_SHAPES: dict[str, tuple[int, int, int, int, int]] = {
    "base": (512, 6, 8, 2048, 59514),
    "big": (1024, 6, 16, 4096, 60000),
}


def ensure_release_shaped_model(cache_dir: Path, size: str = "base") -> Path:
    """A CTranslate2 model of a release's shape (random weights, int8), built from a native Marian
    release without torch and cached in ``cache_dir``: weights do not change decoding speed."""
    from babelwire.translate.models import import_model
    from babelwire.translate.testing import build_native_marian_release

    d_model, layers, heads, ffn, vocab = RELEASE_SHAPES[size]
    models = Path(cache_dir) / "release-shaped"
    name = f"random-{size}-fr-en"
    if (models / name / "model.bin").exists():
        return models / name
    log.info("building a random %s-shaped model in %s (a minute or two)", size, cache_dir)
    native = build_native_marian_release(Path(cache_dir) / f"native-{size}", big=size == "big", d_model=d_model,
                                         layers=layers, heads=heads, ffn=ffn, vocab_size=2000,
                                         pad_vocab_to=vocab)
    try:
        return import_model(native, models, src="fr", tgt="en", name=name)
    finally:
        shutil.rmtree(native, ignore_errors=True)


def _timed(run: Callable[..., int], *args: object) -> tuple[int, float]:
    start = time.perf_counter()
    tokens = run(*args)
    return tokens, time.perf_counter() - start


def _bench_engine(engine: CT2Engine, sentences: list[str], decode_length: int) -> int:
    out = engine.translate(sentences, "fr", "en")
    if len(out) != len(sentences):
        raise RuntimeError(f"{len(out)} translations for {len(sentences)} sentences")
    return decode_length * len(sentences)  # forced length: every output has exactly this many tokens


def _bench_raw(engine: CT2Engine, tokens: list[list[str]], beam: int, decode_length: int,
               batch_size: int) -> int:
    results = engine.translator.translate_batch(
        tokens, max_batch_size=batch_size, batch_type="examples", beam_size=beam,
        min_decoding_length=decode_length, max_decoding_length=decode_length, return_scores=False,
    )
    return sum(len(r.hypotheses[0]) for r in results)


def _bench_hf(model: object, tokenizer: object, sentences: list[str], beam: int, decode_length: int,
              batch_size: int) -> int:
    import torch

    produced = 0
    # Same help as CTranslate2 gets: length-sorted batches, so padding is minimal.
    ordered = sorted(sentences, key=len)
    with torch.inference_mode():
        for start in range(0, len(ordered), batch_size):
            batch = tokenizer(ordered[start:start + batch_size], return_tensors="pt", padding=True)  # type: ignore[operator]
            out = model.generate(  # type: ignore[attr-defined]
                **batch, num_beams=beam, do_sample=False, min_new_tokens=decode_length,
                max_new_tokens=decode_length, early_stopping=False,
            )
            produced += (out.shape[1] - 1) * out.shape[0]  # minus the decoder start token
    return produced


def run_translate_bench(
    model_dir: Path,
    *,
    hf_model_dir: Path | None,
    sentences: Sequence[str] | None = None,
    decode_length: int = 32,
    threads: int = 2,
    batch_size: int = 32,
    beams: Sequence[int] = (1, 4),
    warmup: int = 4,
    repeats: int = 3,
) -> list[BenchRow]:
    """Measure target tokens/second of paths a, b (and c when ``hf_model_dir`` is given) per beam width.

    a and b run ``repeats`` times each, alternating which goes first, and keep their best time:
    that filters out the noise of a machine shared with other work. c (slow) runs once.
    """
    texts = list(sentences or BENCH_SENTENCES_FR)
    rows: list[BenchRow] = []
    hf = None
    if hf_model_dir is not None:
        import torch
        from transformers import AutoTokenizer, MarianMTModel

        previous_threads = torch.get_num_threads()
        torch.set_num_threads(threads)
        hf = (MarianMTModel.from_pretrained(str(hf_model_dir), dtype=torch.float32).eval(),
              AutoTokenizer.from_pretrained(str(hf_model_dir)))
    try:
        for beam in beams:
            engine = CT2Engine(model_dir, device="cpu", threads=threads, beam_size=beam,
                               batch_size=batch_size, fixed_length=decode_length)
            tokens = engine.tokenizer.encode(texts, [])
            engine.translate(texts[:warmup], "fr", "en")  # first call allocates buffers
            best: dict[str, tuple[int, float]] = {}
            runs = [("a", lambda e=engine: _bench_engine(e, texts, decode_length)),
                    ("b", lambda e=engine, t=tokens, b=beam: _bench_raw(e, t, b, decode_length, batch_size))]
            for i in range(max(1, repeats)):
                # Alternate which path goes first: on a busy machine the order alone shifts times.
                for path, run in runs if i % 2 == 0 else runs[::-1]:
                    produced, seconds = _timed(run)
                    if path not in best or seconds < best[path][1]:
                        best[path] = (produced, seconds)
            rows.extend(BenchRow(path, beam, len(texts), *best[path]) for path in ("a", "b"))
            if hf is not None:
                _bench_hf(*hf, texts[:warmup], beam, 4, batch_size)
                produced, seconds = _timed(_bench_hf, *hf, texts, beam, decode_length, batch_size)
                rows.append(BenchRow("c", beam, len(texts), produced, seconds))
            log.info("bench beam %d done: %s", beam, [f"{r.path}={r.tokens_per_second:.0f}" for r in rows])
    finally:
        if hf is not None:
            torch.set_num_threads(previous_threads)
    return rows


def bench_ratios(rows: Sequence[BenchRow]) -> list[BenchRatio]:
    """a/b and a/c throughput ratios per beam width, with their targets."""
    speed = {(r.path, r.beam_size): r.tokens_per_second for r in rows}
    ratios = []
    for beam in sorted({r.beam_size for r in rows}):
        decoding = "greedy" if beam == 1 else f"beam {beam}"
        for other in ("b", "c"):
            if (other, beam) in speed and ("a", beam) in speed and speed[(other, beam)]:
                name = f"a/{other} {decoding}"
                value = speed[("a", beam)] / speed[(other, beam)]
                ratios.append(BenchRatio(name, value, TARGETS.get(name, 0.0)))
    return ratios


def bench_tables(rows: Sequence[BenchRow]) -> list[object]:
    """Rich tables (throughput, ratios) for the CLI."""
    from rich.table import Table

    speed = Table(title="Translation throughput (target tokens/second)")
    for column in ("path", "decoding", "sentences", "target tokens", "seconds", "tokens/s"):
        speed.add_column(column, justify="left" if column in {"path", "decoding"} else "right")
    for r in rows:
        speed.add_row(r.label, r.decoding, str(r.sentences), str(r.target_tokens), f"{r.seconds:.2f}",
                      f"{r.tokens_per_second:.0f}")
    ratios = Table(title="Ratios (a = babelwire, b = raw CTranslate2, c = transformers)")
    for column in ("ratio", "value", "target", "met"):
        ratios.add_column(column)
    for q in bench_ratios(rows):
        ratios.add_row(q.name, f"{q.value:.2f}", f"≥ {q.target:g}", "yes" if q.ok else "NO")
    return [speed, ratios]


def format_bench(rows: Sequence[BenchRow]) -> str:
    """The results as plain text (logs, README)."""
    lines = [f"{'path':<22} {'decoding':<8} {'tokens':>7} {'seconds':>8} {'tokens/s':>9}"]
    for r in rows:
        lines.append(f"{r.label:<22} {r.decoding:<8} {r.target_tokens:>7} {r.seconds:>8.2f} "
                     f"{r.tokens_per_second:>9.0f}")
    for q in bench_ratios(rows):
        lines.append(f"{q.name:<12} {q.value:>6.2f}  (target ≥ {q.target:g}: {'met' if q.ok else 'MISSED'})")
    return "\n".join(lines)
