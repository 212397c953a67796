"""The Whoosh codec the index is written with: Whoosh's W3 format, minus several costs of its writer.

Profiling ingest showed Whoosh's commit (flushing postings, merging segments) as most of the writer's time:
- every term got a compressed postings block of its own, even a term seen in one passage (most terms: names,
  numbers, the bigrams of the fallback field). W3 can keep a few postings inline in the term's record, but
  its writer calls `set_inline` where the term record has `set_inlined`, so that path never ran (a typo
  upstream, fixed here by overriding the method);
- every posting looked up its passage's field length in the length column, one byte read at a time; here
  the column is read once per segment and field (one byte per passage), which also serves BM25 at search.
- a term record with inlined postings pickled them with protocol 2, which spells each bytes value as a call to
  `_codecs.encode` (50 bytes for 3 bytes of positions) and each weight as an 8-byte float: `_CompactTermInfo`
  pickles with protocol 4 and writes whole-number weights as ints (Whoosh's reader unpickles either);
- every posting went through the writer's pool as a Python tuple, was sorted, and was handed on one by one
  (`FieldWriter.add_postings`, a field-length lookup and type checks each). Where a term's postings are at hand
  together (a merge reads them from the segments, index/engine/segment_merge.py; a worker has them from the
  parse workers, index/engine/staging.py), `write_terms` files each term in one step: its postings a block at
  a time into Whoosh's own postings writer, which cuts, encodes and sums up the blocks; or, for a term with
  fewer postings than the inline limit (most terms), its term record built at once, the bytes
  `_PostingsWriter` would write.
- each posting block went through `zlib.compress`, which sets up a 32 KB window for a block of a few KB (now
  ISA-L's deflate with a 4 KB window: the same zlib stream for readers, at a third of the CPU), and
  each term table row through four file calls and a hexadecimal md5, each slot of its hash tables through two
  (`_write_block`, `_TermTable`); a block's ids and weights were minified by a Python step per posting;
- a merge read every term record back as a W3TermInfo and built it again: an inline record of one segment without
  deletions now moves as bytes, its ids shifted (`shifted_record`, index/engine/segment_merge.py);
- a merge decompressed, unpickled, re-blocked, pickled and compressed every posting block again, though a block
  of a segment without deletions only shifts its ids. A block stores its ids delta-encoded from 0 (the first one
  absolute), so a merge now writes a full block's bytes unchanged under a new header: a 7th element, the block's
  id base, added to every id by the readers (`BlockMatcher`, index/engine/blockcache.py `decode`); a header of
  6 elements (every block written fresh, and every block of an index written before) reads as base 0.
  `_PostingsWriter.write_merged` files such a term.
Files stay in the W3 format; each segment records its codec, so readers and merges use this class too.
Inlined postings are read with Whoosh's ListMatcher, which gives "" (text) for a term without values where
the writer expects b"" when segments are merged; `_InlineMatcher` gives bytes.
"""
from __future__ import annotations

import io
import itertools
import operator
import pickle
import struct
import zlib
from array import array
from collections.abc import Iterable
from hashlib import md5
from typing import NamedTuple

from isal import isal_zlib
from whoosh.codec.whoosh3 import (
    _INT_SIZE,
    LENGTHS_COLUMN,
    WHOOSH3_HEADER_MAGIC,
    W3Codec,
    W3FieldWriter,
    W3LeafMatcher,
    W3PerDocReader,
    W3PostingsWriter,
    W3TermInfo,
    W3TermsReader,
    _lenfield,
)
from whoosh.filedb.filetables import OrderedHashWriter
from whoosh.matching import ListMatcher
from whoosh.reading import TermNotFound
from whoosh.system import emptybytes, pack_int, pack_long, pack_ushort
from whoosh.util.numeric import byte_to_length, length_to_byte

