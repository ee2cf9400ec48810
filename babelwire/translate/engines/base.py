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
