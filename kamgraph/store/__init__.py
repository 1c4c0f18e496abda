"""Stores: where the stakeholder graph lives. Chosen by one URL.

>>> open_store("sqlite:///:memory:").counts()["people"]
0
"""

from __future__ import annotations

import os

from kamgraph.errors import ConfigError
from kamgraph.store.base import BaseStore, Store, WriteResult

DEFAULT_STORE_URL = "sqlite:///./kamgraph.db"

__all__ = ["Store", "BaseStore", "WriteResult", "open_store", "resolve_store_url", "DEFAULT_STORE_URL"]


def resolve_store_url(url: str | None = None) -> str:
    """``url``, else ``$KAMGRAPH_STORE``, else ``sqlite:///./kamgraph.db``."""
    return url or os.environ.get("KAMGRAPH_STORE") or DEFAULT_STORE_URL


def open_store(url: str | None = None, **options) -> Store:
    """Open the store named by a URL: ``sqlite:///file.db``, ``neo4j://host:7687``, ``bolt://...``.

    Neo4j credentials come from ``KAMGRAPH_NEO4J_USER``, ``KAMGRAPH_NEO4J_PASSWORD`` and
    ``KAMGRAPH_NEO4J_DATABASE``, never from the URL.
    """
    url = resolve_store_url(url)
    scheme = url.split("://", 1)[0].lower() if "://" in url else ""
    if scheme == "sqlite":
        from kamgraph.store.sqlite import SQLiteStore

        return SQLiteStore(url)
    if scheme in ("neo4j", "neo4j+s", "neo4j+ssc", "bolt", "bolt+s", "bolt+ssc"):
        from kamgraph.store.neo4j import Neo4jStore

        return Neo4jStore(url, **options)
    raise ConfigError(
        f"unknown store URL {url!r}: use sqlite:///path/to/kamgraph.db, neo4j://host:7687 or bolt://host:7687"
    )
