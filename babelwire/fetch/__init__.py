"""HTTP fetching: politeness, robots.txt, conditional GET, retries, size limits, a total deadline per URL,
address guard."""

from babelwire.fetch.client import Fetcher
from babelwire.fetch.encoding import decode_text
from babelwire.fetch.result import FetchResult

__all__ = ["FetchResult", "Fetcher", "decode_text"]
