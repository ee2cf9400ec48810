"""Bylines parsed, not copied: authors, agency and dates out of a byline's text."""

from __future__ import annotations

from datetime import datetime

import pytest

from babelwire.extract.byline import agency_of, byline_block, clean_name, dateline_agency, parse_byline, parse_date


@pytest.mark.parametrize(
    ("text", "authors", "agency", "published"),
    [
        ("Publié le : 12/01/2022 - 21:03 · Par notre correspondant à Bruxelles, Pierre Benazet",
         ["Pierre Benazet"], None, datetime(2022, 1, 12, 21, 3)),
        # trafilatura's author for the same byline, labels left in
        ("Publié le; Pierre Benazet", ["Pierre Benazet"], None, None),
        ("Par Claire Dubois, publié le 3 juin 2024", ["Claire Dubois"], None, datetime(2024, 6, 3)),
        ("Par Le Monde avec AFP", ["Le Monde"], "AFP", None),
        ("By Jane Doe and John Roe, Reuters", ["Jane Doe", "John Roe"], "Reuters", None),
        ("January 12, 2022 9:03 pm By Tom Hartley", ["Tom Hartley"], None, datetime(2022, 1, 12, 21, 3)),
        ("Von Anna Schmidt, dpa", ["Anna Schmidt"], "dpa", None),
        ("Von unserem Korrespondenten in Wien, Karl Huber", ["Karl Huber"], None, None),
        ("Por María López (EFE)", ["María López"], "EFE", None),
        ("Isabel Caro; Rocío Latorre y José Miguel Wilson Tiempo de lectura", ["Isabel Caro", "Rocío Latorre",
                                                                                "José Miguel Wilson"], None, None),
        ("di Giulia Ferraris e Marco Bini", ["Giulia Ferraris", "Marco Bini"], None, None),
        ("Текст: Иван Петров", ["Иван Петров"], None, None),
        ("12 января 2022, 21:03 — Мария Иванова", ["Мария Иванова"], None, datetime(2022, 1, 12, 21, 3)),
        ("بقلم محمد علي", ["محمد علي"], None, None),
        ("Propos recueillis par Marie Dupont", ["Marie Dupont"], None, None),
        ("Ursula von der Leyen", ["Ursula von der Leyen"], None, None),
        ("giampiero maggio", ["Giampiero Maggio"], None, None),
        ("Heiko SauerDo", ["Heiko Sauer"], None, None),  # a name glued to the next word
        ("Jens Bergmann Foto: Michael Hudler", ["Jens Bergmann"], None, None),
        ("(Avec AFP)", [], "AFP", None),
        ("dpa/lnw", [], "dpa", None),
        ("Det; Dpa", [], "dpa", None),  # an editor's initials are not a name; the agency as trafilatura wrote it
        ("La Rédaction", [], None, None),
        ("Redazione Politica", [], None, None),
        ("www.example.org", [], None, None),
    ],
)
def test_parse_byline(text: str, authors: list[str], agency: str | None, published: datetime | None) -> None:
    byline = parse_byline(text)
    assert byline.authors == authors
    assert byline.agency == agency
    assert byline.published == published


def test_publication_and_modification_dates() -> None:
    byline = parse_byline("Publié le : 12/01/2022 - 21:03 Modifié le : 13/01/2022 - 08:15")
    assert byline.published == datetime(2022, 1, 12, 21, 3)
    assert byline.modified == datetime(2022, 1, 13, 8, 15)
    updated = parse_byline("Updated 14 March 2024 at 09:05 · By Tom Hartley")
    assert updated.modified == datetime(2024, 3, 14, 9, 5) and updated.published is None
    assert updated.authors == ["Tom Hartley"]


@pytest.mark.parametrize("name", ["AFP", "Reuters", "AP", "dpa", "EFE", "ANSA", "TASS", "Xinhua"])
def test_agency_credits_are_recognised(name: str) -> None:
    assert agency_of(name) == name
    assert agency_of(f"({name})") == name
    assert parse_byline(f"Par Jean Martin avec {name}").agency == name
    assert parse_byline(f"By Jane Doe, {name}").authors == ["Jane Doe"]


