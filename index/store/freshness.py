"""Is what the store holds built by this version's data files and formats? (`redprop check`, /healthz, ingest)

Each kind of derived work records a fingerprint when it is (re)built: the index (index format + the sha256 of
every INDEX data file), the cases (extractor version + CASES files), the parsed documents (PARSE files). A
data file edited since, or a format bumped, makes that work stale: `redprop check` says so and fails, and
the next `redprop ingest` (so `make run`) rebuilds it. The files come from one registry, ingest/datafiles.py.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
from functools import lru_cache
from pathlib import Path

from index.engine.schema import INDEX_FORMAT
from index.store.case_store import EXTRACTOR_VERSION
from index.store.store import Store
from ingest import datafiles
from ingest.datafiles import Effect

FINGERPRINT_KEY = "fingerprint:{effect}"
# What besides the data files makes stored work obsolete, per kind.
VERSIONS = {Effect.INDEX: ("index format", INDEX_FORMAT), Effect.CASES: ("case extractor", EXTRACTOR_VERSION)}
VERSION_LABELS = {label for label, _ in VERSIONS.values()}


def current(effect: Effect) -> dict[str, str]:
    """The fingerprint this version would record: versions and the sha256 of each registered file."""
    fingerprint = {}
    if effect in VERSIONS:
        label, version = VERSIONS[effect]
        fingerprint[label] = str(version)
    for data_file in datafiles.registered(effect):
        fingerprint[data_file.path] = _sha256(datafiles.PACKAGE_ROOT / data_file.path)
    return fingerprint


def recorded(store: Store, effect: Effect) -> dict[str, str] | None:
    value = store.get_meta(FINGERPRINT_KEY.format(effect=effect))
    return None if value is None else json.loads(value)


def record(store: Store, effect: Effect, db: sqlite3.Connection | None = None) -> None:
    """After a rebuild of `effect`'s work (the caller holds the write lock)."""
    store.set_meta(FINGERPRINT_KEY.format(effect=effect), json.dumps(current(effect), sort_keys=True), db)


def stale(store: Store, effect: Effect) -> list[str]:
    """Why `effect`'s stored work is out of date ("stale: synonyms.txt changed"), empty when it is not.
    An empty store is never stale: there is nothing to rebuild."""
    was = recorded(store, effect)
    if was is None:
        return [] if store.count_documents() == 0 else ["built by an older version (no fingerprint)"]
    now = current(effect)
    reasons = []
    for key in sorted(set(was) | set(now)):
        name = key.rsplit("/", 1)[-1]
        if key not in was:
            reasons.append(f"{name} added")
        elif key not in now:
            reasons.append(f"{name} removed")
        elif was[key] != now[key]:
            reasons.append(f"{key} {was[key]} → {now[key]}" if key in VERSION_LABELS else f"{name} changed")
    return reasons


def report(store: Store) -> dict[str, list[str]]:
    """effect → reasons, for every kind of stored work."""
    return {str(effect): stale(store, effect) for effect in Effect}


def _sha256(path: Path) -> str:
    stat = path.stat() if path.exists() else None
    return _hash(path, stat.st_mtime_ns if stat else None, stat.st_size if stat else None)


@lru_cache(maxsize=64)
def _hash(path: Path, mtime_ns: int | None, size: int | None) -> str:
    """Cached by (path, mtime, size): /healthz may ask often; an edit changes the key."""
    return "missing" if mtime_ns is None else hashlib.sha256(path.read_bytes()).hexdigest()
