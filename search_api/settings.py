"""Settings read from the environment, one place for every knob the service has."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from index.store.library import default_home
from ingest.guard import ParseLimits

MIB = 2**20


def _env(name: str) -> str | None:
    value = os.environ.get(name)
    return value if value else None


def _env_number(name: str, default: float) -> float:
    value = _env(name)
    return float(value) if value else default


@dataclass(frozen=True)
class Settings:
    home: Path = field(default_factory=default_home)
    write_token: str | None = field(default_factory=lambda: _env("REDPROP_TOKEN"))
    read_token: str | None = field(default_factory=lambda: _env("REDPROP_READ_TOKEN"))
    # Upload limits (413 when exceeded): bytes per file, whole request, and number of files per request.
    max_upload_bytes: int = field(default_factory=lambda: int(_env_number("REDPROP_MAX_UPLOAD_BYTES", 50 * MIB)))
    max_request_bytes: int = field(default_factory=lambda: int(_env_number("REDPROP_MAX_REQUEST_BYTES", 200 * MIB)))
    max_upload_files: int = field(default_factory=lambda: int(_env_number("REDPROP_MAX_UPLOAD_FILES", 20)))
    # Parse limits per file (the file fails with a clear reason, the batch goes on).
    parse_timeout: float = field(default_factory=lambda: _env_number("REDPROP_PARSE_TIMEOUT", 60.0))
    parse_memory_bytes: int = field(default_factory=lambda: int(_env_number("REDPROP_PARSE_MEMORY_BYTES", 1024 * MIB)))
    # How long a write request waits for another ingest to finish before answering 409.
    write_lock_wait: float = field(default_factory=lambda: _env_number("REDPROP_WRITE_LOCK_WAIT", 30.0))

    @property
    def parse_limits(self) -> ParseLimits:
        return ParseLimits(self.parse_timeout, self.parse_memory_bytes or None)

    @property
    def fetched_dir(self) -> Path:
        """Where documents fetched by URL are kept (one file per URL)."""
        return Path(self.home) / "fetched"

    @property
    def uploads_dir(self) -> Path:
        """Where uploaded files are kept, under generated names (never the client's file name)."""
        return Path(self.home) / "uploads"
