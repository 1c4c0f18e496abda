"""Read mail headers (.mbox, .eml, or a folder of them) as touchpoints: one per message.

Only the headers are parsed (``email.parser.BytesParser(policy=email.policy.default)``
with ``headersonly=True``), and only From, To, Cc, Date, Subject and Message-ID are used:
a body is never looked at. Display names encoded as RFC 2047 words (``=?UTF-8?B?...?=``,
``=?GB2312?B?...?=`` ...) are decoded by the standard library; raw 8-bit names (old
Chinese mail clients) are read as UTF-8, else as GB18030.

The date is the Date header's day in the sender's own offset (``Mon, 05 Jan 2026 07:30
+0800`` is 5 January). A message without a usable Date is skipped and named by file and
message number (1 = the first message of an mbox). The id is ``mail-`` + a digest of the
Message-ID (else of From, Date and the recipients), so the same message in two mailboxes
is one interaction and a re-import writes the same rows.

>>> import tempfile, pathlib
>>> eml = pathlib.Path(tempfile.mkdtemp()) / "m.eml"
>>> _ = eml.write_bytes(b"From: =?UTF-8?B?546L5Lyf?= <wang@cust.example>\\nTo: ann@us.example\\n"
...     b"Date: Mon, 05 Jan 2026 07:30:00 +0800\\nSubject: Hi\\n\\nbody")
>>> t = read_mail(eml).touchpoints[0]
>>> t.date, t.kind, t.people
(datetime.date(2026, 1, 5), 'email', (('wang@cust.example', '王伟'), ('ann@us.example', '')))
"""

from __future__ import annotations

import mailbox
from email import policy
from email.header import decode_header, make_header
from email.message import Message
from email.parser import BytesParser
from email.utils import getaddresses
from pathlib import Path

from kamgraph.i18n import _
from kamgraph.ingest.messages import (
    MessageSourceError,
    SourceRead,
    Touchpoint,
    digest,
    normalize_address,
)

__all__ = ["MAIL_SUFFIXES", "read_mail"]

#: the files a folder is searched for (in sub-folders too)
MAIL_SUFFIXES = (".eml", ".mbox")
_ADDRESS_HEADERS = ("From", "To", "Cc")
_MIN_YEAR, _MAX_YEAR = 1678, 2261  # what the store's dates (datetime64[ns]) can hold


def read_mail(path: Path) -> SourceRead:
    """The touchpoints of every message of ``path`` (an mbox, an .eml, or a folder of them)."""
    out = SourceRead()
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in MAIL_SUFFIXES)
        if not files:
            raise MessageSourceError(_("{path}: no .mbox or .eml files in this folder").format(path=path))
        for f in files:
            _read_file(f, out, label=str(f.relative_to(path)), alone=False)
    else:
        _read_file(path, out, label=path.name, alone=True)
    return out


def _read_file(path: Path, out: SourceRead, label: str, alone: bool) -> None:
    if path.suffix.lower() == ".eml":
        try:
            data = path.read_bytes()
        except OSError as e:
            raise MessageSourceError(_("{path}: cannot be read ({reason})").format(path=path, reason=e.strerror or e)) \
            from None
        msg = BytesParser(policy=policy.default).parsebytes(data, headersonly=True)
        if not msg.keys():
            if alone:
                raise MessageSourceError(_("{path}: not an e-mail message (no headers)").format(path=path))
            out.malformed(label, _("not an e-mail message (no headers)"))
            return
        _message(msg, label, out)
        return
    _check_mbox(path)
    box = mailbox.mbox(str(path), create=False)
    try:
        for number, key in enumerate(box.iterkeys(), start=1):
            with box.get_file(key) as fp:
                msg = BytesParser(policy=policy.default).parse(fp, headersonly=True)
            _message(msg, _("{file} message {number}").format(file=label, number=number), out)
    except OSError as e:
        raise MessageSourceError(_("{path}: cannot be read ({reason})").format(path=path, reason=e.strerror or e)) \
            from None
    finally:
        box.close()


def _check_mbox(path: Path) -> None:
    """An mbox starts with a ``From `` line; anything else is refused, naming the file."""
    try:
        with path.open("rb") as f:
            head = f.read(5)
    except OSError as e:
        raise MessageSourceError(_("{path}: cannot be read ({reason})").format(path=path, reason=e.strerror or e)) \
            from None
    if not head:
        raise MessageSourceError(_("{path}: empty file, no messages").format(path=path))
    if head != b"From ":
        raise MessageSourceError(_("{path}: not an mbox file (it does not start with a 'From ' line); give an "
                                   ".mbox, an .eml or a folder of them").format(path=path))


def _message(msg: Message, where: str, out: SourceRead) -> None:
    raw_date = _raw(msg, "Date")
    try:
        when = getattr(msg["Date"], "datetime", None)
    except (ValueError, TypeError, IndexError, AttributeError):
        when = None
    if when is None:
        out.malformed(where, _("no valid Date header ({value})").format(value=repr(raw_date)) if raw_date
                      else _("no Date header"))
        return
    if not _MIN_YEAR <= when.year <= _MAX_YEAR:
        out.malformed(where, _("Date {value} is out of range").format(value=repr(raw_date)))
        return
    people = [p for h in _ADDRESS_HEADERS for p in _addresses(msg, h)]
    message_id = " ".join((_raw(msg, "Message-ID") or "").split())
    if message_id:
        key = "mid|" + message_id
    else:  # no Message-ID: the same headers give the same id
        recipients = sorted(normalize_address(a) for a, _ in people[1:])
        key = "hdr|" + "|".join([_raw(msg, "From") or "", raw_date or "", *recipients])
    subject = _text(msg, "Subject")
    out.touchpoints.append(Touchpoint("mail-" + digest(key), when.date(), "email", subject, tuple(people), where))


def _raw(msg: Message, name: str) -> str | None:
    """A header's raw value, undecoded (never fails)."""
    for k, v in msg.raw_items():
        if k.lower() == name.lower():
            return _repair(str(v)).strip()
    return None


def _text(msg: Message, name: str) -> str | None:
    """A header decoded to text, whitespace collapsed; None when absent or empty."""
    try:
        value = msg[name]
        text = str(value) if value is not None else ""
    except (ValueError, TypeError, IndexError, AttributeError):
        raw = _raw(msg, name) or ""
        try:
            text = str(make_header(decode_header(raw)))
        except (ValueError, LookupError, UnicodeError):
            text = raw
    text = " ".join(_repair(text).split())
    return text or None


def _addresses(msg: Message, name: str) -> list[tuple[str, str]]:
    """(address, display name) pairs of an address header; a broken header is read leniently."""
    try:
        header = msg[name]
        pairs = [(a.addr_spec, a.display_name) for a in header.addresses] if header is not None else []
    except (ValueError, TypeError, IndexError, AttributeError):
        pairs = []
        for display, address in getaddresses([_raw(msg, name) or ""]):
            try:
                display = str(make_header(decode_header(display)))
            except (ValueError, LookupError, UnicodeError):
                pass
            pairs.append((address, display))
    return [(a, " ".join(_repair(n or "").split())) for a, n in pairs if normalize_address(a)]


def _repair(text: str) -> str:
    """Bytes the parser could not decode (raw 8-bit headers) read as UTF-8, else GB18030.

    >>> _repair("\\udcc0\\udcee")
    '李'
    """
    if not any("\udc80" <= ch <= "\udcff" for ch in text):
        return text
    raw = text.encode("utf-8", "surrogateescape")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("gb18030", errors="replace")
