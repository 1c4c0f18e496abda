"""Getting data in: read files, validate them completely, write them in one transaction.

``read_path`` (native CSV folder / workbook) or a CRM mapping produces raw text tables;
``validate`` turns them into typed frames or rejects the import with every problem;
``import_path`` does both and writes. The file format is docs/data-format.md.
"""

from kamgraph.ingest.pipeline import ImportReport, import_path
from kamgraph.ingest.readers import read_path
from kamgraph.ingest.validate import ValidatedImport, validate

__all__ = ["read_path", "validate", "import_path", "ImportReport", "ValidatedImport"]
