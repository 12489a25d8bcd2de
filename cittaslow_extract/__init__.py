"""cittaslow-extract: Cittaslow Metropolis checklist submissions → clean tables.

The Python API (see api.py): `extract_folder(paths, **options) -> Tables` and
`extract_document(path, **options) -> Tables`, four pandas DataFrames.
"""

__version__ = "0.1.0"

from cittaslow_extract.api import Tables, extract_document, extract_folder  # noqa: E402  (standard library only)

__all__ = ["Tables", "__version__", "extract_document", "extract_folder"]
