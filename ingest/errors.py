"""One exception type per kind of failure; each names the file and gives a reason a person can act on.

A batch catches `IngestError`, records `str(error)` for that file and goes on with the next one.
"""
from __future__ import annotations

from ingest.text.names import shown


class IngestError(Exception):
    """Base: `path` is the file, `reason` is the human-readable problem (Chinese, shown to users)."""

    code = "ingest_error"

    def __init__(self, path: str, reason: str):
        path = shown(path)  # a file name that is not UTF-8 is shown with U+FFFD, never a traceback
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason

    def __reduce__(self):
        """Rebuild from (path, reason), so the error survives the trip back from a parse worker process."""
        return type(self), (self.path, self.reason)


class UnsupportedFormat(IngestError):
    code = "unsupported_format"


class DecodeError(IngestError):
    code = "decode_error"


class ParseError(IngestError):
    code = "parse_error"


class EmptyDocument(IngestError):
    code = "empty_document"


class NeedsOCR(IngestError):
    code = "needs_ocr"


class LimitExceeded(IngestError):
    code = "limit_exceeded"


class MissingTool(IngestError):
    """A program the format needs (LibreOffice) is not installed; the reason names the Debian package."""

    code = "missing_tool"
