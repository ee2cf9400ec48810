"""Translation models on disk: which model serves a pair, downloading, importing, listing.

Every installed model is a CTranslate2 folder under ``HOME/models/<name>`` with a
``babelwire-model.json`` manifest (pairs or languages, origin, checksums, licence). By default
``pull_model`` downloads OPUS-MT's own release zip (native Marian files, see ``releases``) and
converts it with CTranslate2's Marian converter, which needs numpy and pyyaml only; the Hugging
Face hub path (``origin="hub"``, the only source of NLLB-200) needs transformers and torch.
Machines without internet get models with ``import_model`` from a folder copied from elsewhere.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import shutil
import stat
import tempfile
import threading
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from babelwire.errors import ModelError
from babelwire.translate.download import DiskFree, discard, download, free_space
from babelwire.translate.engines.ct2 import (
    MANIFEST_NAME,
    NLLB_CODES,
    CT2Engine,
    base_language,
    detect_kind,
    is_ct2_model,
    read_manifest,
    read_vocabulary,
)
from babelwire.translate.releases import (
    OPUS_MT_ATTRIBUTION,
    OPUS_MT_LICENSE,
    OPUS_MT_LICENSE_URL,
    NoReleaseError,
    Release,
    Size,
    find_release,
    installed_name,
)

log = logging.getLogger(__name__)

#: Pairs with a dedicated OPUS-MT model ``Helsinki-NLP/opus-mt-{src}-{tgt}`` (smaller, faster and
#: usually better than NLLB for its pair). Only repositories known to exist are listed; every
#: other pair of NLLB languages uses NLLB-200 (e.g. pt→en, el→en, ro→en, en→ja, en→ko, en→pl).
OPUS_MT_PAIRS: frozenset[tuple[str, str]] = frozenset(
    [(src, "en") for src in (
        "af", "ar", "bg", "ca", "cs", "da", "de", "es", "et", "fi", "fr", "he", "hi", "hu", "id",
        "it", "ja", "ko", "nl", "pl", "ru", "sk", "sv", "tr", "uk", "vi", "zh",
    )]
    + [("en", tgt) for tgt in (
        "af", "ar", "ca", "cs", "da", "de", "el", "es", "et", "fi", "fr", "he", "hi", "hu", "id",
        "it", "nl", "ro", "ru", "sk", "sv", "uk", "vi", "zh",
    )]
    + [
        ("fr", "de"), ("de", "fr"), ("fr", "es"), ("es", "fr"), ("de", "es"), ("es", "de"),
        ("fr", "ru"), ("ru", "fr"), ("es", "it"), ("it", "es"), ("es", "ru"), ("ru", "es"),
    ]
)
NLLB_REPO = "facebook/nllb-200-distilled-600M"
NLLB_LANGUAGES = frozenset(NLLB_CODES)

#: NLLB-200's weights are published for non-commercial use only: pulling them needs consent.
NLLB_LICENSE = "CC-BY-NC-4.0"
NLLB_LICENSE_URL = "https://creativecommons.org/licenses/by-nc/4.0/"
NLLB_ATTRIBUTION = "NLLB-200, Meta AI (NLLB Team et al. 2022)"

Origin = Literal["release", "hub"]


class ModelRequestError(ModelError):
    """The request cannot be served as asked (unknown pair, licence not accepted, missing extra):
    a usage error, unlike a failed download (the CLI exits 2 for these, 1 for the others)."""


class LicenseNotAccepted(ModelRequestError):
    """The pair needs NLLB-200, whose licence (non-commercial use only) was not accepted: the CLI
    asks on a terminal, and says to pass ``--accept-license`` elsewhere."""

#: Files a conversion needs; anything else in a hub repository (TF/Flax weights, READMEs) is skipped.
_NEEDED_FILES = {
    "config.json", "generation_config.json", "source.spm", "target.spm", "vocab.json",
    "tokenizer_config.json", "special_tokens_map.json", "sentencepiece.bpe.model", "tokenizer.json",
}
_WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")
_TOKENIZER_FILES = ("source.spm", "target.spm", "sentencepiece.bpe.model", "spm.model")
_PAIR_IN_NAME = re.compile(r"opus-mt-([a-z]{2,3})-([a-z]{2,3})(?![a-z])")

ProgressCallback = Callable[[int, int], None]
"""Called with (bytes done, bytes total) while a model downloads."""


@dataclass(frozen=True)
class ModelChoice:
    """The hub model babelwire uses for a language pair."""

    repo_id: str
    kind: Literal["marian", "nllb"]
    local_name: str


@dataclass
class InstalledModel:
    """A converted model under the models folder."""

    name: str
    path: Path
    kind: str
    pairs: list[tuple[str, str]] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    size: int = 0
    repo: str | None = None
    variant: str | None = None  # base or big (the manifest's "size"), for released OPUS-MT models
    license: str | None = None
    license_url: str | None = None
    attribution: str | None = None
    url: str | None = None  # where the model was downloaded from
    model_url: str | None = None  # the page describing it

    def serves(self, source: str, target: str) -> bool:
        """True when this model translates ``source`` → ``target``."""
        src, tgt = base_language(source), base_language(target)
        if self.pairs:
            return (src, tgt) in self.pairs
        return src != tgt and src in self.languages and tgt in self.languages


def choose_model(source: str, target: str) -> ModelChoice:
    """OPUS-MT when a dedicated model exists for the pair, else NLLB-200 distilled 600M."""
    src, tgt = base_language(source), base_language(target)
    if src == tgt:
        raise ModelError(f"source and target language are both {src!r}")
    if (src, tgt) in OPUS_MT_PAIRS:
        return ModelChoice(f"Helsinki-NLP/opus-mt-{src}-{tgt}", "marian", f"opus-mt-{src}-{tgt}")
    missing = [lang for lang in (src, tgt) if lang not in NLLB_LANGUAGES]
    if missing:
        raise ModelRequestError(f"no known model translates {src}→{tgt} (unsupported: {', '.join(missing)})")
    return ModelChoice(NLLB_REPO, "nllb", NLLB_REPO.split("/")[1])


def family_license(kind: str, name: str, repo: str | None) -> dict[str, str]:
    """The licence of a model installed before manifests recorded one, from its family."""
    text = f"{name} {repo or ''}".lower()
    if kind == "nllb" or "nllb" in text:
        return {"license": NLLB_LICENSE, "license_url": NLLB_LICENSE_URL, "attribution": NLLB_ATTRIBUTION}
    if "opus-mt" in text or "helsinki-nlp" in text:
        return {"license": OPUS_MT_LICENSE, "license_url": OPUS_MT_LICENSE_URL, "attribution": OPUS_MT_ATTRIBUTION}
    return {}


def list_models(models_dir: Path) -> list[InstalledModel]:
    """The installed models, by name; folders without a CTranslate2 model are ignored."""
    models_dir = Path(models_dir)
    if not models_dir.is_dir():
        return []
    found = []
    for path in sorted(models_dir.iterdir()):
        if path.name.startswith(".") or not path.is_dir() or not is_ct2_model(path):
            continue
        try:
            manifest = read_manifest(path)
            kind = str(manifest.get("kind") or detect_kind(path))
        except ModelError as exc:
            log.warning("skipping model folder %s: %s", path, exc)
            continue
        pairs = [(str(s), str(t)) for s, t in manifest.get("pairs") or []]
        if not pairs and kind == "marian":
            pairs = _pairs_from_name(path.name)
        languages = list(manifest.get("languages") or [])
        if kind != "marian" and not languages:
            languages = _languages_from_vocabulary(path, kind)
        name = str(manifest.get("name") or path.name)
        licence = {key: manifest.get(key) for key in ("license", "license_url", "attribution")}
        if not licence["license"]:
            licence |= family_license(kind, name, manifest.get("repo"))
        repo = manifest.get("repo")
        found.append(InstalledModel(
            name=name, path=path, kind=kind, pairs=pairs,
            languages=languages, size=sum(f.stat().st_size for f in path.iterdir() if f.is_file()),
            repo=repo, variant=manifest.get("size") if isinstance(manifest.get("size"), str) else None,
            license=licence["license"], license_url=licence["license_url"], attribution=licence["attribution"],
            url=manifest.get("url"),
            model_url=manifest.get("model_url") or (f"https://huggingface.co/{repo}" if repo else None),
        ))
    return found


def find_model(models_dir: Path, source: str, target: str) -> Path | None:
    """The installed model folder serving the pair: a dedicated (Marian) model before a multilingual
    one, and a transformer-big one (which someone pulled on purpose) before a base one."""
    candidates = [m for m in list_models(models_dir) if m.serves(source, target)]
    candidates.sort(key=lambda m: (m.kind != "marian", m.variant != "big", m.name))
    return candidates[0].path if candidates else None


def _pairs_from_name(text: str) -> list[tuple[str, str]]:
    match = _PAIR_IN_NAME.search(text)
    return [(match.group(1), match.group(2))] if match else []


def _languages_from_vocabulary(model_dir: Path, kind: str) -> list[str]:
    vocab = set(read_vocabulary(model_dir))
    if kind == "nllb":
        return sorted(lang for lang, code in NLLB_CODES.items() if code in vocab)
    return sorted(t[2:-2] for t in vocab if re.fullmatch(r"__[a-z]{2,3}__", t))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def verify_model(model_dir: Path, pair: tuple[str, str] | None = None) -> None:
    """Load the model with CTranslate2 and translate one sentence; raises ModelError if anything fails."""
    engine = CT2Engine(model_dir, device="cpu", compute_type="auto", threads=1, beam_size=1, batch_size=1)
    if pair is None:
        if engine.pairs:
            pair = sorted(engine.pairs)[0]
        elif engine.kind == "marian":
            pair = ("fr", "en")  # a single-pair model ignores the codes when its manifest has none
        else:
            pair = ("fr", "en") if engine.tokenizer.vocab & {"fra_Latn", "__fr__"} else ("en", "de")
    try:
        output = engine.translate(["Bonjour."], *pair)
    except Exception as exc:  # any failure here means the folder is unusable; say so plainly
        raise ModelError(f"model in {model_dir} failed its test translation: {exc}") from exc
    if len(output) != 1:
        raise ModelError(f"model in {model_dir} returned {len(output)} translations for one sentence")


def write_manifest(model_dir: Path, **fields: Any) -> dict[str, Any]:
    """Write ``babelwire-model.json`` with the given fields, the conversion time and model.bin's sha256."""
    manifest = {
        **fields,
        "converted_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "model_bin_sha256": _sha256(model_dir / "model.bin"),
    }
    text = json.dumps(manifest, indent=2, ensure_ascii=False)
    (model_dir / MANIFEST_NAME).write_text(text, encoding="utf-8")
    return manifest


