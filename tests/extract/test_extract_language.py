"""Language detection with lingua."""

from __future__ import annotations

import threading

import pytest

from babelwire.extract.language import detect_language


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Le gouvernement a présenté mardi un projet de loi sur la réforme des retraites, "
         "qui sera examiné en juin.", "fr"),
        ("The government presented a bill on pension reform on Tuesday, which members of parliament "
         "will debate in June.", "en"),
        ("Die Regierung hat am Dienstag einen Gesetzentwurf zur Rentenreform vorgelegt, über den im Juni "
         "beraten wird.", "de"),
        ("El Gobierno presentó el martes un proyecto de ley sobre la reforma de las pensiones, que se "
         "debatirá en junio.", "es"),
        ("Il governo ha presentato martedì un disegno di legge sulla riforma delle pensioni, che sarà "
         "discusso a giugno.", "it"),
        ("Правительство во вторник представило законопроект о пенсионной реформе, который обсудят "
         "в июне.", "ru"),
    ],
)
def test_detects_iso_639_1(text: str, code: str) -> None:
    assert detect_language(text) == code


@pytest.mark.parametrize("text", ["", "OK", "12 345 678", "Tweet", "Le gouvernement a présenté un projet.",
                                  "Skip to content Share on Facebook",
                                  "Accueil Monde Sport Culture Économie"])
def test_too_short_or_unsure_is_none(text: str) -> None:
    assert detect_language(text) is None


def test_long_text_only_reads_the_beginning() -> None:
    text = "Le gouvernement a présenté mardi un projet de loi. " * 50 + "The end is English. " * 5000
    assert detect_language(text) == "fr"


def test_shared_detector_is_thread_safe() -> None:
    results: list[str | None] = []
    texts = ["Die Regierung hat am Dienstag einen Gesetzentwurf vorgelegt, über den im Juni beraten wird.",
             "El Gobierno presentó el martes un proyecto de ley sobre la reforma de las pensiones."] * 4
    threads = [threading.Thread(target=lambda t=t: results.append(detect_language(t))) for t in texts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == sorted(["de", "es"] * 4)