INLINE_POSTINGS = 8  # terms with fewer postings than this are stored in their term record
BLOCK_POSTINGS = 128  # postings per block (Whoosh's default blocklimit)
_LENGTHS = [byte_to_length(value) if value else None for value in range(256)]
# A posting block is a pickle of a few KB at most, compressed as a zlib stream by ISA-L (`isal`), whose deflate is
# made for speed: over 60,000 blocks of a 30k index, 0.76 CPU s against zlib's 2.31 s (level 1, a 4 KB window and
# memory level 4) for 5.7% more bytes (docs/ingest-performance.md). Readers are unchanged: it is a zlib stream,
# read by zlib.decompress, its window size in its header.
BLOCK_WINDOW_BITS = 12
# ISA-L's level 1 (of 0-3; 0 left blocks 50% larger); any level above 0 marks the block compressed for readers.
BLOCK_COMPRESSION = 1
_ROW_LENGTHS = struct.Struct("!ii")  # a term table row's key and value lengths (whoosh.filedb.filetables)
_FLOAT32 = struct.Struct("f")  # a weight as a posting block stores it (array("f"))
_POINTER = struct.Struct("!Iq")  # a hash table slot: a key's hash, its row's place (whoosh.filedb.filetables)
_BLOCK_LENGTH = struct.Struct("!i")  # a posting block's length, negative for a term's last block (StructFile.write_int)


class RedpropCodec(W3Codec):
    def __init__(self, blocklimit: int = BLOCK_POSTINGS, compression: int = BLOCK_COMPRESSION,
                 inlinelimit: int = INLINE_POSTINGS):
        super().__init__(blocklimit=blocklimit, compression=compression, inlinelimit=inlinelimit)

    def field_writer(self, storage, segment):
        return _FieldWriter(self, storage, segment)

    def postings_writer(self, dbfile, byteids=False):
        return _PostingsWriter(dbfile, blocklimit=self._blocklimit, byteids=byteids,
                               compression=self._compression, inlinelimit=self._inlinelimit)

    def postings_reader(self, dbfile, terminfo, format_, term=None, scorer=None):
        if not terminfo.is_inlined():
            matcher = BlockMatcher(dbfile, *terminfo.extent(), format_, term=term, scorer=scorer)
            matcher.first_block = matcher._dataoffset  # where it starts: a reader of whole terms checks it is there
            matcher.postings_count = terminfo.doc_frequency()  # how many postings the term has in the segment
            return matcher
        ids, weights, values = terminfo.inlined_postings()
        return _InlineMatcher(ids, weights, values, format_, scorer=scorer, term=term, terminfo=terminfo)

    def per_document_reader(self, storage, segment):
        return _PerDocReader(storage, segment)

    def terms_reader(self, storage, segment):
        reader = super().terms_reader(storage, segment)
        reader.__class__ = _TermsReader
        reader.known = {}
        return reader


class _TermsReader(W3TermsReader):
    """W3's term table, each term's place in it remembered: a query asks a segment whether it has a term and for
    the term's record several times while its matchers are built (membership, document frequency for the
    weighted tree, statistics, postings), and each ask hashed and probed the on-disk table in Python. A segment's
    terms never change."""

    KNOWN_LIMIT = 100_000  # terms remembered per segment; forgotten all at once past it

    def _place(self, fieldname, tbytes):
        key = (fieldname, tbytes)
        place = self.known.get(key, False)
        if place is False:
            if len(self.known) >= self.KNOWN_LIMIT:
                self.known = {}
            place = next(iter(self._tindex.ranges_for_key(self._keycoder(fieldname, tbytes))), None)
            self.known[key] = place
        return place

    def __contains__(self, term):
        return self._place(*term) is not None

    def _range_for_key(self, fieldname, tbytes):
        place = self._place(fieldname, tbytes)
        if place is None:
            raise KeyError((fieldname, tbytes))
        return place

    def term_info(self, fieldname, tbytes):
        place = self._place(fieldname, tbytes)
        if place is None:
            raise TermNotFound(f"No term {fieldname}:{tbytes!r}")
        return W3TermInfo.from_bytes(self._dbfile.get(*place))


class _InlineMatcher(ListMatcher):
    def value(self):
        return super().value() if self._values else emptybytes


