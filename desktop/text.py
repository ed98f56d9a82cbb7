"""Normalising text as clerks type and paste it: full-width forms, stray spaces."""

from __future__ import annotations

import unicodedata

_FULLWIDTH_OFFSET = 0xFEE0


def to_halfwidth(text: str) -> str:
    """Full-width ASCII forms (０-９, Ａ-Ｚ, ．，－) and the ideographic space to plain ASCII."""
    out = []
    for ch in text:
        code = ord(ch)
        if code == 0x3000:
            out.append(" ")
        elif 0xFF01 <= code <= 0xFF5E:
            out.append(chr(code - _FULLWIDTH_OFFSET))
        else:
            out.append(ch)
    return "".join(out)


def clean(text: object) -> str:
    """A cell's text with full-width forms folded, NFC-composed and outer whitespace removed."""
    if text is None:
        return ""
    return unicodedata.normalize("NFC", to_halfwidth(str(text))).strip()
