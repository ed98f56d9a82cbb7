"""Normalising text as clerks type and paste it: full-width forms, stray spaces."""

from __future__ import annotations

import unicodedata

_FULLWIDTH_OFFSET = 0xFEE0
# One translation table instead of a per-character loop: an import cleans millions of cells.
_HALFWIDTH = str.maketrans({0x3000: " ", **{code: chr(code - _FULLWIDTH_OFFSET) for code in range(0xFF01, 0xFF5F)}})


def to_halfwidth(text: str) -> str:
    """Full-width ASCII forms (０-９, Ａ-Ｚ, ．，－) and the ideographic space to plain ASCII."""
    return text.translate(_HALFWIDTH)


def clean(text: object) -> str:
    """A cell's text with full-width forms folded, NFC-composed and outer whitespace removed."""
    if text is None:
        return ""
    text = str(text)
    if text.isascii():
        return text.strip()  # nothing to fold or compose: most cells (codes, numbers, dates)
    return unicodedata.normalize("NFC", text.translate(_HALFWIDTH)).strip()