def _language_fields(model_dir: Path, kind: str, pair: tuple[str, str] | None) -> dict[str, Any]:
    if kind == "marian":
        return {"pairs": [list(pair)] if pair else []}
    return {"languages": _languages_from_vocabulary(model_dir, kind)}


def _install(staging: Path, final: Path) -> Path:
    """Move a verified staging folder into place, replacing an older copy only once the new one is ready."""
    old = None
    if final.exists():
        old = final.with_name(f".old-{final.name}-{os.getpid()}")
        os.replace(final, old)
    os.replace(staging, final)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return final


CONVERT_ADVICE = (
    "pip install 'babelwire[convert]' (transformers and torch; on a machine without a GPU, "
    "`pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu` first avoids the CUDA build)"
)


def missing_converter() -> str | None:
    """Why Hugging Face models cannot be converted to CTranslate2 here, or None when they can."""
    for module in ("transformers", "torch"):
        try:
            __import__(module)
        except ImportError:
            return f"converting a Hugging Face model to CTranslate2 needs {module}, which is not installed: " \
                   + CONVERT_ADVICE
    return None


def convert_transformers(hf_dir: Path, out_dir: Path, *, quantization: str = "int8") -> Path:
    """Convert a transformers Marian/NLLB/M2M-100 folder with CTranslate2 into ``out_dir``."""
    if (why := missing_converter()) is not None:
        raise ModelError(why)
    from ctranslate2.converters import TransformersConverter
    from transformers.utils import logging as hf_logging

    copy = [name for name in _TOKENIZER_FILES if (hf_dir / name).exists()]
    bars = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()  # keep the CLI's own progress display readable
    try:
        TransformersConverter(str(hf_dir), copy_files=copy).convert(
            str(out_dir), quantization=quantization, force=True
        )
    except Exception as exc:  # the converter raises bare ValueError/OSError/KeyError on bad input
        raise ModelError(f"cannot convert {hf_dir} with CTranslate2: {exc}") from exc
    finally:
        if bars:
            hf_logging.enable_progress_bar()
    return out_dir


