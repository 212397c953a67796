"""The package layout's rules (pyproject.toml [tool.importlinter]): search_api → index → ingest with no cycle,
index's jobs layered, ingest.text below the rest of ingest, and Whoosh imported only inside index.engine."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from index.engine import TESTED_WHOOSH_VERSION, EngineVersionError, check_whoosh_version

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_are_kept():
    lint = Path(sys.executable).parent / "lint-imports"
    run = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0, run.stdout + run.stderr


def test_engine_refuses_an_untested_whoosh():
    check_whoosh_version(TESTED_WHOOSH_VERSION)
    with pytest.raises(EngineVersionError, match=rf"whoosh-reloaded=={TESTED_WHOOSH_VERSION}.*2\.7\.4"):
        check_whoosh_version("2.7.4")
    with pytest.raises(EngineVersionError, match="未安装"):
        check_whoosh_version(None)


def test_pinned_version_is_the_tested_one():
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert f'"whoosh-reloaded=={TESTED_WHOOSH_VERSION}"' in pyproject
