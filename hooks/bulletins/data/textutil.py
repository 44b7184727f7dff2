"""Small text helpers shared by the loader, the importer and search."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from pypinyin import Style, lazy_pinyin

CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def circled(n: int) -> str:
    return CIRCLED[n - 1] if 1 <= n <= len(CIRCLED) else f"({n})"


def toneless(reading: str) -> str:
    """'jiāng gān' -> 'jianggan'."""
    plain = unicodedata.normalize("NFKD", reading)
    return "".join(c for c in plain if c.isascii() and c.isalnum()).lower().replace("ü", "v")


@lru_cache(maxsize=4096)
def pinyin_of(text: str) -> str:
    return "".join(lazy_pinyin(text, errors="ignore"))


@lru_cache(maxsize=4096)
def initials_of(text: str) -> str:
    return "".join(p[:1] for p in lazy_pinyin(text, style=Style.FIRST_LETTER, errors="ignore"))


def pinyin_sort_key(text: str) -> tuple[str, str]:
    """Chinese lists sort by pinyin, ties by the characters themselves."""
    return (" ".join(lazy_pinyin(text)), text)


_CLAUSE = re.compile(r"[，。；;,.：:、！？!?（）()\s“”\"']+")


def says_more(extra: str, text: str) -> bool:
    """Whether `extra` has a clause (two characters or more) that `text` does not contain, punctuation
    and spaces aside: a bulletin's action is often the text's last sentence, repeated."""
    flat = _CLAUSE.sub("", text)
    return any(len(c) >= 2 and c not in flat for c in _CLAUSE.split(extra))
