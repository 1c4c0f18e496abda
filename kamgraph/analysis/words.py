"""Small language-aware helpers for the sentences the analyses write.

English keeps its commas, "and", "or" and indefinite articles; Chinese joins with "、",
"和" and "或" and has no articles.

>>> join_list(["Li Wei", "Chen Jie"]), join_and(["a", "b", "c"]), join_or(["x", "y"])
('Li Wei, Chen Jie', 'a, b and c', 'x or y')
>>> from kamgraph.i18n import use_language
>>> with use_language("zh_CN"):
...     join_list(["李伟", "陈杰"]), join_and(["a", "b", "c"]), join_or(["x", "y"]), article("gold")
('李伟、陈杰', 'a、b和c', 'x或y', 'gold')
"""

from __future__ import annotations

from typing import Iterable

from kamgraph.i18n import current_language


def _chinese() -> bool:
    return current_language() == "zh_CN"


def join_list(items: Iterable) -> str:
    """``a, b, c`` (Chinese ``a、b、c``)."""
    return ("、" if _chinese() else ", ").join(str(x) for x in items)


def _join_last(items: Iterable, word: str) -> str:
    items = [str(x) for x in items]
    if len(items) <= 1:
        return "".join(items)
    if _chinese():
        return "、".join(items[:-1]) + word + items[-1]
    return ", ".join(items[:-1]) + f" {word} " + items[-1]


def join_and(items: Iterable) -> str:
    """``a, b and c`` (Chinese ``a、b和c``)."""
    return _join_last(items, "和" if _chinese() else "and")


def join_or(items: Iterable) -> str:
    """``a or b`` (Chinese ``a或b``); with more, ``a or b or c`` (Chinese ``a、b或c``)."""
    items = [str(x) for x in items]
    if _chinese():
        return _join_last(items, "或")
    return " or ".join(items)


def sentence_join(parts: Iterable) -> str:
    """Clauses joined with ``; `` (Chinese ``；``).

    >>> sentence_join(["a", "b"])
    'a; b'
    """
    return ("；" if _chinese() else "; ").join(str(x) for x in parts)


def article(phrase: str) -> str:
    """``phrase`` with its English indefinite article (``an opponent``); other languages unchanged."""
    if _chinese():
        return phrase
    return f"{'an' if phrase[:1].lower() in 'aeiou' else 'a'} {phrase}"


__all__ = ["article", "join_and", "join_list", "join_or", "sentence_join"]
