"""Language identification of article text with lingua.

All of lingua's 75 languages are enabled (a wire of *foreign* news cannot know its languages in
advance), in lingua's low-accuracy mode (trigram models only). Measured on this project's 2-core
machine: the high-accuracy detector needs ~1 GB of memory and 10–15 s to load its models on first
use, the low-accuracy one ~80 MB and ~0.5 s, and ~5 ms per call on 1,000 characters. lingua
documents low-accuracy mode as reliable above ~120 characters; article text is longer, and
shorter text gets "don't know" here, so that the caller's hint (the source's language) applies.
"""

from __future__ import annotations

import logging
import threading

from lingua import LanguageDetector, LanguageDetectorBuilder

logger = logging.getLogger(__name__)

# Enough text to be sure, little enough to stay fast on long articles.
MAX_CHARS = 1000
# Below this many letters, trigram guesses are unreliable (menus, captions, headlines).
MIN_LETTERS = 60
# lingua's confidences sum to 1 over all languages: accept the best one when it is both this
# likely and this far ahead of the runner-up, else say "don't know".
MIN_CONFIDENCE = 0.5
MIN_LEAD = 0.2

_detector: LanguageDetector | None = None
_lock = threading.Lock()


def _get_detector() -> LanguageDetector:
    # Built once per process and shared: lingua's detector is immutable and safe across threads.
    global _detector
    if _detector is None:
        with _lock:
            if _detector is None:
                _detector = LanguageDetectorBuilder.from_all_languages().with_low_accuracy_mode().build()
    return _detector


def detect_language(text: str) -> str | None:
    """The ISO 639-1 code (lowercase) of the text's language, or None when too short or unsure."""
    sample = text[:MAX_CHARS]
    if sum(ch.isalpha() for ch in sample) < MIN_LETTERS:
        return None
    values = _get_detector().compute_language_confidence_values(sample)
    if not values or values[0].value < MIN_CONFIDENCE:
        return None
    if len(values) > 1 and values[0].value - values[1].value < MIN_LEAD:
        return None
    return values[0].language.iso_code_639_1.name.lower()
