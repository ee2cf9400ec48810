"""``babelwire bench text``: text processing on hostile sizes, which must stay linear.

Two measures, each at growing sizes so the rows show how time scales (it must grow in proportion,
not faster):

- quotation extraction (:func:`babelwire.stories.quotes.extract_quotes`) on synthetic news
  articles of 1,000 and 10,000 paragraphs (French and English paragraphs with quotations,
  speakers and pronouns, the kinds the rules look for);
- sentence splitting (:func:`babelwire.translate.segment.split_sentences`) of one paragraph of
  80 KB, 320 KB and 1 MB without a line break; the rebuilt paragraph is checked to be exact.

Everything is generated in memory: no network, no database, no model.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from babelwire.document import Block, Document
from babelwire.stories.quotes import extract_quotes
from babelwire.translate.segment import join_segments, split_sentences

log = logging.getLogger(__name__)

QUOTE_PARAGRAPHS = (
    "La réunion a « révélé un grand nombre de divergences sur des questions fondamentales », a estimé le "
    "vice-ministre russe des Affaires étrangères Alexandre Grouchko, qui s'exprimait en fin d'après-midi.",
    "« Nous ne laisserons pas cela se produire », a-t-il martelé devant la presse à Bruxelles.",
    "Selon Martine Roche, directrice de la station, « les familles réservent au dernier moment cette année ».",
    "Le secrétaire général de l'OTAN, Jens Stoltenberg, a pour sa part estimé que « de grandes divergences » "
    "subsistaient sur la sécurité en Europe, tout en saluant la poursuite du dialogue.",
    '"There are significant differences between NATO allies and Russia," NATO Secretary General Jens '
    'Stoltenberg told reporters. "Our differences will not be easy to bridge."',
    "“We will not allow anyone to slam closed NATO's open door policy,” said Wendy Sherman.",
    "“The talks were difficult and long,” she added, before leaving for Washington.",
    "Moscou a soumis à la mi-décembre aux États-Unis et à l'OTAN des projets de traités dont l'élément "
    "principal serait la promesse de l'Alliance de ne pas s'élargir davantage vers l'Est.",
    "La perspective d'adhésion offerte en 2008 à l'Ukraine reste sur la table, et les trente pays membres "
    "jugeront souverainement du moment où le pays sera prêt à la rejoindre.",
    "Josep Borrell said: “I cannot blame anybody as I have no proof.” The envoy did not answer.",
)
SENTENCES = (
    "Le sommet aura lieu le 12 janv. 2022 à Bruxelles, a indiqué M. Dupont devant la presse.",
    "Les délégués de près de deux cents pays se retrouvent lundi pour deux semaines de discussions.",
    "« Nous ne laisserons pas faire cela », a-t-il dit. Pourquoi ? Parce que la Russie refuse.",
    "Le taux est de 3,5 % cette année, contre 3.2 % l'an dernier selon l'art. 5 du rapport.",
    "Mme Sherman a rencontré le vice-ministre russe des Affaires étrangères à Genève mardi.",
)


def article(paragraphs: int) -> Document:
    """A synthetic article of ``paragraphs`` paragraphs cycling through quote-bearing news text."""
    blocks = [Block("paragraph", f"{QUOTE_PARAGRAPHS[i % len(QUOTE_PARAGRAPHS)]} ({i})") for i in range(paragraphs)]
    return Document(title="Un très long article", blocks=blocks, language="fr")


def paragraph(chars: int) -> str:
    """One paragraph of about ``chars`` characters of French news sentences, no line break."""
    parts: list[str] = []
    size = 0
    i = 0
    while size < chars:
        sentence = SENTENCES[i % len(SENTENCES)]
        parts.append(sentence)
        size += len(sentence) + 1
        i += 1
    return " ".join(parts)[:chars]


def bench_quotes(paragraphs: int) -> dict[str, Any]:
    document = article(paragraphs)
    characters = len(document.text)
    started = time.perf_counter()
    quotes = extract_quotes(document, "fr")
    seconds = time.perf_counter() - started
    return {"task": "quotes", "size": f"{paragraphs} paragraphs", "characters": characters,
            "seconds": round(seconds, 3), "us_per_kchar": round(1e6 * seconds / (characters / 1000), 1),
            "result": f"{len(quotes)} quotations"}


def bench_sentences(chars: int, language: str = "fr") -> dict[str, Any]:
    text = paragraph(chars)
    started = time.perf_counter()
    segments = split_sentences(text, language)
    seconds = time.perf_counter() - started
    exact = join_segments(text, segments, [s.text for s in segments]) == text
    return {"task": "sentences", "size": f"1 paragraph of {chars} characters", "characters": len(text),
            "seconds": round(seconds, 3), "us_per_kchar": round(1e6 * seconds / (len(text) / 1000), 1),
            "result": f"{len(segments)} sentences, " + ("rebuilt exactly" if exact else "NOT REBUILT EXACTLY")}


def run_text_bench(paragraphs: tuple[int, ...] = (1000, 10000),
                   chars: tuple[int, ...] = (80_000, 320_000, 1_000_000)) -> list[dict[str, Any]]:
    """One row per measure: task, size, characters, seconds, µs per 1,000 characters, result.

    Linear processing shows as a steady ``us_per_kchar`` down each task's rows."""
    rows: list[dict[str, Any]] = []
    for count in paragraphs:
        rows.append(bench_quotes(count))
        log.info("text bench: %s", rows[-1])
    for size in chars:
        rows.append(bench_sentences(size))
        log.info("text bench: %s", rows[-1])
    return rows
