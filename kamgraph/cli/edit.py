"""``kamgraph edit``: record what you learn without a spreadsheet (being built for issue 13)."""
