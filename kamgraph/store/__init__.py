"""Stores: where the stakeholder graph lives. Chosen by one URL.

>>> with open_store("sqlite:///:memory:") as store:
...     store.counts()["people"]
0
"""

from __future__ import annotations

from kamgraph.errors import ConfigError
from kamgraph.i18n import gettext
from kamgraph.store.base import BaseStore, Store, WriteResult

__all__ = ["Store", "BaseStore", "WriteResult", "open_store"]


def open_store(url: str, **options) -> Store:
    """Open the store named by a URL: ``sqlite:///file.db``, ``neo4j://host:7687``, ``bolt://...``.

    Which URL (``--store``, ``$KAMGRAPH_STORE`` or the default) is decided by
    :func:`kamgraph.config.resolve_config`. Neo4j credentials come from ``KAMGRAPH_NEO4J_USER``,
    ``KAMGRAPH_NEO4J_PASSWORD`` and ``KAMGRAPH_NEO4J_DATABASE``, never from the URL. A store
    is a context manager: ``with open_store(url) as store: ...`` closes it.
    """
    scheme = url.split("://", 1)[0].lower() if "://" in url else ""
    if scheme == "sqlite":
        from kamgraph.store.sqlite import SQLiteStore

        return SQLiteStore(url)
    if scheme in ("neo4j", "neo4j+s", "neo4j+ssc", "bolt", "bolt+s", "bolt+ssc"):
        from kamgraph.store.neo4j import Neo4jStore

        _check_server_url(url)

        return Neo4jStore(url, **options)
    raise ConfigError(gettext(
        "unknown store URL {url}: use sqlite:///path/to/kamgraph.db, neo4j://host:7687 or bolt://host:7687").format(
        url=repr(url)))


def _check_server_url(url: str) -> None:
    """A Neo4j URL names a host and, if any, a numeric port 1..65535; else one clear line.

    >>> _check_server_url("bolt://127.0.0.1:abc")
    Traceback (most recent call last):
    ...
    kamgraph.errors.ConfigError: store URL 'bolt://127.0.0.1:abc' has a bad port: use a number, e.g. bolt://host:7687
    """
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
    except ValueError as e:
        raise ConfigError(gettext("store URL {url} is not a valid URL: {reason}").format(url=repr(url), reason=e)) from None
    try:
        port = parts.port
    except ValueError:
        port = -1
    if port == -1 or port == 0:
        raise ConfigError(gettext("store URL {url} has a bad port: use a number, e.g. bolt://host:7687").format(url=repr(url)))
    if not parts.hostname:
        raise ConfigError(gettext("store URL {url} names no host: use e.g. neo4j://host:7687").format(url=repr(url)))
