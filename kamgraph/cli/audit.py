"""``kamgraph audit``: the audit trail of changes (being built for issue 13)."""