def test_agency_of_refuses_ordinary_words() -> None:
    assert agency_of("Applause") is None
    assert agency_of("avec Pierre") is None
    assert agency_of("ap") is None  # short capital agencies only count in capitals
    assert agency_of("Quelle: Reuters") == "Reuters"
    assert agency_of("aja/PAP") == "PAP"
    assert agency_of("ТАСС") == "TASS"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12/01/2022 - 21:03", datetime(2022, 1, 12, 21, 3)),
        ("2022-01-12T21:03", datetime(2022, 1, 12, 21, 3)),
        ("12.01.2022 21:03 Uhr", datetime(2022, 1, 12, 21, 3)),
        ("01/13/2022", datetime(2022, 1, 13)),  # the month came first after all
        ("le 12 janvier 2022 à 21h03", datetime(2022, 1, 12, 21, 3)),
        ("12. Januar 2022", datetime(2022, 1, 12)),
        ("12 de enero de 2022", datetime(2022, 1, 12)),
        ("12 gennaio 2022", datetime(2022, 1, 12)),
        ("January 12, 2022 9:03 pm", datetime(2022, 1, 12, 21, 3)),
        ("12 января 2022 года", datetime(2022, 1, 12)),
        ("12 يناير 2022", datetime(2022, 1, 12)),
        ("sans date", None),
        ("31/02/2022", None),
        ("12/01/1850", None),
    ],
)
def test_parse_date(text: str, expected: datetime | None) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Par Claire Dubois, publié le 3 juin 2024",
        "Publié le : 12/01/2022 - 21:03 · Par notre correspondant à Bruxelles, Pierre Benazet",
        "By Tom Hartley",
        "Von Anna Schmidt",
        "Por Lucía Méndez y Pablo Ortega",
        "Автор: Мария Иванова",
    ],
)
def test_byline_blocks(text: str) -> None:
    assert byline_block(text) is not None


@pytest.mark.parametrize(
    "text",
    [
        "By 2030, the city will have doubled its tram network, the mayor said.",
        "Par ailleurs, le gouvernement a présenté un nouveau plan.",
        "Di Maio ha detto che il governo non cadrà.",
        "Von Montag an gilt die neue Regel.",
        "Por eso, el Ejecutivo retiró el proyecto.",
        "Par Pierre Benazet, qui suit les négociations depuis des mois pour la rédaction de Bruxelles, " * 2,
    ],
)
def test_sentences_are_not_bylines(text: str) -> None:
    assert byline_block(text) is None


def test_clean_name() -> None:
    assert clean_name("Pierre Benazet") == "Pierre Benazet"
    assert clean_name("Lüder Hoppe info-hoppe de") == "Lüder Hoppe"
    assert clean_name("follow") is None
    assert clean_name("Jean 2") is None
    assert clean_name("x" * 80 + " Name") is None
    assert clean_name("von") is None  # particles alone
    assert clean_name("< >") is None
    assert clean_name("Www Haufe De") is None
    assert parse_byline("Jueves, 5 de mayo de 2022 · Por Ana Ruiz").authors == ["Ana Ruiz"]
    assert parse_byline("Jueves").authors == []
    assert parse_byline("30/10/23 | StarsInsider").authors == ["StarsInsider"]  # a brand is not split


@pytest.mark.parametrize(
    ("text", "agency"),
    [
        ("PARIS (AFP) - Le président a annoncé mardi", "AFP"),
        ("BERLIN (dpa) – Die Regierung hat beschlossen", "dpa"),
        ("MADRID, 12 Ene. (EUROPA PRESS) - El Gobierno", "Europa Press"),
        ("ROMA (ANSA) - Il tasso di disoccupazione", "ANSA"),
        ("МОСКВА, 15 сен — РИА Новости. Центральный банк", "RIA Novosti"),
        ("Le président (AFP) a dit", None),
        ("Paris, le 12 janvier. Le président a dit", None),
    ],
)
def test_dateline_agency(text: str, agency: str | None) -> None:
    assert dateline_agency(text) == agency
