"""The search engine: the only package that imports Whoosh (the `whoosh-reloaded` fork, imported as `whoosh`).

We read Whoosh internals (codec, matchers, posting blocks) that change between releases, so the engine runs
only on the version its tests passed on; any other version stops here with a message naming both.
"""
from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

WHOOSH_DISTRIBUTION = "whoosh-reloaded"
TESTED_WHOOSH_VERSION = "2.7.5"  # keep equal to the pin in pyproject.toml


class EngineVersionError(ImportError):
    pass


class IndexFormatError(RuntimeError):
    """The index files name engine classes this version does not have: written before a layout change.

    Reads cannot use such an index; the next write (ingest, reindex) rebuilds it from the store."""


def check_whoosh_version(installed: str | None) -> None:
    """Raise EngineVersionError unless `installed` is the tested version of whoosh-reloaded."""
    if installed != TESTED_WHOOSH_VERSION:
        found = f"版本 {installed}" if installed else "未安装"
        raise EngineVersionError(
            f"检索引擎需要 {WHOOSH_DISTRIBUTION}=={TESTED_WHOOSH_VERSION}(已测试的版本),当前{found};"
            f"请运行 pip install '{WHOOSH_DISTRIBUTION}=={TESTED_WHOOSH_VERSION}'"
        )


def _installed_whoosh() -> str | None:
    try:
        return version(WHOOSH_DISTRIBUTION)
    except PackageNotFoundError:
        return None


check_whoosh_version(_installed_whoosh())
