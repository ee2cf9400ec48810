"""Word-level differences between two revisions of an article, as HTML with <ins>/<del>."""

from __future__ import annotations

import difflib
import re
import threading
from collections import OrderedDict
from typing import Any

from markupsafe import Markup, escape

_TOKEN = re.compile(r"\s+|[^\s]+")
_CACHE_SIZE = 512
SIMILAR = 0.6  # character overlap above which two blocks are one edited block
_cache: OrderedDict[tuple[str, str], Markup] = OrderedDict()
_cache_lock = threading.Lock()


def document_parts(document: dict[str, Any]) -> list[str]:
    """Title and blocks of a stored document: the units a reader compares."""
    parts = [document.get("title") or ""] + [block.get("text", "") for block in document.get("blocks", [])]
    return [part for part in parts if part]


def word_diff(old: str, new: str) -> Markup:
    """``new`` with the words removed since ``old`` in <del> and the words added in <ins>."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    out: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(str(escape("".join(a[i1:i2]))))
            continue
        if op in ("delete", "replace"):
            out.append(f"<del>{escape(''.join(a[i1:i2]))}</del>")
        if op in ("insert", "replace"):
            out.append(f"<ins>{escape(''.join(b[j1:j2]))}</ins>")
    return Markup("".join(out))


def blocks_diff(old: list[str], new: list[str]) -> Markup:
    """Blocks aligned first (added, removed, kept), then words within a block that was edited;
    a word diff over the whole text would match stray common words across unrelated paragraphs."""
    out: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            out.extend(str(escape(text)) for text in old[i1:i2])
            continue
        removed, added = old[i1:i2], new[j1:j2]
        while removed and added and difflib.SequenceMatcher(None, removed[0], added[0]).quick_ratio() >= SIMILAR:
            out.append(word_diff(removed.pop(0), added.pop(0)))
        out.extend(f"<del>{escape(text)}</del>" for text in removed)
        out.extend(f"<ins>{escape(text)}</ins>" for text in added)
    return Markup("\n\n".join(out))


def revision_diff(old_hash: str, old: dict[str, Any], new_hash: str, new: dict[str, Any]) -> Markup:
    """The diff of two stored revisions, computed once per pair of content hashes (a revision's
    content never changes, and the hash names it whatever the store)."""
    key = (old_hash, new_hash)
    with _cache_lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    html = blocks_diff(document_parts(old), document_parts(new))
    with _cache_lock:
        _cache[key] = html
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return html
