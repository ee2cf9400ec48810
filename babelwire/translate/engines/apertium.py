"""Apertium: rule-based, offline translation with the Debian language-pair packages.

Pairs are discovered from the installed ``*.mode`` files (``fr-es``, ``spa-eng``...), whose
codes may be ISO 639-1 or 639-3; both are mapped to ISO 639-1 so callers always say ``fr``,
``es``, ``en``. A pair without a direct mode is reached by the shortest chain of installed
modes (``fr → es → en`` with ``apertium-fr-es`` + ``apertium-eng-spa``).
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
from collections import deque
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path

from babelwire.errors import TranslationError

log = logging.getLogger(__name__)

INSTALL_HINT = "sudo apt-get install apertium apertium-fr-es apertium-eng-spa"

# ISO 639-3 (and the bibliographic 639-2 spellings) used in Apertium mode names → ISO 639-1.
_ISO3_TO_ISO1 = {
    "afr": "af", "ara": "ar", "arg": "an", "bel": "be", "bos": "bs", "bre": "br", "bul": "bg",
    "cat": "ca", "ces": "cs", "cze": "cs", "cos": "co", "cym": "cy", "wel": "cy", "dan": "da",
    "deu": "de", "ger": "de", "ell": "el", "gre": "el", "eng": "en", "epo": "eo", "est": "et",
    "eus": "eu", "baq": "eu", "fin": "fi", "fra": "fr", "fre": "fr", "gla": "gd", "gle": "ga",
    "glg": "gl", "heb": "he", "hin": "hi", "hrv": "hr", "hun": "hu", "ind": "id", "isl": "is",
    "ice": "is", "ita": "it", "jpn": "ja", "kaz": "kk", "kir": "ky", "kor": "ko", "lav": "lv",
    "lit": "lt", "mkd": "mk", "mac": "mk", "mlt": "mt", "msa": "ms", "nld": "nl", "dut": "nl",
    "nno": "nn", "nob": "nb", "oci": "oc", "pol": "pl", "por": "pt", "ron": "ro", "rum": "ro",
    "rus": "ru", "slk": "sk", "slo": "sk", "slv": "sl", "sme": "se", "spa": "es", "sqi": "sq",
    "alb": "sq", "srd": "sc", "srp": "sr", "swe": "sv", "tat": "tt", "tur": "tr", "ukr": "uk",
    "urd": "ur", "uzb": "uz", "zho": "zh", "chi": "zh",
}
_MODE_NAME = re.compile(r"^([a-z]{2,3})-([a-z]{2,3})$")
_PACKAGE_DIR = re.compile(r"/(apertium-[a-z0-9_-]+)/")
# Apertium marks unknown (*), ungenerated (#) and untranslated (@) words at their start.
_MARKED_WORD = re.compile(r"(?<![\w*#@])([*#@]+)(\w+)")


def iso639_1(code: str) -> str:
    """``fr``, ``fra``, ``fre``, ``fr-FR`` → ``fr``; unknown 3-letter codes are kept."""
    base = re.split(r"[-_]", code.strip().lower(), maxsplit=1)[0]
    return _ISO3_TO_ISO1.get(base, base)


def _match_initial_case(source: str, translation: str) -> str:
    """Apertium capitalises every line it is given; a piece cut from mid-sentence (a quotation,
    a clause) that starts in lower case must stay in lower case."""
    first = next((c for c in source if c.isalpha()), "")
    if first.islower() and translation[:1].isupper():
        second = translation[1:2]
        if not second.isupper():  # leave acronyms (NATO, UE) alone
            return translation[0].lower() + translation[1:]
    return translation


def strip_marks(text: str, source: str = "") -> str:
    """Remove Apertium's word marks, keeping as many ``@handles``/``#tags`` as the source had."""
    # A tag like "#Ukraine" comes out translated ("#Ucrania"), so exact matching is not enough:
    # each mark character may survive as often as it started a word in the source.
    source_words = re.findall(r"(?<![\w*#@])[*#@]+\w+", source)
    budget = {c: sum(w.startswith(c) for w in source_words) for c in "*#@"}
    exact = set(source_words)
    for match in _MARKED_WORD.finditer(text):
        if match.group(0) in exact:
            budget[match.group(1)[0]] -= 1

    def unmark(match: re.Match[str]) -> str:
        if match.group(0) in exact:
            return match.group(0)
        mark = match.group(1)[0]
        if budget[mark] > 0:
            budget[mark] -= 1
            return match.group(0)
        return match.group(2)

    return _MARKED_WORD.sub(unmark, text)


