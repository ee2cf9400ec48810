"""What grouping compares: spelling-tolerant names, folded words, background term weights, time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from babelwire.stories import background
from babelwire.stories.grouping import time_factor
from babelwire.stories.representation import idf_table, idf_weights, name_key, term_key, term_vector


def test_one_name_across_spellings_and_languages():
    assert name_key("Grouchko") == name_key("Grushko") == name_key("Gruschko") == name_key("Gruszko")
    assert name_key("Alexandre Grouchko") == "alexandre " + name_key("Grushko")
    assert name_key("Otan") == name_key("NATO") == "nato"
    assert name_key("États-Unis") == name_key("United States")
    assert name_key("Stoltenberg") != name_key("Sherman")


def test_words_are_folded_and_elided_articles_dropped():
    assert term_key("l'Otan") == term_key("Otan") == "otan"
    assert term_key("Élysée") == "elysee"
    assert term_key("d’Europe") == "europe"
    vector = term_vector("L'Otan et la Russie", "Le vice-ministre Alexandre Grouchko a parlé à l'Otan.")
    assert "otan" in vector and "l'otan" not in vector
    assert "@" + name_key("Alexandre Grouchko") in vector


def test_background_weights_tell_common_words_from_rare_ones_with_two_documents():
    assert background.table("fr") is not None and background.table("xx") is None
    df, n = idf_table([{"le": 1, "otan": 1, "grouchko": 1, "reunion": 1}, {"le": 1, "otan": 1, "grouchko": 1}])
    french = idf_weights(df, n, "fr")
    assert french["le"] < french["reunion"] < french["otan"] < french["grouchko"]
    # Without a table every word is rare a priori: two documents cannot tell "le" from "Grouchko".
    plain = idf_weights(df, n, None)
    assert plain["le"] == plain["grouchko"]
    # A busy store's own counts still matter: a word in every candidate weighs less.
    busy_df = dict(df, otan=2000)
    assert idf_weights(busy_df, 2000, "fr")["otan"] < french["otan"]


def test_stories_far_in_time_count_less():
    at = datetime(2022, 1, 12, 16, tzinfo=UTC)
    assert time_factor(at, at - timedelta(hours=3), at - timedelta(hours=1)) == 1.0
    assert time_factor(at, at - timedelta(hours=20), at - timedelta(hours=11)) == 1.0
    two_days = time_factor(at, at - timedelta(days=3), at - timedelta(days=2))
    assert two_days < 0.8
    assert time_factor(at, None, None) == 1.0
