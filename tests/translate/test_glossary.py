"""The glossary: matching terms, the ``glossary`` quality check, and the store (SQLite, then
PostgreSQL through the shared ``store`` fixture): entries, per-source overrides, CSV, migration."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.exc import IntegrityError

from babelwire.store import Store
from babelwire.store.database import MIGRATIONS
from babelwire.store.glossary import (
    GlossaryError,
    add_term,
    export_csv,
    glossary_terms,
    import_csv,
    list_terms,
    remove_terms,
)
from babelwire.store.models import GlossaryEntry, Source, utcnow
from babelwire.translate.glossary import Glossary, glossary_violations

# -- matching ----------------------------------------------------------------------------------------


def test_terms_match_whole_words_longest_first():
    glossary = Glossary({"Grouchko": "Grushko", "Le Monde": "Le Monde",
                         "Le Monde diplomatique": "Le Monde diplomatique", "Otan": "NATO"})
    text = "Selon Le Monde diplomatique et Le  Monde, l’Otan (pas l'Otanie) a reçu Grouchko."
    assert [(text[m.start:m.end], m.translation) for m in glossary.find(text)] == [
        ("Le Monde diplomatique", "Le Monde diplomatique"), ("Le  Monde", "Le Monde"), ("Otan", "NATO"),
        ("Grouchko", "Grushko")]
    assert glossary.find("grouchko, OTAN") == []  # case-sensitive


def test_lower_case_term_matches_capitalised_at_the_start():
    glossary = Glossary({"état d'urgence": "state of emergency"})
    (match,) = glossary.find("État d’urgence décrété.")
    assert (match.term, match.translation) == ("état d'urgence", "State of emergency")
    (match,) = glossary.find("Il décrète l'état d'urgence.")
    assert match.translation == "state of emergency"


def test_digest_depends_on_terms_and_translations_only():
    a = Glossary({"Grouchko": "Grushko", "Otan": "NATO"})
    assert a.digest == Glossary([("Otan", "NATO"), ("Grouchko", " Grushko ")]).digest
    assert a.digest != Glossary({"Grouchko": "Gruschko", "Otan": "NATO"}).digest
    assert not Glossary({}) and not Glossary({"": "x", "y": ""})


def test_violations_are_the_terms_whose_translation_is_missing():
    terms = {"Grouchko": "Grushko", "Otan": "NATO", "Le Monde": "Le Monde"}
    source = "Alexandre Grouchko a critiqué l'Otan, selon Le Monde. Grouchko a répété."
    assert glossary_violations(source, "Alexandre Grushko criticised NATO, according to Le Monde.", terms) == []
    assert glossary_violations(source, "Alexandre Grouchko criticised the Otan, according to The World.",
                               terms) == ["Grouchko", "Otan", "Le Monde"]
    # Case of the translation does not matter (sentence starts, headlines); whole words do.
    assert glossary_violations("L'Otan a dit.", "nato said.", terms) == []
    assert glossary_violations("L'Otan a dit.", "NATOs said.", terms) == ["Otan"]
    # Terms absent from the source are not required; a Glossary works as well as a dict.
    assert glossary_violations("Rien.", "Nothing.", Glossary(terms)) == []


# -- the store ---------------------------------------------------------------------------------------


def _source(store: Store, url: str = "https://www.lemonde.fr/rss/une.xml") -> int:
    with store.transaction() as session:
        source = Source(url=url, kind="feed", name="Le Monde", language="fr", interval=900.0,
                        created_at=utcnow(), consecutive_failures=0)
        session.add(source)
        session.flush()
        return source.id


def test_add_list_override_and_remove(store: Store):
    lemonde = _source(store)
    entry, created = add_term(store, "Grouchko", "Grushko", "fr", "en")
    assert created and entry.source_id is None and (entry.source_lang, entry.target_lang) == ("fr", "en")
    again, created = add_term(store, " Grouchko", "Grouchko ", "FR-fr", "en")
    assert not created and again.id == entry.id and again.translation == "Grouchko"
    add_term(store, "Otan", "NATO", "fr", "en")
    add_term(store, "Grouchko", "Grushko", "fr", "en", source_id=lemonde)
    add_term(store, "Grouchko", "Gruschko", "fr", "de")

    assert glossary_terms(store, "fr", "en") == {"Grouchko": "Grouchko", "Otan": "NATO"}
    assert glossary_terms(store, "fr", "en", lemonde) == {"Grouchko": "Grushko", "Otan": "NATO"}
    assert glossary_terms(store, "fr-FR", "de", lemonde) == {"Grouchko": "Gruschko"}
    assert glossary_terms(store, "es", "en") == {}

    listed = list_terms(store, source_lang="fr", target_lang="en")
    assert [(e.term, e.source_id) for e in listed] == [("Grouchko", None), ("Grouchko", lemonde), ("Otan", None)]
    assert listed[1].source_url == "https://www.lemonde.fr/rss/une.xml"
    assert [e.term for e in list_terms(store, source_id=lemonde)] == ["Grouchko"]

    removed, unmatched = remove_terms(store, ["Grouchko", "nope"], target_lang="en")
    assert sorted(e.source_id or 0 for e in removed) == [0, lemonde] and unmatched == ["nope"]
    removed, _ = remove_terms(store, [str(listed[2].id)])
    assert [e.term for e in removed] == ["Otan"]
    assert [(e.term, e.target_lang) for e in list_terms(store)] == [("Grouchko", "de")]


def test_bad_entries_are_refused(store: Store):
    for args, message in [
        (("", "x", "fr", "en"), "term is empty"),
        (("x", " ", "fr", "en"), "translation of 'x' is empty"),
        (("x", "y", "fr", "fr"), "both 'fr'"),
        (("x", "y", "french", "en"), "not a language code"),
        (("x" * 301, "y", "fr", "en"), "longer than 300"),
    ]:
        with pytest.raises(GlossaryError, match=message):
            add_term(store, *args)
    with pytest.raises(GlossaryError, match="no source 42"):
        add_term(store, "x", "y", "fr", "en", source_id=42)


def test_one_global_entry_per_term_even_with_null_source(store: Store):
    add_term(store, "Otan", "NATO", "fr", "en")
    with pytest.raises(IntegrityError), store.transaction() as session:
        session.add(GlossaryEntry(source_lang="fr", target_lang="en", term="Otan", translation="OTAN",
                                  source_id=None, created_at=utcnow()))


def test_removing_a_source_removes_its_entries(store: Store):
    source_id = _source(store)
    add_term(store, "Grouchko", "Grushko", "fr", "en", source_id=source_id)
    with store.transaction() as session:
        session.delete(session.get(Source, source_id))
    assert list_terms(store) == []


def test_csv_round_trip(store: Store):
    source_id = _source(store)
    add_term(store, "Grouchko", "Grushko", "fr", "en")
    add_term(store, "Le Monde, quotidien", 'the "Le Monde" daily', "fr", "en", source_id=source_id)
    text = export_csv(store)
    assert text.splitlines()[0] == "source_lang,target_lang,term,translation,source"
    assert 'fr,en,"Le Monde, quotidien","the ""Le Monde"" daily",https://www.lemonde.fr/rss/une.xml' in text
    before = [(e.term, e.translation, e.source_id) for e in list_terms(store)]
    remove_terms(store, ["Grouchko", "Le Monde, quotidien"])
    result = import_csv(store, text)
    assert (result.added, result.updated, result.unchanged, result.errors) == (2, 0, 0, None)
    assert [(e.term, e.translation, e.source_id) for e in list_terms(store)] == before
    assert import_csv(store, "\ufeff" + text).unchanged == 2  # a BOM from a spreadsheet is fine


def test_csv_import_reports_bad_rows_by_line_and_stores_nothing(store: Store):
    text = ("source_lang,target_lang,term,translation,source\n"
            "fr,en,Otan,NATO,\n"
            'fr,en,"Le Monde\nsur deux lignes",x,\n'  # a quoted field over lines 3-4
            "fr,english,a,b,\n"
            "fr,en,,b,\n"
            "\n"
            "fr,en,c,d,https://nowhere.example/feed\n"
            "fr,en,Otan,OTAN\n"
            "fr,en,too,many,columns,here\n")
    result = import_csv(store, text)
    assert result.errors == [
        (5, "not a language code: 'english' (expected e.g. fr, en, pt-BR)"),
        (6, "the term is empty"),
        (8, "no source 'https://nowhere.example/feed' (give a source's id or URL, or leave it empty)"),
        (9, "'Otan' is already given another translation on line 2"),
        (10, "expected 4 or 5 columns (source_lang,target_lang,term,translation,source), found 6"),
    ]
    assert list_terms(store) == []
    assert import_csv(store, "term,translation\nx,y\n").errors[0][0] == 1
    assert import_csv(store, "").errors[0][0] == 1


# -- migration ---------------------------------------------------------------------------------------


def test_migration_adds_and_drops_the_glossary_table(store: Store):
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert "glossary" in inspect(store.engine).get_table_names()
    indexes = {i["name"]: i for i in inspect(store.engine).get_indexes("glossary")}
    assert indexes["uq_glossary_global_term"]["unique"]
    (revision,) = [r for r in ScriptDirectory.from_config(config).walk_revisions()
                   if r.path.endswith("_glossary.py")]
    with store.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision.down_revision)
    assert "glossary" not in inspect(store.engine).get_table_names()
    with store.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    assert "glossary" in inspect(store.engine).get_table_names()
    add_term(store, "Grouchko", "Grushko", "fr", "en")
    assert glossary_terms(store, "fr", "en") == {"Grouchko": "Grushko"}