def _convert_marian_native(native_dir: Path, out_dir: Path, *, quantization: str = "int8") -> Path:
    """Convert a Marian-NMT release folder (decoder.yml + .npz + spm files) with OpusMTConverter."""
    from ctranslate2.converters import OpusMTConverter

    try:
        OpusMTConverter(str(native_dir)).convert(str(out_dir), quantization=quantization, force=True)
    except Exception as exc:  # same as above: the converter's errors are untyped
        raise ModelError(f"cannot convert the Marian model in {native_dir}: {exc}") from exc
    for name in ("source.spm", "target.spm"):
        if (native_dir / name).exists():
            shutil.copy2(native_dir / name, out_dir / name)
    return out_dir


def _detect_format(path: Path) -> str:
    if is_ct2_model(path):
        return "ct2"
    if (path / "decoder.yml").exists() and any(path.glob("*.npz")):
        return "marian-native"
    config = path / "config.json"
    if config.exists():
        try:
            model_type = json.loads(config.read_text(encoding="utf-8")).get("model_type")
        except (OSError, ValueError) as exc:
            raise ModelError(f"{config}: unreadable ({exc})") from exc
        if model_type in {"marian", "m2m_100"}:
            return "transformers"
        if model_type:
            raise ModelError(f"{path}: transformers model type {model_type!r} is not a translation model "
                             "babelwire supports (marian, m2m_100/NLLB)")
    raise ModelError(
        f"{path} is not a model folder babelwire knows (expected a CTranslate2 folder with model.bin, "
        "a transformers Marian/NLLB/M2M-100 folder with config.json, or a Marian-NMT folder with decoder.yml)"
    )