class ApertiumEngine:
    """Translate with the ``apertium`` command and the installed language-pair modes."""

    name = "apertium"

    def __init__(
        self,
        *,
        apertium: str = "apertium",
        modes_dir: str | Path | None = None,
        timeout: float = 120.0,
        source: str | None = None,
        target: str | None = None,
    ) -> None:
        """``modes_dir`` holds the ``*.mode`` files (default ``/usr/share/apertium/modes``).

        ``source``/``target`` bind the engine to one pair, so ``id`` and ``model`` name its
        chain; unbound, they describe all installed language data.
        """
        self.apertium = apertium
        if modes_dir is None:
            data_dir = Path(os.environ.get("APERTIUM_DATADIR", "/usr/share/apertium"))
            self.modes_dir = data_dir / "modes"
        else:
            path = Path(modes_dir)
            self.modes_dir = path / "modes" if (path / "modes").is_dir() else path
        self.timeout = timeout
        self.pair = (iso639_1(source), iso639_1(target)) if source and target else None

    # -- discovery ---------------------------------------------------------------------------

    @cached_property
    def _modes(self) -> dict[tuple[str, str], str]:
        """(source, target) in ISO 639-1 → mode name, from the installed ``*.mode`` files."""
        modes: dict[tuple[str, str], str] = {}
        if not self.modes_dir.is_dir():
            return modes
        # Sorted so that, when both "fr-es" and "fra-spa" exist, the choice is stable.
        for path in sorted(self.modes_dir.glob("*.mode")):
            match = _MODE_NAME.match(path.stem)  # skips variants like eco-fr-es, spa-eng_US
            if match:
                pair = (iso639_1(match.group(1)), iso639_1(match.group(2)))
                modes.setdefault(pair, path.stem)
        return modes

    def available_pairs(self) -> set[tuple[str, str]]:
        """Directly installed pairs, as ISO 639-1 codes."""
        return set(self._modes)

    def route(self, source: str, target: str) -> list[str] | None:
        """Mode names of the shortest chain from ``source`` to ``target``, or None."""
        src, tgt = iso639_1(source), iso639_1(target)
        if src == tgt:
            return []
        graph: dict[str, list[str]] = {}
        for a, b in sorted(self._modes):
            graph.setdefault(a, []).append(b)
        previous: dict[str, str] = {src: src}
        queue = deque([src])
        while queue:
            lang = queue.popleft()
            if lang == tgt:
                chain: list[str] = []
                while lang != src:
                    chain.append(self._modes[(previous[lang], lang)])
                    lang = previous[lang]
                return chain[::-1]
            for nxt in graph.get(lang, []):
                if nxt not in previous:
                    previous[nxt] = lang
                    queue.append(nxt)
        return None

    def supports(self, source: str, target: str) -> bool:
        """True when the pair is installed directly or reachable through a pivot language."""
        return self.installed and self.route(source, target) is not None

    @property
    def installed(self) -> bool:
        return shutil.which(self.apertium) is not None

    # -- identity ----------------------------------------------------------------------------

    @cached_property
    def _versions(self) -> dict[str, str]:
        """Mode name → Debian package version of its language data, when dpkg knows it."""
        packages: dict[str, str] = {}
        for mode in self._modes.values():
            try:
                text = (self.modes_dir / f"{mode}.mode").read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            match = _PACKAGE_DIR.search(text)
            if match:
                packages[mode] = match.group(1)
        if not packages or shutil.which("dpkg-query") is None:
            return {}
        try:
            result = subprocess.run(
                ["dpkg-query", "-W", "-f", "${Package}\t${Version}\n", *sorted(set(packages.values()))],
                capture_output=True, text=True, timeout=10, check=False,
            )
        except (OSError, subprocess.TimeoutExpired):
            return {}
        known = dict(line.split("\t", 1) for line in result.stdout.splitlines() if "\t" in line)
        return {mode: known[pkg] for mode, pkg in packages.items() if known.get(pkg)}

    def model_for(self, source: str, target: str) -> str:
        """Human-readable chain, e.g. ``apertium fr-es+spa-eng``."""
        chain = self.route(source, target)
        if chain is None:
            raise self._unreachable(source, target)
        return "apertium " + "+".join(chain)

    def id_for(self, source: str, target: str) -> str:
        """Translation-memory id of a pair: its chain with package versions, if known."""
        chain = self.route(source, target)
        if chain is None:
            raise self._unreachable(source, target)
        parts = [f"{m}@{self._versions[m]}" if m in self._versions else m for m in chain]
        return "apertium:" + "+".join(parts)

    @property
    def model(self) -> str | None:
        if self.pair and self.route(*self.pair) is not None:
            return self.model_for(*self.pair)
        modes = sorted(self._modes.values())
        return "apertium " + ", ".join(modes) if modes else None

    @property
    def id(self) -> str:
        if self.pair and self.route(*self.pair) is not None:
            return self.id_for(*self.pair)
        # Unbound: every installed mode and version, so new data never reuses old memory.
        modes = sorted(self._modes.values())
        return "apertium:" + ",".join(
            f"{m}@{self._versions[m]}" if m in self._versions else m for m in modes
        )

    # -- translation -------------------------------------------------------------------------

    def translate(self, sentences: Sequence[str], source: str, target: str) -> list[str]:
        """One translation per sentence, in order; empty sentences stay empty."""
        if not self.installed:
            raise TranslationError(f"apertium is not installed: {INSTALL_HINT}")
        chain = self.route(source, target)
        if chain is None:
            raise self._unreachable(source, target)
        results = list(sentences)
        todo = [i for i, s in enumerate(sentences) if s.strip()]
        if not todo or not chain:
            return results
        # One sentence per paragraph: a newline inside a sentence would shift every later one.
        texts = [" ".join(sentences[i].split()) for i in todo]
        for mode in chain:
            texts = self._run_batch(mode, texts)
        for i, text in zip(todo, texts, strict=True):
            results[i] = _match_initial_case(sentences[i], text)
        return results

    def _run_batch(self, mode: str, texts: list[str]) -> list[str]:
        # A blank line between sentences: Apertium's transfer rules match across single line
        # breaks ("pierre\nrose" came out "Pink\nstone", the adjective moved onto the line
        # before), but not across a paragraph break.
        output = self._run(mode, "\n\n".join(texts) + "\n")
        lines = output.strip("\n").split("\n\n")
        if len(lines) != len(texts):
            log.warning(
                "apertium %s returned %d lines for %d sentences; translating one by one",
                mode, len(lines), len(texts),
            )
            lines = [" ".join(self._run(mode, text + "\n").split()) for text in texts]
        return [strip_marks(line.strip(), text) for line, text in zip(lines, texts, strict=True)]

    def _run(self, mode: str, text: str) -> str:
        command = [self.apertium, "-d", str(self.modes_dir.parent), "-u", "-f", "txt", mode]
        try:
            result = subprocess.run(
                command, input=text, capture_output=True, text=True, encoding="utf-8",
                errors="replace", timeout=self.timeout, check=False,
            )
        except FileNotFoundError as exc:
            raise TranslationError(f"apertium is not installed: {INSTALL_HINT}") from exc
        except subprocess.TimeoutExpired as exc:
            raise TranslationError(f"apertium {mode} timed out after {self.timeout:g}s") from exc
        if result.returncode != 0:
            detail = result.stderr.strip().splitlines()[-1:] or [f"exit status {result.returncode}"]
            raise TranslationError(f"apertium {mode} failed: {detail[0]}")
        return result.stdout

    def _unreachable(self, source: str, target: str) -> TranslationError:
        installed = ", ".join(f"{a}-{b}" for a, b in sorted(self._modes)) or "none"
        if not self.installed:
            return TranslationError(f"apertium is not installed: {INSTALL_HINT}")
        return TranslationError(
            f"apertium cannot translate {source} → {target}: no installed pair or pivot chain "
            f"(installed: {installed}); install the apertium-<pair> package"
        )
