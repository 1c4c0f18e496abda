"""``kamgraph import-calendar`` / ``import-mail`` (being built for issue 13)."""
