"""kamgraph: who knows whom around your key accounts, and where you are exposed."""

__version__ = "0.1.0"