def _infer_pair(path: Path, manifest: dict[str, Any], source: str | None, target: str | None,
                ) -> tuple[str, str] | None:
    if source and target:
        return base_language(source), base_language(target)
    if manifest.get("pairs"):
        src, tgt = manifest["pairs"][0]
        return str(src), str(tgt)
    tokenizer_config = path / "tokenizer_config.json"
    if tokenizer_config.exists():
        try:
            data = json.loads(tokenizer_config.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        src, tgt = data.get("source_lang"), data.get("target_lang")
        if isinstance(src, str) and isinstance(tgt, str) and len(src) <= 3 and len(tgt) <= 3:
            return src.lower(), tgt.lower()
    pairs = _pairs_from_name(str(path.resolve()))
    return pairs[0] if pairs else None


def import_model(
    path: Path, models_dir: Path, *, src: str | None = None, tgt: str | None = None, name: str | None = None,
) -> Path:
    """Install a model folder from disk: CTranslate2 (copied), transformers or Marian-NMT (converted)."""
    path, models_dir = Path(path), Path(models_dir)
    if not path.is_dir():
        raise ModelError(f"{path} is not a folder")
    fmt = _detect_format(path)
    source_manifest = read_manifest(path) if fmt == "ct2" else {}
    pair = _infer_pair(path, source_manifest, src, tgt)
    models_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".import-", dir=models_dir))
    try:
        out = staging / "model"
        if fmt == "ct2":
            shutil.copytree(path, out)
        elif fmt == "transformers":
            convert_transformers(path, out)
        else:
            _convert_marian_native(path, out)
            for keep in ("LICENSE", "README.md", "preprocess.sh"):  # the release's licence travels with it
                if (path / keep).is_file():
                    shutil.copy2(path / keep, out / keep)
        kind = detect_kind(out)
        if kind == "marian" and pair is None:
            raise ModelError(
                f"cannot tell which languages {path} translates; pass them: "
                f"`babelwire models import {path} --from fr --to en`"
            )
        default_name = f"opus-mt-{pair[0]}-{pair[1]}" if kind == "marian" and pair else path.resolve().name
        final_name = name or source_manifest.get("name") or default_name
        write_manifest(
            out, name=final_name, kind=kind, **_language_fields(out, kind, pair),
            repo=source_manifest.get("repo"), revision=source_manifest.get("revision"),
            quantization=source_manifest.get("quantization", "int8" if fmt != "ct2" else None),
            source=f"import:{fmt}", imported_from=str(path.resolve()),
        )
        verify_model(out, pair if kind == "marian" else None)
        return _install(out, models_dir / final_name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def offline_advice(choice: ModelChoice, source: str, target: str, models_dir: Path) -> str:
    """What to do on a machine that cannot download a model from the hub."""
    return (
        f"on a machine with internet run `babelwire models pull {source} {target} --from-hub` and copy the folder "
        f"{models_dir / choice.local_name} here, or `babelwire models import DIR` with a downloaded "
        f"{choice.repo_id} folder"
    )


def release_offline_advice(source: str, target: str, models_dir: Path, name: str, size: Size = "base",
                           url: str | None = None) -> str:
    """What to do on a machine that cannot download a release zip."""
    flag = " --size big" if size == "big" else ""
    fetch = f"download {url} there" if url else "download the pair's OPUS-MT release zip there"
    return (
        f"on a machine with internet run `babelwire models pull {source} {target}{flag}` and copy the folder "
        f"{models_dir / name} here, or {fetch}, unzip it and run `babelwire models import DIR --from {source} "
        f"--to {target}` on its folder"
    )


def _watch_bytes(folder: Path, total: int, progress: ProgressCallback, stop: threading.Event) -> None:
    """Report the bytes written under ``folder`` until stopped (the hub client has no byte callback)."""
    while not stop.wait(0.5):
        done = sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())
        progress(min(done, total), total)


