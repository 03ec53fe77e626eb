"""The source document shipped inside the package, read through importlib.resources.

The one committed copy lives at data/ in the repository; `ingest/bundled` is a symlink to that directory, so
setuptools' package discovery installs it as the package data of `ingest.bundled` and an installed `policyqa`
finds the document wherever it runs from.
"""

from __future__ import annotations

import atexit
from contextlib import ExitStack
from functools import lru_cache
from importlib import resources
from pathlib import Path

from vectorstore.errors import SourceError

SOURCE_NAME = "jiulongpo-business-environment-2021.txt"
BUNDLE_PACKAGE = "ingest.bundled"

_extracted = ExitStack()
atexit.register(_extracted.close)


@lru_cache(maxsize=1)
def bundled_source() -> Path:
    """A filesystem path of the bundled document (extracted to a temp file if the package is zipped)."""
    try:
        resource = resources.files(BUNDLE_PACKAGE) / SOURCE_NAME
    except ModuleNotFoundError as exc:
        raise SourceError(
            f"the bundled source document is missing (no package {BUNDLE_PACKAGE}); "
            "reinstall policyqa or set POLICYQA_SOURCE"
        ) from exc
    if not resource.is_file():
        raise SourceError(f"the bundled source document {SOURCE_NAME} is missing from {BUNDLE_PACKAGE}")
    if isinstance(resource, Path):
        return resource.resolve()
    return _extracted.enter_context(resources.as_file(resource))
