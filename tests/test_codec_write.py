"""The codec's term table (index/engine/codec.py `_TermTable`), written a batch of rows at a time, gives the bytes
Whoosh's OrderedHashWriter writes, and Whoosh's reader finds every row by its key's hash; an inline term record
built at once (`_inline_record`) is the one Whoosh's path through the codec builds."""
from __future__ import annotations

import pickle
from array import array

import pytest
from whoosh.codec.whoosh3 import W3PostingsWriter, W3TermInfo
from whoosh.fields import TEXT
from whoosh.filedb.filestore import RamStorage
from whoosh.filedb.filetables import OrderedHashReader, OrderedHashWriter
from whoosh.util.numeric import byte_to_length

from index.engine.codec import RedpropCodec, _inline_record, _TermTable


def table_bytes(rows: list[tuple[bytes, bytes]], ours: bool) -> bytes:
    storage = RamStorage()
    writer = OrderedHashWriter(storage.create_file("terms"))
    if ours:
        writer.__class__ = _TermTable
        writer.start_buffering()
    for key, value in rows:
        writer.add(key, value)
    writer.close()
    return storage.open_file("terms").read()


@pytest.fixture
def rows(monkeypatch) -> list[tuple[bytes, bytes]]:
    monkeypatch.setattr(_TermTable, "FLUSH_ROWS", 7)  # several flushes, and rows left over for the close
    keys = sorted({f"{field:02d}{word}".encode() for field in range(3) for word in ("物业", "业主", "a", "1" * 300)}
                  | {bytes([n]) * 2 for n in range(1, 60)})
    return [(key, key[::-1] * (n % 4)) for n, key in enumerate(keys)]


def test_term_table_bytes_are_whooshs(rows):
    assert table_bytes(rows, ours=True) == table_bytes(rows, ours=False)


def test_term_table_past_64_kb_is_whooshs(rows):
    """Row places past 65,535 bytes widen the table's array of places (Whoosh's GrowableArray), within a flush
    and across flushes."""
    long_rows = [(key, value + bytes(3000)) for key, value in rows]
    assert table_bytes(long_rows, ours=True) == table_bytes(long_rows, ours=False)


def test_every_row_is_found_by_whooshs_reader(rows):
    storage = RamStorage()
    with storage.create_file("t") as f:
        f.write(table_bytes(rows, ours=True))
    reader = OrderedHashReader.open(storage, "t")
    assert [reader[key] for key, _ in rows] == [value for _, value in rows]


def test_keys_out_of_order_are_refused(rows):
    writer = OrderedHashWriter(RamStorage().create_file("terms"))
    writer.__class__ = _TermTable
    writer.start_buffering()
    writer.add(b"b", b"")
    with pytest.raises(ValueError):
        writer.add(b"a", b"")


@pytest.mark.parametrize(("ids", "weights", "values", "length_bytes"), [
    ([0], [1.0], [b"\x01\x02"], [40]),
    ([727], [0.5], [b"\x01\x22"], [0]),  # no field length
    ([70_000], [2], [b""], [255]),  # an int weight, no value
    ([2**31 + 5], [0.1], [None], [1]),  # a weight a 32-bit float rounds
    ([3], [0.0], [b"\x05"], [17]),
    ([10, 409], [0.5, 3.0], [b"\x01\n", b""], [39, 0]),
    ([1, 2, 300], [1.0, 1.0, 1.0], [b"a", b"b", b"a"], [5, 6, 7]),
])
def test_inline_records_are_the_postings_writers(ids, weights, values, length_bytes):
    """A term kept inline gets the record the codec's postings writer (Whoosh's path: a posting at a time) gives,
    for one posting (built without the sequence helpers) as for several."""
    writer = RedpropCodec().postings_writer(RamStorage().create_file("postings"))
    writer.start_postings(TEXT().format, W3TermInfo())
    for docnum, weight, value, length in zip(ids, weights, values, length_bytes, strict=True):
        writer.add_posting(docnum, weight, value or b"", byte_to_length(length) if length else None)
    assert _inline_record(ids, weights, values, length_bytes) == writer.finish_postings().to_bytes()


@pytest.mark.parametrize("weights", [[1.0] * 128, [0.5] * 3, [2.0], [1.0, 1.0, 0.5], [0.1, 0.1], [3.0, 1.0, 3.0]])
@pytest.mark.parametrize("ids", [[0, 1, 2], [7], [5, 300, 70_000, 2**32 - 1]])
def test_block_ids_and_weights_are_minified_as_whoosh_does(ids, weights):
    """A posting block's ids (delta-encoded) and weights (None, one, or all) as Whoosh's postings writer gives
    them, down to their pickle."""
    writer = RedpropCodec().postings_writer(RamStorage().create_file("postings"))
    writer._ids, writer._weights = array("I", ids), array("f", weights)
    ours = (writer._mini_ids(), writer._mini_weights())
    theirs = (W3PostingsWriter._mini_ids(writer), W3PostingsWriter._mini_weights(writer))
    assert pickle.dumps(ours, 2) == pickle.dumps(theirs, 2)
