"""Compound segment parts read in place (index/engine/segment_files.py): the same bytes, positions and pickles as
Whoosh's copying BufferFile, and the index's parts are opened that way."""
from __future__ import annotations

import pickle

from whoosh.filedb import compound
from whoosh.filedb.structfile import BufferFile

from index.engine.segment_files import PartFile


def data() -> bytes:
    return b"head\nline two\n" + pickle.dumps({"doc": [1, 2, 3]}, protocol=2) + bytes(range(256)) * 40 + b"tail"


def steps(file) -> list:
    out = [file.readline(), file.readline(), file.tell(), file.read_pickle(), file.read(3), file.tell()]
    file.seek(-4, 2)
    out += [file.read(), file.read(5), file.tell()]
    file.seek(2)
    out += [file.read_byte(), file.read_int(), file.get(100, 10), list(file.get_array(200, "i", 4))]
    file.seek(10, 0)
    file.seek(5, 1)
    out += [file.tell(), file.readline(3), file.read(-1)[-4:]]
    return out


def test_a_part_reads_as_whooshs_buffer_file_does():
    view = memoryview(b"xx" + data() + b"yy")[2:-2]  # a part of a larger mapping
    assert steps(PartFile(view)) == steps(BufferFile(view))


def test_the_index_opens_its_segment_parts_in_place(big_index):
    assert compound.BufferFile is PartFile
    with big_index.searcher() as searcher:
        reader = searcher.leaf_searchers()[0][0].reader()
        assert isinstance(reader._terms._dbfile, PartFile)
        assert sum(1 for _ in reader.lexicon("body")) > 10
