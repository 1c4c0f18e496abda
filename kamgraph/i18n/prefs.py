"""Each user's language, remembered between sessions.

A small JSON file beside the users file (:func:`kamgraph.auth.users_path`; the app's
:mod:`kamgraph.ui.language` says where), named ``kamgraph-prefs.json``: ``{"language": {"<user>": "zh_CN"}}``. With sign-in off (the demo)
the one anonymous user is ``""``. Written atomically (a temporary file renamed over it),
mode 0600. A file that cannot be read is treated as "nothing remembered" (a preference is
not worth refusing to start over); one that cannot be written is a one-line error.

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "kamgraph-prefs.json"
>>> remembered_language(p, "li.wei") is None
True
>>> remember_language(p, "li.wei", "zh-CN"); remembered_language(p, "li.wei")
'zh_CN'
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from kamgraph.errors import KamgraphError
from kamgraph.i18n import normalize_language, LanguageError

PREFS_FILE_NAME = "kamgraph-prefs.json"


def _read(path: Path) -> dict:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def remembered_language(path: Path, user: str | None) -> str | None:
    """The language ``user`` chose last, or None."""
    value = (_read(path).get("language") or {}).get(user or "")
    if not isinstance(value, str):
        return None
    try:
        return normalize_language(value)
    except LanguageError:
        return None


def remember_language(path: Path, user: str | None, lang: str) -> None:
    """Remember ``lang`` for ``user``."""
    path = Path(path)
    data = _read(path)
    langs = data.get("language") if isinstance(data.get("language"), dict) else {}
    langs[user or ""] = normalize_language(lang)
    data["language"] = dict(sorted(langs.items()))
    folder = path.parent if str(path.parent) else Path(".")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        os.replace(tmp, path)
    except OSError as e:
        raise KamgraphError(f"cannot write {path}: {e.strerror or e}") from None
