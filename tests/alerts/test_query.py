"""The query language: what it accepts, where it says an error is, and what it matches."""

from __future__ import annotations

import pytest

from babelwire.alerts.matching import Article, WatchIndex, compile_watch
from babelwire.alerts.query import QueryError, parse

ORIGINAL = (
    "« La conversation a été très franche », a déclaré le vice-ministre russe Alexandre Grouchko "
    "au siège de l'Otan à Bruxelles."
)
TRANSLATION = '"The conversation was very frank," said Russian Deputy Minister Alexander Grushko at NATO.'


def article(**changes) -> Article:
    values = {
        "source_id": 3,
        "source_name": "RFI Afrique",
        "language": "fr",
        "original": ORIGINAL,
        "translations": [TRANSLATION],
    }
    values.update(changes)
    return Article(**values)


def matches(query: str, **changes) -> bool:
    return compile_watch(1, query).match(article(**changes)) is not None


@pytest.mark.parametrize(
    ("query", "position", "message"),
    [
        ("(Grushko", 1, "never closed"),
        ("Grushko OR", 11, "ends where"),
        ('"Alexandre Grouchko', 1, "quotation mark is never closed"),
        ("Grushko AND AND Ryabkov", 13, "AND where a word"),
        ("Grushko)", 8, "closing parenthesis has no opening one"),
        ("lang:xx Grushko", 6, "unknown language code 'xx'"),
        ("", 1, "holds no word"),
        ("& …", 1, "holds no word"),
        ("Grushko OR ()", 13, "closing parenthesis where"),
    ],
)
def test_an_invalid_query_says_where(query: str, position: int, message: str):
    with pytest.raises(QueryError) as caught:
        parse(query)
    assert caught.value.position == position and message in caught.value.message


def test_names_match_across_spellings_in_the_original_and_the_translation():
    watch = compile_watch(1, "Grushko")
    found = watch.match(article())
    assert found is not None and found.terms == ("Grushko",)
    assert found.original == ("Grouchko",) and found.translation == ("Grushko",)
    assert matches("Gruschko") and matches("Grouchko")
    assert not matches("Grushko", original="Le ministre a parlé.", translations=[])
    assert matches("Грушко", original="Замминистра Александр Грушко заявил.", translations=[])


def test_words_phrases_and_boolean_operators():
    assert matches('"Alexandre Grouchko"') and not matches('"Grouchko Alexandre"')
    assert matches("otan")  # l'Otan, without case or accents
    assert matches("conversation AND frank") and matches("ukraine OR Grushko") and not matches("ukraine OR kiev")
    assert not matches("Grushko NOT Bruxelles") and matches("Grushko -Ukraine")
    assert matches("(ukraine OR otan) Grushko")


def test_outlets_and_languages():
    assert matches("Grushko lang:fr") and not matches("Grushko lang:ru")
    assert matches("source:3 Grushko") and matches("source:rfi Grushko") and not matches("source:tass")
    watch = compile_watch(1, "Grushko", source_ids=[4], languages=["fr"])
    assert watch.match(article()) is None and watch.match(article(source_id=4)) is not None


def person(i: int) -> str:
    """A distinct made-up name per number (no doubled letters: name keys merge them)."""
    return "Per" + "a".join("bcdfgjklmn"[int(d)] for d in f"{i:03d}")


def test_the_index_tries_only_watches_whose_words_the_article_holds():
    watches = [compile_watch(i, person(i)) for i in range(1000)]
    watches += [
        compile_watch(2000, "Grushko"),
        compile_watch(2001, "lang:fr NOT Grushko"),
        compile_watch(2002, "lang:fr"),
    ]
    index = WatchIndex(watches)
    assert [m.watch_id for m in index.match(article())] == [2000, 2002]
    assert [m.watch_id for m in index.match(article(original=f"{person(7)} a parlé.", translations=[]))] == [
        7,
        2001,
        2002,
    ]
