"""Language tags as sources write them ("fr-FR", "fr_FR", "FR", "fra") → ISO 639-1 ("fr")."""

from __future__ import annotations

import re
from functools import lru_cache

_TAG = re.compile(r"^\s*([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]{1,8})*\s*$")


def normalise_language(value: object) -> str | None:
    """The ISO 639-1 code of a language tag, or None when the tag names no known language."""
    if not isinstance(value, str):
        return None
    match = _TAG.match(value)
    if match is None:
        return None
    primary = match.group(1).lower()
    if len(primary) == 2:
        return primary
    return _from_iso_639_3(primary)


@lru_cache(maxsize=256)
def _from_iso_639_3(code: str) -> str | None:
    # Some feeds write three-letter codes ("fra", "deu"); lingua (already a dependency for
    # language detection) knows the mapping for the languages we can detect anyway.
    from lingua import IsoCode639_3, Language

    try:
        iso3 = IsoCode639_3.from_str(code)
        return Language.from_iso_code_639_3(iso3).iso_code_639_1.name.lower()
    except (ValueError, AttributeError):
        return None