def _client() -> Any:
    import httpx

    from babelwire import __version__

    # Long reads (hundreds of megabytes) are fine; a stalled connection is not.
    return httpx.Client(follow_redirects=True, timeout=httpx.Timeout(60.0, connect=15.0),
                        headers={"User-Agent": f"babelwire/{__version__} (model download)"})


def pull_model(
    src: str, tgt: str, models_dir: Path, *, size: Size = "base", origin: Origin = "release",
    progress: ProgressCallback | None = None, on_step: Callable[[str], None] | None = None,
    force: bool = False, accept_license: bool = False, revision: str | None = None,
    endpoint: str | None = None, disk_free: DiskFree | None = None,
) -> Path:
    """Download the model for a pair, convert it to int8, verify it and install it; returns its folder.

    ``origin="release"`` (the default) downloads OPUS-MT's own release zip (``size`` base or big,
    see ``releases.find_release``) and needs neither torch nor transformers; pairs OPUS-MT has no
    release for fall back to NLLB-200 from the hub. ``origin="hub"`` converts the Hugging Face
    model (needs the ``convert`` extra). NLLB-200 is licensed CC-BY-NC-4.0 (non-commercial): it
    is refused unless ``accept_license``. ``progress`` gets (bytes done, bytes total), ``on_step``
    a line per stage; ``disk_free`` replaces the free-space probe (tests).
    """
    if size not in ("base", "big"):
        raise ModelRequestError(f"unknown model size {size!r} (base or big)")
    if origin not in ("release", "hub"):
        raise ModelRequestError(f"unknown model origin {origin!r} (release or hub)")
    models_dir = Path(models_dir)
    s, t = base_language(src), base_language(tgt)
    if s == t:
        raise ModelRequestError(f"source and target language are both {s!r}")
    if origin == "hub":
        if size == "big":
            choice = ModelChoice(f"Helsinki-NLP/opus-mt-tc-big-{s}-{t}", "marian", installed_name(s, t, "big"))
        else:
            choice = choose_model(s, t)
        return _pull_from_hub(choice, s, t, models_dir, progress=progress, force=force,
                              accept_license=accept_license, revision=revision, endpoint=endpoint)
    name = installed_name(s, t, size)
    final = models_dir / name
    if final.exists() and not force and is_ct2_model(final):
        log.info("model %s is already installed in %s", name, final)
        return final
    with _client() as client:
        try:
            release = find_release(s, t, size, client=client,
                                   advice=release_offline_advice(s, t, models_dir, name, size))
        except NoReleaseError as exc:
            try:
                choice = choose_model(s, t)
            except ModelError:
                raise ModelRequestError(exc.reason) from exc
            if choice.kind != "nllb" or size == "big":
                raise ModelRequestError(
                    f"{exc.reason}; `babelwire models pull {s} {t} --from-hub` converts the Hugging Face model "
                    "instead (needs babelwire[convert])") from exc
            log.info("no OPUS-MT release for %s→%s: NLLB-200 from the hub serves it", s, t)
            return _pull_from_hub(choice, s, t, models_dir, progress=progress, force=force,
                                  accept_license=accept_license, revision=revision, endpoint=endpoint)
        return _pull_release(release, models_dir, client=client, progress=progress, on_step=on_step,
                             force=force, disk_free=disk_free or free_space)


