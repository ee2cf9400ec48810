"""Document's new fields (authors, agency, figures): stored, loaded, and absent from old revisions."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from babelwire.document import Block, Document, Figure
from babelwire.extract import extract_document
from tests.extract.test_extract_page import RFI_URL, _page


def test_new_fields_round_trip_through_the_store_form() -> None:
    document = Document(title="Titre", blocks=[Block("paragraph", "Un paragraphe.")], language="fr",
                        author="Anne Verdier, Paul Roux", authors=["Anne Verdier", "Paul Roux"], agency="AFP",
                        published=datetime(2023, 3, 16, 19, 42, tzinfo=UTC), url="https://example.org/a",
                        figures=[Figure("Un champ de colza.", "AFP - Frédérick Florin"), Figure(None, "Reuters")])
    stored = document.to_stored()
    assert stored["authors"] == ["Anne Verdier", "Paul Roux"]
    assert stored["agency"] == "AFP"
    assert stored["figures"] == [{"caption": "Un champ de colza.", "credit": "AFP - Frédérick Florin"},
                                 {"caption": None, "credit": "Reuters"}]
    assert "text" not in stored
    assert Document.from_dict(json.loads(json.dumps(stored))) == document
    assert Document.from_dict(document.to_dict()) == document


def test_a_revision_stored_before_the_new_fields_still_loads() -> None:
    old = {"title": "Titre", "blocks": [{"type": "paragraph", "text": "Un paragraphe."}], "language": "fr",
           "author": "Claire Dubois", "published": "2024-06-03T08:15:00+02:00", "modified": None, "url": None}
    document = Document.from_dict(old)
    assert (document.authors, document.agency, document.figures) == ([], None, [])
    assert document.author == "Claire Dubois"
    stored = document.to_stored()
    assert {key: stored[key] for key in old} == old
    assert (stored["authors"], stored["agency"], stored["figures"]) == ([], None, [])


def test_the_new_fields_do_not_change_the_content_hash() -> None:
    plain = Document(title="Titre", blocks=[Block("paragraph", "Un paragraphe.")])
    enriched = Document(title="Titre", blocks=[Block("paragraph", "Un paragraphe.")], authors=["A B"], agency="AFP",
                        figures=[Figure("Légende", "Crédit")])
    assert plain.content_hash() == enriched.content_hash()


def test_an_extracted_document_round_trips() -> None:
    document = extract_document(_page("fr_rfi_slug_byline.html"), RFI_URL)
    assert document.figures and document.authors and document.agency
    assert Document.from_dict(document.to_stored()) == document
