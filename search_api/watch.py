"""A drop folder: `redprop watch DIR` ingests files as they appear or change, and (with --delete) removes the
documents of files deleted from it.

It starts `watchfiles` (inotify where the OS has it), catches up (one `ingest_paths` over the folder:
unchanged files are skipped), then ingests each batch of changes the same way, so a bad file is
one failed outcome and the watch goes on. Hidden files and formats we do not read are ignored, as by `ingest`.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

from watchfiles import Change, DefaultFilter, watch

from index.store.library import Library
from search_api import writes

log = logging.getLogger("redprop.watch")
DEBOUNCE_MS = 1600  # changes within this window are one batch: a file being copied in is read once, whole
IDLE_MS = 500  # the watcher reports "nothing happened" this often: the first report means it is running


class SupportedFiles(DefaultFilter):
    """Files of a format we parse, outside hidden folders (and the editor/VCS junk DefaultFilter skips)."""

    def __init__(self, root: Path, suffixes: set[str]):
        super().__init__()
        self.root, self.suffixes = root.resolve(), suffixes

    def __call__(self, change: Change, path: str) -> bool:
        candidate = Path(path)
        try:
            relative = candidate.resolve().relative_to(self.root)
        except ValueError:
            relative = candidate
        hidden = any(part.startswith(".") for part in relative.parts)
        return super().__call__(change, path) and not hidden and candidate.suffix.lower() in self.suffixes


def watch_folder(library: Library, folder: Path, on_outcome: Callable, delete: bool = False,
                 lock_wait: float = 600, stop: threading.Event | None = None, debounce_ms: int = DEBOUNCE_MS,
                 on_ready: Callable[[], None] | None = None) -> None:
    """Ingest `folder`, then keep it ingested until `stop` is set (or the process is interrupted).

    `on_outcome` hears every FileOutcome, including status "deleted" (documents removed, with --delete) and
    "kept" (a file deleted without --delete: its documents stay).
    """
    from index.write.pipeline import FileOutcome, ingest_paths
    from ingest.parsers import PARSERS

    changes_seen = watch(folder, watch_filter=SupportedFiles(folder, set(PARSERS)), stop_event=stop,
                         debounce=debounce_ms, step=min(50, debounce_ms), rust_timeout=IDLE_MS, yield_on_timeout=True,
                         recursive=True)
    caught_up = False
    for changes in changes_seen:
        if not caught_up:  # the watcher is running now, so nothing dropped in while catching up is missed
            ingest_paths([folder], library, on_outcome=on_outcome, lock_wait=lock_wait)
            caught_up = True
            if on_ready is not None:
                on_ready()
        present = sorted({Path(path) for change, path in changes if change != Change.deleted and Path(path).is_file()})
        gone = sorted({Path(path) for change, path in changes if change == Change.deleted and not Path(path).exists()})
        if present:
            ingest_paths(present, library, on_outcome=on_outcome, lock_wait=lock_wait)
        for path in gone:
            outcome = FileOutcome(str(path), "deleted", doc_ids=writes.forget_files(library, [path], lock_wait)) \
                if delete else FileOutcome(str(path), "kept")
            log.info("watch_deleted", extra={"path": outcome.path, "status": outcome.status,
                                             "documents": len(outcome.doc_ids)})
            on_outcome(outcome)
