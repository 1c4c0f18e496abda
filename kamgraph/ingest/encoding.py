"""One encoding rule for every text file an import reads (native CSV and every mapping).

UTF-8, with or without a byte-order mark; else GB18030 (which contains GBK and GB2312)
when the text then reads as Chinese; else an error naming the file, the line and the byte
offset of the first byte that is not UTF-8. Never a guess that stores mojibake: a
Windows-1252 file is rejected rather than read (``Françoise`` in cp1252 is valid GB18030
bytes, but they decode to a rare ideograph, so it is not taken for Chinese).

>>> decode_text("张伟".encode("gbk"), "people.csv")
'张伟'
>>> decode_text(b"\\xef\\xbb\\xbfid", "people.csv")
'id'
>>> decode_text("Fran\\u00e7oise".encode("cp1252"), "people.csv")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
kamgraph.errors.ImportValidationError: ...people.csv: not UTF-8 text: line 1 contains the byte 0xe7 (byte offset 4)...
"""

from __future__ import annotations

from kamgraph.errors import ImportValidationError, Problem
from kamgraph.i18n import _

__all__ = ["decode_text", "decode_with_encoding"]

_BOM = b"\xef\xbb\xbf"
#: share of the distinct non-ASCII characters that must be common Chinese (GB2312) for GB18030
#: bytes to count as Chinese text; mojibake of Western text lands in GBK's rare extensions
_CHINESE_SHARE = 0.8


def _reads_as_chinese(text: str) -> bool:
    """Whether most distinct non-ASCII characters are common Chinese (GB2312): counted
    over distinct characters, so a large file costs one pass in C (``set``)."""
    others = [c for c in set(text) if ord(c) > 0x7F]
    if not others:
        return False
    common = 0
    for c in others:
        try:
            c.encode("gb2312")
            common += 1
        except UnicodeEncodeError:
            pass
    return common >= _CHINESE_SHARE * len(others)


def decode_text(data: bytes, source: str) -> str:
    """``data`` as text by the import's encoding rule (module docstring).

    Raises :class:`ImportValidationError` with one problem naming ``source``, the line and
    the offset of the first byte that is not UTF-8.
    """
    return decode_with_encoding(data, source)[0]


def decode_with_encoding(data: bytes, source: str) -> tuple[str, str]:
    """``(text, "utf-8" or "gb18030")``: :func:`decode_text` and the encoding it found.

    >>> decode_with_encoding("张伟".encode("gb18030"), "a.csv")
    ('张伟', 'gb18030')
    """
    data = data.removeprefix(_BOM)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as e:
        start = e.start
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        text = None
    if text is not None and _reads_as_chinese(text):
        return text, "gb18030"
    line = data.count(b"\n", 0, start) + 1
    bad = data[start:start + 1].hex()
    msg = _("not UTF-8 text: line {line} contains the byte 0x{byte} (byte offset {offset}), and the file does "
            "not read as Chinese GB18030/GBK either, so it was saved in another encoding; save it as UTF-8 "
            "(in Excel: Save As > 'CSV UTF-8')").format(line=line, byte=bad, offset=start)
    raise ImportValidationError([Problem(source, None, None, None, msg)])