def _pull_release(
    release: Release, models_dir: Path, *, client: Any, progress: ProgressCallback | None,
    on_step: Callable[[str], None] | None, force: bool, disk_free: DiskFree,
) -> Path:
    """Download, unpack, convert, verify and install one release zip."""
    src, tgt = release.pair
    final = models_dir / release.name
    if final.exists() and not force and is_ct2_model(final):
        log.info("model %s is already installed in %s", release.name, final)
        return final
    step = on_step or (lambda _message: None)
    models_dir.mkdir(parents=True, exist_ok=True)
    # A stable place, so that an interrupted or failed pull continues where it stopped.
    dest = models_dir / ".downloads" / release.name / f"{release.release}.zip"
    step(f"downloading {release.release}.zip ({release.size}) from {release.host}")
    log.info("downloading %s (%s, found in the %s)", release.url, release.size, release.found_in)
    downloaded = download(
        release.url, dest, client=client, progress=progress, disk_free=disk_free, space_folder=models_dir,
        advice=release_offline_advice(src, tgt, models_dir, release.name, release.size, release.url),
    )
    staging = Path(tempfile.mkdtemp(prefix=".pull-", dir=models_dir))
    try:
        native = staging / "native"
        try:
            _safe_extract(downloaded.path, native, release.url, disk_free)
            root = _release_root(native, release.url)
        except _UnusableRelease:
            discard(dest)  # downloading it again would not help: do not keep hundreds of megabytes
            raise
        step("converting to CTranslate2 (int8)")
        out = _convert_marian_native(root, staging / "model")
        _keep_release_files(root, out, release)
        kind = detect_kind(out)
        write_manifest(
            out, name=release.name, kind=kind, pairs=[[src, tgt]], size=release.size, source="release",
            url=release.url, model_url=release.model_url, release=release.release, sha256=downloaded.sha256,
            md5_verified=downloaded.md5_checked, quantization="int8", license=OPUS_MT_LICENSE,
            license_url=OPUS_MT_LICENSE_URL, attribution=OPUS_MT_ATTRIBUTION, scores=release.scores or None,
            repo=None,
        )
        step("verifying")
        verify_model(out, (src, tgt))
        installed = _install(out, final)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    discard(dest)
    with contextlib.suppress(OSError):  # the pair's download folder, now empty
        dest.parent.rmdir()
    log.info("installed %s (%s) in %s", release.name, release.url, installed)
    return installed


class _UnusableRelease(ModelError):
    """The zip is no release babelwire can install (unsafe paths, no Marian model, BPE)."""