class BlockMatcher(W3LeafMatcher):
    """W3's reader of a term's posting blocks, for blocks a merge copied: their header's 7th element is the id base
    added to every id of the block (its data stores the ids as the segment it was written for had them). A header
    of 6 elements has base 0. Whoosh's `_goto`, the header unpacked either way."""

    _idbase = 0

    def _goto(self, position):
        postfile = self._postfile
        self._data = self._ids = self._weights = self._values = None
        self._i = 0
        postfile.seek(position)
        length = postfile.read_int()
        if length < 0:  # the last block
            self._lastblock = True
            length = -length
        self._nextoffset = position + _INT_SIZE + length
        info = postfile.read_pickle()
        self._dataoffset = postfile.tell()
        self._blocklength, self._maxid, self._maxweight, self._compression, minlength, maxlength = info[:6]
        self._idbase = info[6] if len(info) > 6 else 0
        self._minlength = byte_to_length(minlength)
        self._maxlength = byte_to_length(maxlength)

    def _read_ids(self):
        super()._read_ids()
        if self._idbase and not self._byteids:
            base = self._idbase
            self._ids = tuple(docnum + base for docnum in self._ids)


class RawBlock(NamedTuple):
    """A posting block as stored: its header's fields and its data bytes (compressed or not, as `compression`
    says)."""

    count: int
    last_id: int
    max_weight: float
    compression: int
    min_length_byte: int
    max_length_byte: int
    base: int
    data: bytes


def raw_blocks(postfile, terminfo: W3TermInfo) -> list[RawBlock]:
    """A term's posting blocks as stored, read in one call."""
    offset, length = terminfo.extent()
    if isinstance(length, tuple):  # W3TermInfo.from_bytes leaves it as struct.unpack gives it
        length = length[0]
    extent = postfile.get(offset, length)
    if extent[:4] != WHOOSH3_HEADER_MAGIC:
        raise ValueError(f"no posting blocks at {offset} of {postfile}")
    blocks, position, header = [], 4, _BLOCK_LENGTH.size
    stream = io.BytesIO(extent)
    while position < length:
        size = abs(_BLOCK_LENGTH.unpack_from(extent, position)[0])
        stream.seek(position + header)
        info = pickle.load(stream)
        end = position + header + size
        blocks.append(RawBlock(*info[:6], info[6] if len(info) > 6 else 0, extent[stream.tell():end]))
        position = end
    return blocks


def decoded_block(block: RawBlock, fixed_value_size: int | None) -> tuple[list, list, list]:
    """(ids, weights, values) of a stored block, as W3LeafMatcher's `_read_*` give them: values one per posting
    (None where the format keeps none)."""
    data = zlib.decompress(block.data) if block.compression else block.data
    mini_ids, mini_weights, mini_values = pickle.loads(data)
    ids = list(itertools.accumulate(mini_ids, initial=block.base))[1:]
    count = block.count
    if mini_weights is None or isinstance(mini_weights, float):
        weights = [1.0 if mini_weights is None else mini_weights] * count
    else:
        weights = list(mini_weights)
    if fixed_value_size is None or fixed_value_size < 0:
        values = list(mini_values)
    elif fixed_value_size == 0:
        values = [None] * count
    else:
        values = [mini_values[i:i + fixed_value_size] for i in range(0, len(mini_values), fixed_value_size)]
    return ids, weights, values


class MergedTerm(NamedTuple):
    """A term of a merge whose segments have no deletions: its statistics, summed from the segments' term records
    (`merged_statistics`), and its postings in order as parts: a source block (RawBlock, the shift of its
    segment's documents and that segment's length byte per document: copied if full, else decoded) or postings
    at hand (ids, weights, values, length bytes: an inline record's)."""

    statistics: bytes
    parts: list


def merged_statistics(records: list[tuple[bytes, int]]) -> bytes:
    """The statistics header of a term whose postings are those of `records` (term records of segments without
    deletions, each with the shift of its documents), as writing the postings would sum them: total weight and
    document frequency added, shortest and longest lengths and highest weight over all, first and last ids
    moved."""
    unpack = W3TermInfo._struct.unpack_from
    heads = [unpack(record) for record, _ in records]
    present = [head[3] for head in heads if head[3]]
    return W3TermInfo._struct.pack(
        0, sum(head[1] for head in heads), sum(head[2] for head in heads), min(present) if present else 0,
        max(head[4] for head in heads), max(head[5] for head in heads), heads[0][6] + records[0][1],
        heads[-1][7] + records[-1][1])


