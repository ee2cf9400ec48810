"""HTML → Document: trafilatura extraction, news boilerplate filters, metadata, language."""

from babelwire.extract.language import detect_language
from babelwire.extract.page import extract_document

__all__ = ["detect_language", "extract_document"]
