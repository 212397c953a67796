"""The parts of a compound segment file read in place, not copied into each process.

A Whoosh segment is one `.seg` file holding its parts (postings, term table, columns, stored fields); readers
memory-map it and open each part as a `BufferFile`, which wraps the part's memoryview in `io.BytesIO`, and
BytesIO copies what it is given. So every searching process held a private copy of the whole index: on the 100k
bench index, opening it took 1 GB of memory per process and its columns 2 GB more, as each part they read was
copied whole. `PartFile` reads the memoryview where it lies: a read copies only the bytes it returns, and the
pages stay the operating system's, shared by every process that maps the file.

Installed by `use_in_place_reads()` (index/engine/search_index.py), which points Whoosh's compound storage at it;
whoosh-reloaded is pinned (index/engine/__init__.py), and tests/test_segment_files.py checks that what it reads
is what BytesIO reads.
"""
from __future__ import annotations

import pickle
from io import BytesIO

from whoosh.filedb import compound
from whoosh.filedb.structfile import BufferFile


class _Cursor:
    """A read-only file over a memoryview: the read, readline, seek and tell that StructFile and pickle use."""

    def __init__(self, view: memoryview):
        self._view = view
        self._position = 0

    def read(self, size: int | None = -1) -> bytes:
        start = self._position
        end = len(self._view) if size is None or size < 0 else min(start + size, len(self._view))
        self._position = end
        return self._view[start:end].tobytes()

    def readline(self, size: int | None = -1) -> bytes:
        start = stop = self._position
        end = len(self._view) if size is None or size < 0 else min(start + size, len(self._view))
        while stop < end:
            chunk = bytes(self._view[stop:min(stop + 4096, end)])
            found = chunk.find(b"\n")
            stop += len(chunk) if found < 0 else found + 1
            if found >= 0:
                break
        self._position = stop
        return self._view[start:stop].tobytes()

    def seek(self, position: int, whence: int = 0) -> int:
        base = (0, self._position, len(self._view))[whence]
        self._position = base + position
        return self._position

    def tell(self) -> int:
        return self._position

    def close(self) -> None:
        self._view = memoryview(b"")


class PartFile(BufferFile):
    """Whoosh's BufferFile over a part of a memory-mapped segment, without the copy."""

    PICKLE_CHUNK = 1024  # bytes copied to read a pickle from; a posting block's header takes about 40

    def __init__(self, buf, name=None, onclose=None):
        self._buf = buf
        self._name = name
        self.file = _Cursor(memoryview(buf))
        self.onclose = onclose
        self.is_real = False
        self.is_closed = False

    def read_pickle(self):
        """pickle.load over a small copied chunk: over the cursor, it asked read() for each opcode's bytes."""
        start, view = self.file.tell(), self.file._view
        size = min(self.PICKLE_CHUNK, len(view) - start)
        while True:
            chunk = BytesIO(view[start:start + size])
            try:
                value = pickle.load(chunk)
            except (EOFError, pickle.UnpicklingError):
                if start + size >= len(view):
                    raise
                size = len(view) - start  # a pickle longer than the chunk: the rest of the part
                continue
            self.file.seek(start + chunk.tell())
            return value


def use_in_place_reads() -> None:
    """Compound segments' parts open as PartFile (CompoundStorage.open_file names BufferFile at call time)."""
    compound.BufferFile = PartFile