# One term's postings in document order: (ids, weights, values, the field's length byte per posting). An empty
# value (b"" or None) is not stored, as `add_posting` does not store it; a length byte of 0 is no length.
TermPostings = tuple[list, list, list, list]


def write_terms(fieldwriter: _FieldWriter, schema,
                terms: Iterable[tuple[str, bytes, TermPostings | bytes | MergedTerm]]) -> None:
    """File `terms`, ordered by (field name, term bytes), each with all its postings, with its finished term
    record (bytes: an inline record a merge moved, `shifted_record`), or as a merge's blocks (MergedTerm); a term
    whose postings are empty (every one of a deleted document) is left out."""
    current = None
    for fieldname, btext, postings in terms:
        kind = type(postings)
        if kind is not bytes and kind is not MergedTerm and not postings[0]:
            continue
        if fieldname != current:
            if current is not None:
                fieldwriter.finish_field()
            fieldwriter.start_field(fieldname, schema[fieldname])
            current = fieldname
        if kind is bytes:
            fieldwriter.add_record(btext, postings)
        elif kind is MergedTerm:
            fieldwriter.add_merged_term(btext, postings)
        else:
            fieldwriter.add_term(btext, *postings)
    if current is not None:
        fieldwriter.finish_field()


# A term record starts with W3TermInfo's header ("!BfIBBfII"): a flag (1: postings inline), total weight, document
# frequency, shortest and longest field length bytes, highest weight, then the first and last document number.
RECORD_HEADER = W3TermInfo._struct.size
_FIRST_ID_AT = RECORD_HEADER - 8
_ID_PAIR = struct.Struct("!II")


def is_inline_record(record: bytes) -> bool:
    return record[0] == 1


def record_doc_frequency(record: bytes) -> int:
    """A term record's document frequency, read from its header (W3TermInfo.from_bytes's `_df`)."""
    return W3TermInfo._struct.unpack_from(record)[2]


def inline_postings(record: bytes) -> tuple[tuple, tuple, tuple]:
    """(ids, weights, non-empty values) kept in an inline term record, read without a W3TermInfo."""
    return pickle.loads(record[RECORD_HEADER:])


def shifted_record(record: bytes, shift: int) -> bytes:
    """An inline term record whose documents all moved `shift` places up (a merged segment without deletions):
    its statistics stand, its ids move. What `_inline_record` builds from the moved postings."""
    if not shift:
        return record
    ids, weights, values = inline_postings(record)
    first, last = _ID_PAIR.unpack_from(record, _FIRST_ID_AT)
    return (record[:_FIRST_ID_AT] + _ID_PAIR.pack(first + shift, last + shift)
            + pickle.dumps((tuple(i + shift for i in ids), weights, values), 4))


class _FieldWriter(W3FieldWriter):
    def __init__(self, codec, storage, segment):
        super().__init__(codec, storage, segment)
        self._tindex.__class__ = _TermTable
        self._tindex.start_buffering()
        self._key_prefix = b""

    def start_field(self, fieldname, fieldobj):
        super().start_field(fieldname, fieldobj)
        self._key_prefix = pack_ushort(self._fieldid)

    def add_record(self, btext: bytes, record: bytes) -> None:
        self._tindex.add(self._key_prefix + btext, record)

    def add_term(self, btext: bytes, ids: list, weights: list, values: list, lengths: list) -> None:
        """A term with all its postings: start_term, add per posting and finish_term in one step."""
        if len(ids) < self._codec._inlinelimit and len(ids) <= self._codec._blocklimit:  # finish_postings' test
            self._tindex.add(self._key_prefix + btext, _inline_record(ids, weights, values, lengths))
            return
        self.start_term(btext)
        self._postwriter.add_postings(ids, weights, values, lengths)
        self.finish_term()

    def add_merged_term(self, btext: bytes, term: MergedTerm) -> None:
        offset, length = self._postwriter.write_merged(self._format, term.parts)
        self._tindex.add(self._key_prefix + btext, term.statistics + pack_long(offset) + pack_int(length))


