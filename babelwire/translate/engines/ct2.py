"""The default engine: CTranslate2 running OPUS-MT (Marian), NLLB-200 or M2M-100 models.

Tokenisation uses the ``sentencepiece`` library directly (the models' own ``.spm`` files), which
is much faster than transformers tokenizers and keeps transformers out of the run-time path.

Thread safety: one ``CT2Engine`` (one ``ctranslate2.Translator``) may be shared by any number of
threads. CTranslate2 queues concurrent ``translate_batch`` calls and runs them on its own worker
(``inter_threads=1``: one batch at a time, each using ``intra_threads`` cores), and the
sentencepiece processors are read-only after loading.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from babelwire.errors import ModelError, TranslationError
from babelwire.languages import NLLB_CODES
from babelwire.translate.marian_preprocess import normalize_for_marian

log = logging.getLogger(__name__)

MANIFEST_NAME = "babelwire-model.json"

_NLLB_CODE = re.compile(r"^[a-z]{3}_[A-Z][a-z]{3}$")
_TRADITIONAL_CHINESE = {"tw", "hk", "mo", "hant"}
_BUCKETS = (16, 64, 256, 512)


def base_language(lang: str) -> str:
    """``fr`` from ``fr``, ``fr-FR``, ``FR_ca``: the lowercase primary subtag."""
    return re.split(r"[-_]", lang.strip())[0].lower()


def nllb_code(lang: str) -> str:
    """The NLLB-200 (FLORES-200) code of a language tag: ``fr`` → ``fra_Latn``, ``zh-TW`` → ``zho_Hant``."""
    if _NLLB_CODE.match(lang):
        return lang
    parts = [p.lower() for p in re.split(r"[-_]", lang.strip()) if p]
    if not parts:
        raise TranslationError(f"empty language code {lang!r}")
    if parts[0] == "zh" and _TRADITIONAL_CHINESE.intersection(parts[1:]):
        return "zho_Hant"
    try:
        return NLLB_CODES[parts[0]]
    except KeyError:
        raise TranslationError(f"language {lang!r} has no NLLB-200 code in babelwire's table") from None


def m2m_code(lang: str) -> str:
    """The M2M-100 language token: ``fr`` → ``__fr__``."""
    return f"__{base_language(lang)}__"


def read_manifest(model_dir: Path) -> dict[str, Any]:
    """The ``babelwire-model.json`` of a model folder, or ``{}`` when there is none."""
    path = Path(model_dir) / MANIFEST_NAME
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelError(f"{path}: unreadable model manifest ({exc})") from exc
    return data if isinstance(data, dict) else {}


def _read_vocabulary_file(model_dir: Path, stem: str) -> list[str]:
    json_path, txt_path = Path(model_dir) / f"{stem}.json", Path(model_dir) / f"{stem}.txt"
    if json_path.exists():
        return list(json.loads(json_path.read_text(encoding="utf-8")))
    if txt_path.exists():
        return txt_path.read_text(encoding="utf-8").splitlines()
    return []


def _read_config(model_dir: Path) -> dict[str, Any]:
    """CTranslate2's ``config.json`` of a model folder, or ``{}``."""
    try:
        data = json.loads((Path(model_dir) / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def read_vocabulary(model_dir: Path) -> list[str]:
    """The (shared or target) vocabulary of a CTranslate2 model folder, in id order."""
    for stem in ("shared_vocabulary", "target_vocabulary"):
        if tokens := _read_vocabulary_file(model_dir, stem):
            return tokens
    return []


def detect_kind(model_dir: Path, vocabulary: Sequence[str] | None = None) -> str:
    """``marian``, ``nllb`` or ``m2m`` from the files and vocabulary of a CTranslate2 folder."""
    model_dir = Path(model_dir)
    vocab = set(read_vocabulary(model_dir) if vocabulary is None else vocabulary)
    if "fra_Latn" in vocab or "eng_Latn" in vocab:
        return "nllb"
    if "__en__" in vocab or "__fr__" in vocab:
        return "m2m"
    if (model_dir / "source.spm").exists():
        return "marian"
    raise ModelError(
        f"{model_dir}: cannot tell the model family (no source.spm for OPUS-MT, no NLLB or M2M-100 "
        "language tokens in the vocabulary)"
    )


def is_ct2_model(model_dir: Path) -> bool:
    """True when the folder holds a converted CTranslate2 model."""
    model_dir = Path(model_dir)
    return (model_dir / "model.bin").is_file() and bool(read_vocabulary(model_dir) or any(
        (model_dir / f"source_vocabulary.{ext}").exists() for ext in ("json", "txt")))


def model_fingerprint(model_dir: Path, manifest: dict[str, Any] | None = None) -> str:
    """A short stable hash of the weights: the manifest's sha256, else model.bin size and mtime."""
    manifest = read_manifest(model_dir) if manifest is None else manifest
    if manifest.get("model_bin_sha256"):
        return str(manifest["model_bin_sha256"])[:10]
    stat = (Path(model_dir) / "model.bin").stat()
    return hashlib.sha256(f"{stat.st_size}:{stat.st_mtime_ns}".encode()).hexdigest()[:10]


def _cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class _Tokenizer:
    """Turns sentences into the token sequences a model family expects, and back."""

    def __init__(self, model_dir: Path, kind: str, vocabulary: Sequence[str]) -> None:
        import sentencepiece as spm

        self.kind = kind
        self.vocab = set(vocabulary)
        if kind == "marian":
            source, target = model_dir / "source.spm", model_dir / "target.spm"
            if not target.exists():
                target = source
        else:
            source = target = next(
                (model_dir / n for n in ("sentencepiece.bpe.model", "spm.model", "sentencepiece.model")
                 if (model_dir / n).exists()),
                model_dir / "sentencepiece.bpe.model",
            )
        for path in {source, target}:
            if not path.exists():
                raise ModelError(f"{model_dir}: the {kind} model needs its sentencepiece file {path.name}")
        try:
            self.source = spm.SentencePieceProcessor(model_file=str(source))
            self.target = (self.source if target == source
                           else spm.SentencePieceProcessor(model_file=str(target)))
        except (OSError, RuntimeError) as exc:
            raise ModelError(f"{model_dir}: unreadable sentencepiece model ({exc})") from exc
        # Multi-target OPUS-MT models (opus-mt-en-ROMANCE, Tatoeba's eng-roa, ...) select the output
        # language with a token at the start of the source: ">>fr<<" in the older ones, ">>fra<<" or
        # ">>cmn_Hans<<" in the Tatoeba ones. The tokens are in the *source* vocabulary, which is not
        # the target one when a model has separate vocabularies.
        source_vocab = set(_read_vocabulary_file(model_dir, "source_vocabulary")) or self.vocab
        self.marian_targets = {t[2:-2] for t in source_vocab if t.startswith(">>") and t.endswith("<<")}
        # Models converted from native Marian files have "add_source_eos" in their config (CTranslate2
        # appends </s> itself); the transformers converter leaves it to the caller. Never both.
        self.add_eos = not _read_config(model_dir).get("add_source_eos", False)

    def language_tokens(self, source: str, target: str) -> tuple[list[str], list[str] | None]:
        """(tokens put before the source, target prefix) for a language pair."""
        if self.kind == "nllb":
            src, tgt = nllb_code(source), nllb_code(target)
        elif self.kind == "m2m":
            src, tgt = m2m_code(source), m2m_code(target)
        else:
            if not self.marian_targets:
                return [], None
            token = self.marian_target_token(target)
            if token is None:
                raise TranslationError(f"this multilingual OPUS-MT model has no target language {target!r}")
            return [f">>{token}<<"], None
        for code, lang in ((src, source), (tgt, target)):
            if code not in self.vocab:
                raise TranslationError(f"language {lang!r} ({code}) is not served by this {self.kind} model")
        # NLLB and M2M-100 (non-legacy transformers format): [src_lang] tokens </s>, and the
        # decoder is forced to start with the target language token.
        return [src], [tgt]

    def marian_target_token(self, target: str) -> str | None:
        """The language token (without ``>>``/``<<``) a multi-target Marian model uses for ``target``:
        ``fr`` in the older OPUS-MT models, ``fra`` in the Tatoeba ones, a script variant such as
        ``cmn_Hans``/``zho_Hant`` for Chinese (the one the tag's script or region asks for)."""
        from babelwire.translate.releases import tatoeba_codes

        tgt = base_language(target)
        codes = [tgt, *tatoeba_codes(tgt)]
        variants = [t for code in codes for t in sorted(self.marian_targets) if t.startswith(f"{code}_")]
        tags = {p.lower() for p in re.split(r"[-_]", target.strip())[1:]}
        script = "Hant" if tags & _TRADITIONAL_CHINESE else "Hans" if tgt == "zh" else None
        # The script Chinese asks for outranks the bare code; then the bare code; then any variant.
        candidates = [t for t in variants if script and t.endswith(f"_{script}")]
        candidates += [code for code in codes if code in self.marian_targets] + variants
        return candidates[0] if candidates else None

    def encode(self, sentences: Sequence[str], before: list[str]) -> list[list[str]]:
        if self.kind == "marian":  # what the models' preprocess.sh did to their training data
            sentences = [normalize_for_marian(s) for s in sentences]
        pieces = self.source.encode(list(sentences), out_type=str)
        end = ["</s>"] if self.add_eos else []
        return [before + p + end for p in pieces]

    def decode(self, hypotheses: Sequence[Sequence[str]], prefix: list[str] | None) -> list[str]:
        skip = len(prefix or [])
        return self.target.decode([list(h[skip:]) for h in hypotheses])


class CT2Engine:
    """Translate with a CTranslate2 model folder (OPUS-MT, NLLB-200 or M2M-100)."""

    name = "ct2"

    def __init__(
        self,
        model_dir: Path | str,
        *,
        device: str = "auto",
        compute_type: str = "auto",
        threads: int = 0,
        beam_size: int = 4,
        batch_size: int = 32,
        fixed_length: int | None = None,
    ) -> None:
        """Load the model; ``fixed_length`` forces every output to that many tokens (benchmarks only)."""
        import ctranslate2

        self.model_dir = Path(model_dir)
        if not self.model_dir.is_dir():
            raise ModelError(
                f"model folder {self.model_dir} does not exist (run `babelwire models pull SRC TGT` "
                "or `babelwire models import DIR`)"
            )
        if not is_ct2_model(self.model_dir):
            raise ModelError(
                f"{self.model_dir} is not a CTranslate2 model (no model.bin and vocabulary); "
                "convert it with `babelwire models import DIR`"
            )
        self.manifest = read_manifest(self.model_dir)
        vocabulary = read_vocabulary(self.model_dir)
        self.kind = str(self.manifest.get("kind") or detect_kind(self.model_dir, vocabulary))
        self.tokenizer = _Tokenizer(self.model_dir, self.kind, vocabulary)
        self.pairs = {tuple(p) for p in self.manifest.get("pairs") or [] if len(p) == 2}
        self.beam_size = max(1, beam_size)
        self.batch_size = max(1, batch_size)
        self.fixed_length = fixed_length
        if device == "auto":
            device = "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
        self.device = device
        self.threads = threads or _cpu_count()
        self.compute_type = self._pick_compute_type(ctranslate2, device, compute_type)
        self.translator = self._load(ctranslate2)
        self._model = str(self.manifest.get("name") or self.model_dir.name)
        self._id = f"ct2:{self._model}:{model_fingerprint(self.model_dir, self.manifest)}"
        log.info("loaded %s model %s on %s (%s, %d threads)", self.kind, self._model, device,
                 self.compute_type, self.threads)

    @staticmethod
    def _pick_compute_type(ctranslate2: Any, device: str, requested: str) -> str:
        try:
            supported = ctranslate2.get_supported_compute_types(device)
        except (RuntimeError, ValueError) as exc:
            raise ModelError(f"CTranslate2 cannot use device {device!r}: {exc}") from exc
        wanted = ("int8" if device == "cpu" else "float16") if requested == "auto" else requested
        if wanted in supported or wanted == "default":
            return wanted
        log.warning("compute type %s is not supported on %s; using the model's default", wanted, device)
        return "default"

    def _load(self, ctranslate2: Any) -> Any:
        def load(compute_type: str) -> Any:
            return ctranslate2.Translator(
                str(self.model_dir), device=self.device, compute_type=compute_type,
                inter_threads=1, intra_threads=self.threads,
            )

        try:
            return load(self.compute_type)
        # The extension maps C++ errors to RuntimeError, ValueError, IndexError... on a damaged
        # model.bin: any of them means "cannot load", and it is reported as such.
        except Exception as exc:
            if self.compute_type == "default":
                raise ModelError(f"CTranslate2 cannot load {self.model_dir}: {exc}") from exc
            log.warning("cannot load %s as %s (%s); retrying with the default type",
                        self.model_dir, self.compute_type, exc)
            self.compute_type = "default"
            try:
                return load("default")
            except Exception as exc2:  # same as above
                raise ModelError(f"CTranslate2 cannot load {self.model_dir}: {exc2}") from exc2

    @property
    def id(self) -> str:
        return self._id

    @property
    def model(self) -> str | None:
        return self._model

    def serves(self, source: str, target: str) -> bool:
        """True when the model can translate the pair (per its manifest and language tokens)."""
        try:
            self._check_pair(source, target)
        except TranslationError:
            return False
        return True

    def _check_pair(self, source: str, target: str) -> tuple[list[str], list[str] | None]:
        if self.kind == "marian" and self.pairs:
            pair = (base_language(source), base_language(target))
            if pair not in self.pairs:
                served = ", ".join(f"{s}→{t}" for s, t in sorted(self.pairs))
                raise TranslationError(
                    f"model {self._model} translates {served}, not {pair[0]}→{pair[1]}"
                )
        return self.tokenizer.language_tokens(source, target)

    def _decode_batch(self, batch: list[list[str]], prefix: list[str] | None, bound: int) -> list[list[str]]:
        longest = min(512, int(bound * 2.5) + 10)
        shortest = 1
        if self.fixed_length:
            # Random-weight stand-in models never stop on their own; forcing the length makes
            # speed comparisons with other decoders fair.
            longest = shortest = self.fixed_length + len(prefix or [])
        try:
            # One call per bucket: CTranslate2 sorts the inputs by length and cuts them into
            # max_batch_size chunks itself (documented in translate_batch), so padding stays low.
            output = self.translator.translate_batch(
                batch,
                target_prefix=[prefix] * len(batch) if prefix else None,
                max_batch_size=self.batch_size,
                batch_type="examples",
                beam_size=self.beam_size,
                max_decoding_length=longest,
                min_decoding_length=shortest,
                max_input_length=512,
                return_scores=False,
            )
        except (RuntimeError, ValueError) as exc:
            raise TranslationError(f"CTranslate2 failed on {self._model}: {exc}") from exc
        return [r.hypotheses[0] for r in output]

    def translate(self, sentences: Sequence[str], source: str, target: str) -> list[str]:
        """One translation per sentence, in order; blank sentences come back as ``""``."""
        before, prefix = self._check_pair(source, target)
        results = [""] * len(sentences)
        todo = [i for i, s in enumerate(sentences) if s and s.strip()]
        if not todo:
            return results
        tokens = self.tokenizer.encode([sentences[i].strip() for i in todo], before)
        # The decoding limit must depend on the sentence alone, never on its neighbours in the
        # batch, or a sentence's translation (and the translation memory) would change with the
        # company it keeps. So inputs are grouped in length buckets (≤16, ≤64, ≤256, more tokens),
        # each with its own limit: room for targets longer than the source, yet a bound on runaway
        # repetitions, which hold up a whole batch. The buckets are wide so that news sentences
        # (mostly 15-60 tokens) land in one bucket and one translate_batch call.
        buckets: dict[int, list[int]] = {}
        for k, seq in enumerate(tokens):
            buckets.setdefault(next((b for b in _BUCKETS if len(seq) <= b), _BUCKETS[-1]), []).append(k)
        hypotheses: list[list[str]] = [[] for _ in tokens]
        for bound, members in sorted(buckets.items()):
            batch = [tokens[k] for k in members]
            for k, hyp in zip(members, self._decode_batch(batch, prefix, bound), strict=True):
                hypotheses[k] = hyp
        texts = self.tokenizer.decode(hypotheses, prefix)
        for i, text in zip(todo, texts, strict=True):
            results[i] = text
        return results
