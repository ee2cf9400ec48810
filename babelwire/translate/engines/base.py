"""The engine protocol: every translation engine is a batch function plus a stable id."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable


@runtime_checkable
class TranslationEngine(Protocol):
    """Translate a batch of sentences from one language to another.

    ``name`` is the engine kind (``ct2``, ``apertium``, ...). ``model`` names the model or
    language data shown to readers (``opus-mt-fr-en``), or ``None``. ``id`` is stable for a
    given engine and model and keys the translation memory, so a different model never reuses
    another model's translations.
    """

    name: str

    @property
    def id(self) -> str: ...

    @property
    def model(self) -> str | None: ...

    def translate(self, sentences: Sequence[str], source: str, target: str) -> list[str]:
        """One translation per sentence, in order. Raises TranslationError."""
        ...


#: What readers are told about engines that are not a downloaded model (rules, or a service).
_ENGINE_PROVENANCE: dict[str, dict[str, str]] = {
    "apertium": {
        "license": "GPL-3.0 (language data)", "license_url": "https://www.gnu.org/licenses/gpl-3.0.html",
        "attribution": "Apertium, rule-based machine translation", "url": "https://www.apertium.org/",
    },
    "deepl": {"license": "DeepL API terms", "url": "https://www.deepl.com/", "attribution": "DeepL"},
    "libretranslate": {"license": "AGPL-3.0 (server); models per language pair",
                       "url": "https://libretranslate.com/", "attribution": "LibreTranslate"},
    "openai": {"license": "per the model served", "attribution": "a large language model"},
}


def provenance(engine: TranslationEngine) -> dict[str, str]:
    """Engine, model, licence, licence link, attribution and a link for a translation's label.

    A CTranslate2 model carries them in its manifest (written by ``models pull``/``import``);
    wrapping engines (names protection, glossary) are looked through via their ``inner``.
    """
    inner = engine
    while getattr(inner, "inner", None) is not None:
        inner = inner.inner  # type: ignore[attr-defined]
    data: dict[str, str] = {"engine": engine.name}
    if engine.model:
        data["model"] = engine.model
    manifest = getattr(inner, "manifest", None)
    if isinstance(manifest, dict):
        repo = manifest.get("repo")
        fields = {
            "license": manifest.get("license"),
            "license_url": manifest.get("license_url"),
            "attribution": manifest.get("attribution"),
            "url": manifest.get("model_url") or manifest.get("url")
            or (f"https://huggingface.co/{repo}" if repo else None),
        }
        if not fields["license"]:  # models installed before licences were recorded
            from babelwire.translate.models import family_license

            fields |= family_license(str(manifest.get("kind") or ""), str(manifest.get("name") or ""), repo)
        data |= {key: str(value) for key, value in fields.items() if value}
    else:
        data |= _ENGINE_PROVENANCE.get(inner.name, {})
    return data