class _TermTable(OrderedHashWriter):
    """W3's term table, its rows written a few thousand at a time: Whoosh's `add` made four file calls and a
    hexadecimal md5 per term, and its `close` two file calls per slot of the hash tables, for most terms (those
    kept inline) the largest cost of filing them. Here `add` only keeps the row; a flush lays out a batch at once
    (places summed from the lengths, hashes the md5's low 32 bits as Whoosh takes them), and each of the 256 hash
    tables is written in one call. The same bytes (tests/test_codec_write.py)."""

    FLUSH_ROWS = 4096

    def start_buffering(self) -> None:
        self._keys: list[bytes] = []
        self._values: list[bytes] = []
        self._position = self.dbfile.tell()

    def add(self, key: bytes, value: bytes) -> None:
        if key <= self.lastkey:
            raise ValueError(f"Keys must increase: {self.lastkey!r}..{key!r}")
        self.lastkey = key
        self._keys.append(key)
        self._values.append(value)
        if len(self._keys) >= self.FLUSH_ROWS:
            self._flush()

    def _flush(self) -> None:
        keys, values = self._keys, self._values
        if not keys:
            return
        key_lengths, value_lengths = list(map(len, keys)), list(map(len, values))
        self.dbfile.write(b"".join(itertools.chain.from_iterable(
            zip(map(_ROW_LENGTHS.pack, key_lengths, value_lengths), keys, values))))
        header = _ROW_LENGTHS.size
        sizes = [header + key_length + value_length for key_length, value_length in zip(key_lengths, value_lengths)]
        positions = list(itertools.accumulate(sizes, initial=self._position))
        self._position = positions.pop()
        _extend_places(self.index, positions)
        buckets = self.buckets
        for key, position in zip(keys, positions):
            hashed = int.from_bytes(md5(key, usedforsecurity=False).digest()[12:], "big")
            buckets[hashed & 255].append((hashed, position))
        self._keys, self._values = [], []

    def close(self):
        self._flush()
        return super().close()

    def _write_hashes(self):
        """Whoosh's `_write_hashes` (an open-addressing table per bucket, twice its entries' slots, probed
        linearly; an empty slot (0, 0)), each table written in one call."""
        dbfile, empty = self.dbfile, (0, 0)
        for entries in self.buckets:
            slots = 2 * len(entries)
            self.directory.append((dbfile.tell(), slots))
            table = [empty] * slots
            for entry in entries:
                slot = (entry[0] >> 8) % slots
                while table[slot] is not empty:
                    slot = (slot + 1) % slots
                table[slot] = entry
            dbfile.write(b"".join(itertools.starmap(_POINTER.pack, table)))


# The largest value each typecode of Whoosh's GrowableArray holds (whoosh.util.numlists, `_retype`).
_TYPECODE_LIMITS = {"B": 255, "H": 2**16 - 1, "i": 2**31 - 1, "I": 2**32 - 1, "q": 2**63 - 1}


def _extend_places(places, positions: list[int]) -> None:
    """Append increasing `positions` to the table's GrowableArray of row places: in one step where they fit its
    current typecode, else one at a time as Whoosh does (it widens the array when one does not fit)."""
    stored = places.array
    if isinstance(stored, array) and positions[-1] <= _TYPECODE_LIMITS.get(stored.typecode, -1):
        stored.extend(positions)
    else:
        places.extend(positions)


ROWS_CHUNK = 1 << 20  # bytes of a term table read at once


def term_table_rows(table, tag: int):
    """(key, tag, value) of every row of a segment's term table (a whoosh.filedb.filetables.OrderedHashReader),
    in order: read a chunk at a time and cut in place, where Whoosh's `items` made three reads per term. The tag
    (the segment's place in a merge) orders equal keys of several tables in a heap, never their values."""
    dbfile, position, end = table.dbfile, table.startofdata, table.endofdata
    unpack, header = _ROW_LENGTHS.unpack_from, _ROW_LENGTHS.size
    size = ROWS_CHUNK
    while position < end:
        chunk = dbfile.get(position, min(size, end - position))
        offset, length = 0, len(chunk)
        while offset + header <= length:
            keylength, valuelength = unpack(chunk, offset)
            key_at = offset + header
            value_at = key_at + keylength
            stop = value_at + valuelength
            if stop > length:
                break
            yield chunk[key_at:value_at], tag, chunk[value_at:stop]
            offset = stop
        if not offset:
            if length >= end - position:
                raise ValueError(f"term table ends inside a row at {position}")
            size *= 2  # a row longer than the chunk
        position += offset


