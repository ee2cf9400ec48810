"""Quality flags as readers see them: what each flag means, and a flag with its evidence as one line.

Pure and dependency-free, so the reader (web, store read models) and the CLI can describe flags
without importing the translation checks (``babelwire.translate.quality``), which re-exports these.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

FLAG_DESCRIPTIONS: dict[str, str] = {
    "empty": "the translation is empty although the original is not",
    "untranslated": "the translation is still (mostly) in the original language, or copies it",
    "untranslated_words": "words of the original, or of another language, were left untranslated",
    "numbers": "a number of the original is missing or changed in the translation",
    "quotes": "quotation marks are unbalanced, or the number of quotations differs from the original",
    "length_ratio": "the translation is much shorter or longer than translations usually are",
    "glossary": "a glossary term is not translated as the glossary requires",
}


def describe(flags: Iterable[str]) -> list[str]:
    """One human sentence per flag, for readers and the CLI."""
    return [FLAG_DESCRIPTIONS.get(flag, flag) for flag in flags]


def describe_finding(flag: str, evidence: Iterable[str] = ()) -> str:
    """A flag and its evidence as one human line ("left untranslated: endiguement, dépens");
    without evidence (translations stored before it was kept), the flag's description."""
    items = [evidence] if isinstance(evidence, str) else [str(e) for e in evidence]
    items = [e for e in items if e.strip()]
    if not items:
        return FLAG_DESCRIPTIONS.get(flag, flag)
    listed = ", ".join(items)
    if flag == "untranslated_words":
        return f"left untranslated: {listed}"
    if flag == "numbers":
        return f"number{'s' if len(items) > 1 else ''} missing: {listed}"
    if flag == "quotes":
        label = "quotation marks unbalanced" if "opening" in items[0] else "quotations differ from the original"
        return f"{label}: {'; '.join(items)}"
    if flag == "length_ratio":
        more = f" ({'; '.join(items[1:])})" if len(items) > 1 else ""
        return f"length {items[0]}{more}"
    if flag == "untranslated":
        return f"still in the original language: {listed}"
    if flag == "empty":
        return f"the translation is empty ({listed})"
    if flag == "glossary":
        return f"glossary not respected: {listed}"
    return f"{FLAG_DESCRIPTIONS.get(flag, flag)}: {listed}"


def describe_findings(findings: Mapping[str, Iterable[str]]) -> list[str]:
    """One human line per flag of ``check_block_evidence``'s result."""
    return [describe_finding(flag, evidence) for flag, evidence in findings.items()]