def _safe_extract(zip_path: Path, dest: Path, url: str, disk_free: DiskFree) -> None:
    """Unpack a release zip into ``dest``, refusing absolute paths, ``..``, links, and contents larger
    than the free space."""
    try:
        archive = zipfile.ZipFile(zip_path)
    except (zipfile.BadZipFile, OSError) as exc:
        discard(zip_path.with_name(zip_path.name.removesuffix(".part")))  # fetch it afresh next time
        raise ModelError(f"the file downloaded from {url} is not a readable zip ({exc}); it was deleted, "
                         "run the same command again") from exc
    with archive:
        members = archive.infolist()
        for info in members:
            name = info.filename
            parts = PurePosixPath(name).parts
            if name.startswith(("/", "\\")) or "\\" in name or ".." in parts or re.match(r"^[A-Za-z]:", name):
                raise _UnusableRelease(f"the zip from {url} holds an unsafe path {name!r}; not unpacking it")
            if stat.S_ISLNK(info.external_attr >> 16):
                raise _UnusableRelease(f"the zip from {url} holds a symbolic link {name!r}; not unpacking it")
        unpacked = sum(info.file_size for info in members)
        free = disk_free(dest.parent)
        if unpacked > free:
            raise ModelError(f"not enough disk space in {dest.parent} to unpack {url}: "
                             f"{unpacked / 1e6:,.0f} MB needed, {free / 1e6:,.0f} MB free")
        dest.mkdir(parents=True, exist_ok=True)
        for info in members:
            target = dest / info.filename
            if info.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(info) as source, target.open("wb") as out:
                shutil.copyfileobj(source, out, 1 << 20)


def _release_root(native: Path, url: str) -> Path:
    """The folder of the unpacked zip holding decoder.yml (the root, or one folder down)."""
    found = sorted(native.rglob("decoder.yml"), key=lambda p: len(p.parts))
    if not found:
        raise _UnusableRelease(f"the zip from {url} has no decoder.yml: it is not a Marian model release")
    root = found[0].parent
    if not (root / "source.spm").exists():
        raise _UnusableRelease(
            f"the release {url} is tokenised with BPE (no source.spm), which babelwire cannot run; "
            "it runs SentencePiece models only: pick another release of the pair, or `--from-hub`"
        )
    return root


_LICENSE_TEMPLATE = """\
{release} — OPUS-MT model ({src}→{tgt}) by Helsinki-NLP, from {url}

This model is licensed under the Creative Commons Attribution 4.0 International License
(CC-BY 4.0): {license_url}

Attribution: {attribution}. Jörg Tiedemann and Santhosh Thottingal, "OPUS-MT — Building open
translation services for the World", EAMT 2020.

The release zip held no LICENSE file; babelwire wrote this one from the licence OPUS-MT publishes
its models under.
"""


def _keep_release_files(root: Path, out: Path, release: Release) -> None:
    """Copy the licence, README and preprocessing script next to the converted model."""
    for name in ("LICENSE", "README.md", "preprocess.sh"):
        if (root / name).is_file():
            shutil.copy2(root / name, out / name)
    if not (out / "LICENSE").exists():
        src, tgt = release.pair
        (out / "LICENSE").write_text(_LICENSE_TEMPLATE.format(
            release=release.release, src=src, tgt=tgt, url=release.url, license_url=OPUS_MT_LICENSE_URL,
            attribution=OPUS_MT_ATTRIBUTION), encoding="utf-8")