class _PostingsWriter(W3PostingsWriter):
    def add_postings(self, ids: list, weights: list, values: list, lengths: list) -> None:
        """What `add_posting` called once per posting would buffer, a block at a time: every full block is
        written, the last one is left for `finish_postings`."""
        for start in range(0, len(ids), self._blocklimit):
            if start:
                self._write_block()
            stop = start + self._blocklimit
            present = [length for length in lengths[start:stop] if length]
            block_weights = weights[start:stop]
            self._ids = array("I", ids[start:stop])
            self._weights = array("f", block_weights)
            self._values = [value for value in values[start:stop] if value]
            self._maxweight = max(0, max(block_weights))
            self._minlength = byte_to_length(min(present)) if present else None
            self._maxlength = byte_to_length(max(present)) if present else 0

    def write_merged(self, format_, parts: list) -> tuple[int, int]:
        """Write a merged term's postings (MergedTerm's parts); returns their (offset, length) in the postings file.
        A full source block is copied: its bytes under a header whose ids are moved. Anything else (a source
        segment's last, short block; inline postings) is decoded into a buffer, written as blocks of its own
        before the next copied block and at the end, so short blocks only come from where segments meet."""
        self.start_postings(format_, W3TermInfo())
        fixed_size = format_.fixed_value_size()
        pending: TermPostings = ([], [], [], [])
        last_part = len(parts) - 1
        for position, part in enumerate(parts):
            if type(part[0]) is not RawBlock:
                _extend(pending, part)
                continue
            block, shift, length_bytes = part
            if block.count == self._blocklimit:
                if pending[0]:
                    self.add_postings(*pending)
                    self._write_block()
                    pending = ([], [], [], [])
                self._copy_block(block, shift, last=position == last_part)
                continue
            ids, weights, values = decoded_block(block, fixed_size)
            _extend(pending, ([docnum + shift for docnum in ids], weights, values,
                              list(map(length_bytes.__getitem__, ids))))
        if pending[0]:
            self.add_postings(*pending)
            self._write_block(last=True)
        self._terminfo = None
        return self._startoffset, self._postfile.tell() - self._startoffset

    def _copy_block(self, block: RawBlock, shift: int, last: bool) -> None:
        if not self._blockcount:
            self._postfile.write(WHOOSH3_HEADER_MAGIC)
        base = block.base + shift
        data, compression = block.data, block.compression
        if self._compression and not compression:  # a segment worker's block (staging.py): compressed now
            data, compression = _compressed(data, self._compression), self._compression
        header = (block.count, block.last_id + shift, block.max_weight, compression, block.min_length_byte,
                  block.max_length_byte)
        infobytes = pickle.dumps(header + (base,) if base else header, 2)
        blocklength = len(infobytes) + len(data)
        self._postfile.write_int(-blocklength if last else blocklength)
        self._postfile.write(infobytes + data)
        self._blockcount += 1

    def _write_block(self, last=False):
        """Whoosh's `_write_block`, the block compressed with a small window (BLOCK_WINDOW_BITS) and written in
        one call."""
        if not self._blockcount:
            self._postfile.write(WHOOSH3_HEADER_MAGIC)
        self._terminfo.add_block(self)
        databytes = pickle.dumps((self._mini_ids(), self._mini_weights(), self._mini_values()), 2)
        if self._compression:
            databytes = _compressed(databytes, self._compression)
        ids = self._ids
        infobytes = pickle.dumps((len(ids), ids[-1], self._maxweight, self._compression,
                                  length_to_byte(self._minlength), length_to_byte(self._maxlength)), 2)
        blocklength = len(infobytes) + len(databytes)
        self._postfile.write_int(-blocklength if last else blocklength)  # the last block's length is negative
        self._postfile.write(infobytes + databytes)
        self._blockcount += 1
        self._new_block()

    def _mini_ids(self):
        """Whoosh's: the ids delta-encoded (the first as is), without a generator step per id."""
        ids = self._ids
        return tuple(ids) if self._byteids else tuple(map(operator.sub, ids, itertools.chain((0,), ids)))

    def _mini_weights(self):
        """Whoosh's: None if every weight is 1, the one weight if they are all equal, else all of them; counted
        in C."""
        weights = self._weights
        if weights.count(1.0) == len(weights):
            return None
        if weights.count(weights[0]) == len(weights):
            return weights[0]
        return tuple(weights)

    def finish_postings(self):
        if self.written() or len(self) >= self._inlinelimit:
            return super().finish_postings()
        terminfo, self._terminfo = self._terminfo, None
        terminfo.add_block(self)
        terminfo.set_inlined(self._ids, [int(w) if w.is_integer() else w for w in self._weights], self._values)
        terminfo.__class__ = _CompactTermInfo
        return terminfo


