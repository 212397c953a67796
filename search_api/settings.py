"""Settings read from the environment, one place for every knob the service has."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from index.library import default_home


def _env(name: str) -> str | None:
    value = os.environ.get(name)
    return value if value else None


@dataclass(frozen=True)
class Settings:
    home: Path = field(default_factory=default_home)
    write_token: str | None = field(default_factory=lambda: _env("REDPROP_TOKEN"))
    read_token: str | None = field(default_factory=lambda: _env("REDPROP_READ_TOKEN"))
    max_upload_bytes: int = field(default_factory=lambda: int(_env("REDPROP_MAX_UPLOAD_BYTES") or 50 * 2**20))
    max_upload_files: int = field(default_factory=lambda: int(_env("REDPROP_MAX_UPLOAD_FILES") or 20))