def _pull_from_hub(
    choice: ModelChoice, src: str, tgt: str, models_dir: Path, *, progress: ProgressCallback | None,
    force: bool, accept_license: bool, revision: str | None, endpoint: str | None,
) -> Path:
    """Download the model from the Hugging Face hub, convert it with transformers to int8, verify, install."""
    final = models_dir / choice.local_name
    if final.exists() and not force and is_ct2_model(final):
        log.info("model %s is already installed in %s", choice.local_name, final)
        return final
    if choice.kind == "nllb" and not accept_license:
        raise LicenseNotAccepted(
            f"{src}→{tgt} needs NLLB-200 ({choice.repo_id}), licensed {NLLB_LICENSE} (non-commercial use only, "
            f"{NLLB_LICENSE_URL}); to download it anyway run `babelwire models pull {src} {tgt} --accept-license`"
        )
    if (why := missing_converter()) is not None:  # before downloading hundreds of megabytes
        raise ModelRequestError(why)
    import huggingface_hub
    from huggingface_hub.errors import HfHubHTTPError

    # Read at call time (not at import like huggingface_hub does) so HF_ENDPOINT set later still counts.
    endpoint = endpoint or os.environ.get("HF_ENDPOINT") or None
    api = huggingface_hub.HfApi(endpoint=endpoint)
    try:
        info = api.model_info(choice.repo_id, revision=revision, files_metadata=True, timeout=20)
    except HfHubHTTPError as exc:
        status = getattr(exc.response, "status_code", None)
        if status in (401, 404):
            raise ModelError(f"{choice.repo_id} is not on the hub ({' '.join(str(exc).split())})") from exc
        raise ModelError(f"cannot reach the model hub ({' '.join(str(exc).split())}): "
                         + offline_advice(choice, src, tgt, models_dir)) from exc
    except Exception as exc:  # connection refused, DNS, TLS, offline mode: all mean "no hub here"
        host = endpoint or "huggingface.co"
        raise ModelError(f"cannot reach {host} ({type(exc).__name__}: {' '.join(str(exc).split())}): "
                         + offline_advice(choice, src, tgt, models_dir)) from exc
    siblings = {s.rfilename: (s.size or 0) for s in info.siblings or []}
    weights = next((w for w in _WEIGHT_FILES if w in siblings), None)
    if weights is None:
        raise ModelError(f"{choice.repo_id} has no PyTorch weights (model.safetensors or pytorch_model.bin)")
    files = [*sorted(name for name in siblings if name in _NEEDED_FILES), weights]
    total = sum(siblings[name] for name in files)
    models_dir.mkdir(parents=True, exist_ok=True)
    # Downloads go to a stable folder so an interrupted pull resumes where it stopped.
    download_dir = models_dir / ".downloads" / choice.local_name
    stop = threading.Event()
    watcher = None
    if progress is not None:
        watcher = threading.Thread(
            target=_watch_bytes, args=(download_dir, total, progress, stop), daemon=True
        )
        download_dir.mkdir(parents=True, exist_ok=True)
        watcher.start()
    try:
        huggingface_hub.snapshot_download(
            choice.repo_id, revision=info.sha, local_dir=download_dir, allow_patterns=files,
            endpoint=endpoint,
        )
    except Exception as exc:  # network failures surface as several hub and httpx exception types
        raise ModelError(
            f"download of {choice.repo_id} failed ({type(exc).__name__}: {' '.join(str(exc).split())}); run the "
            "same command again to resume, or: " + offline_advice(choice, src, tgt, models_dir)
        ) from exc
    finally:
        stop.set()
        if watcher is not None:
            watcher.join()
    if progress is not None:
        progress(total, total)
    if choice.kind == "nllb":
        licence = {"license": NLLB_LICENSE, "license_url": NLLB_LICENSE_URL, "attribution": NLLB_ATTRIBUTION}
    else:
        licence = {"license": OPUS_MT_LICENSE, "license_url": OPUS_MT_LICENSE_URL,
                   "attribution": OPUS_MT_ATTRIBUTION}
    staging = Path(tempfile.mkdtemp(prefix=".pull-", dir=models_dir))
    try:
        out = convert_transformers(download_dir, staging / "model")
        kind = detect_kind(out)
        pair = (src, tgt)
        write_manifest(
            out, name=choice.local_name, kind=kind, **_language_fields(out, kind, pair),
            repo=choice.repo_id, revision=info.sha, quantization="int8", source="pull",
            size="big" if "tc-big" in choice.repo_id else ("base" if kind == "marian" else None),
            model_url=f"https://huggingface.co/{choice.repo_id}", **licence,
        )
        verify_model(out, pair)
        installed = _install(out, final)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    shutil.rmtree(download_dir, ignore_errors=True)
    log.info("installed %s (%s) in %s", choice.local_name, choice.repo_id, installed)
    return installed