def _compressed(data: bytes, level: int) -> bytes:
    return isal_zlib.compress(data, level, BLOCK_WINDOW_BITS)


def _extend(postings: TermPostings, more: TermPostings) -> None:
    for mine, theirs in zip(postings, more, strict=True):
        mine.extend(theirs)


class _CompactTermInfo(W3TermInfo):
    """A term record with inlined postings, pickled compactly (read back by W3TermInfo.from_bytes)."""

    def to_bytes(self):
        return _compact_record(
            self._weight, self._df, 0 if self._minlength is None else length_to_byte(self._minlength),
            length_to_byte(self._maxlength), self._maxweight,
            0xFFFFFFFF if self._minid is None else self._minid, 0xFFFFFFFF if self._maxid is None else self._maxid,
            self._inlined)


def _compact_record(weight, df, minlength_byte, maxlength_byte, maxweight, minid, maxid, inlined) -> bytes:
    return W3TermInfo._struct.pack(1, weight, df, minlength_byte, maxlength_byte, maxweight, minid, maxid) + \
        pickle.dumps(inlined, 4)


def _inline_record(ids: list, weights: list, values: list, lengths: list) -> bytes:
    """The record `_PostingsWriter` gives a term whose postings are all kept inline: the statistics its one
    block adds to a fresh W3TermInfo, the weights as the block's 32-bit floats (`array("f")`). Built with
    C-level helpers (map, filter): this runs once per term of most segments written or merged; a term of one
    posting (about half of them) without the sequence helpers."""
    if len(ids) == 1:
        weight, value, length = weights[0], values[0], lengths[0]
        stored = _FLOAT32.unpack(_FLOAT32.pack(weight))[0]
        return _compact_record(0 + stored, 1, length, length, max(0, weight), ids[0], ids[0],
                               ((ids[0],), (int(stored) if stored.is_integer() else stored,), (value,) if value else ()))
    stored = array("f", weights).tolist()
    if all(map(float.is_integer, stored)):  # term frequencies: almost always
        kept_weights = tuple(map(int, stored))
    else:
        kept_weights = tuple(int(w) if w.is_integer() else w for w in stored)
    present = lengths if 0 not in lengths else [length for length in lengths if length]
    return _compact_record(
        sum(stored), len(ids), min(present) if present else 0, max(present) if present else 0,
        max(0, max(weights)), ids[0], ids[-1], (tuple(ids), kept_weights, tuple(filter(None, values))))


class _PerDocReader(W3PerDocReader):
    def __init__(self, storage, segment):
        super().__init__(storage, segment)
        self._length_bytes: dict[str, bytes | None] = {}

    def doc_field_length(self, docnum, fieldname, default=0):
        if fieldname not in self._length_bytes:
            self._length_bytes[fieldname] = length_bytes(self, fieldname)
        lengths = self._length_bytes[fieldname]
        if lengths is None:
            return default
        if docnum > self._doccount:
            raise IndexError(f"Asked for docnum {docnum!r} of {self._doccount}")
        return _LENGTHS[lengths[docnum]] if docnum < len(lengths) else None


def length_bytes(perdoc: W3PerDocReader, fieldname: str) -> bytes | None:
    """A segment's length column for `fieldname` as one byte per document, read at once; documents past its
    end have length byte 0 (Whoosh stops writing the column at the last non-zero value). None: no column."""
    reader = perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
    if reader is None:
        return None
    # A one-byte numeric column is `_count` bytes from `_basepos`: one read instead of one per document.
    return bytes(reader._dbfile.get(reader._basepos, reader._count))
