"""The Whoosh codec the index is written with: Whoosh's W3 format, minus two costs of its writer.

Profiling ingest showed Whoosh's commit (flushing postings, merging segments) as most of the writer's time:
- every term got a compressed postings block of its own, even a term seen in one passage (most terms: names,
  numbers, the bigrams of the fallback field). W3 can keep a few postings inline in the term's record, but
  its writer calls `set_inline` where the term record has `set_inlined`, so that path never ran (a typo
  upstream, fixed here by overriding the method);
- every posting looked up its passage's field length in the length column, one byte read at a time; here
  the column is read once per segment and field (one byte per passage), which also serves BM25 at search.
- a term record with inlined postings pickled them with protocol 2, which spells each bytes value as a call to
  `_codecs.encode` (50 bytes for 3 bytes of positions) and each weight as an 8-byte float: `_CompactTermInfo`
  pickles with protocol 4 and writes whole-number weights as ints (Whoosh's reader unpickles either).
Files stay in the W3 format; each segment records its codec, so readers and merges use this class too.
Inlined postings are read with Whoosh's ListMatcher, which gives "" (text) for a term without values where
the writer expects b"" when segments are merged; `_InlineMatcher` gives bytes.
"""
from __future__ import annotations

import pickle

from whoosh.codec.whoosh3 import (
    LENGTHS_COLUMN,
    W3Codec,
    W3PerDocReader,
    W3PostingsWriter,
    W3TermInfo,
    W3TermsReader,
    _lenfield,
)
from whoosh.matching import ListMatcher
from whoosh.reading import TermNotFound
from whoosh.system import emptybytes
from whoosh.util.numeric import byte_to_length, length_to_byte

INLINE_POSTINGS = 8  # terms with fewer postings than this are stored in their term record
_LENGTHS = [byte_to_length(value) if value else None for value in range(256)]


class RedpropCodec(W3Codec):
    def __init__(self, blocklimit: int = 128, compression: int = 3, inlinelimit: int = INLINE_POSTINGS):
        super().__init__(blocklimit=blocklimit, compression=compression, inlinelimit=inlinelimit)

    def postings_writer(self, dbfile, byteids=False):
        return _PostingsWriter(dbfile, blocklimit=self._blocklimit, byteids=byteids,
                               compression=self._compression, inlinelimit=self._inlinelimit)

    def postings_reader(self, dbfile, terminfo, format_, term=None, scorer=None):
        if not terminfo.is_inlined():
            matcher = super().postings_reader(dbfile, terminfo, format_, term=term, scorer=scorer)
            matcher.first_block = matcher._dataoffset  # where it starts: a reader of whole terms checks it is there
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


class _PostingsWriter(W3PostingsWriter):
    def finish_postings(self):
        if self.written() or len(self) >= self._inlinelimit:
            return super().finish_postings()
        terminfo, self._terminfo = self._terminfo, None
        terminfo.add_block(self)
        terminfo.set_inlined(self._ids, [int(w) if w.is_integer() else w for w in self._weights], self._values)
        terminfo.__class__ = _CompactTermInfo
        return terminfo


class _CompactTermInfo(W3TermInfo):
    """A term record with inlined postings, pickled compactly (read back by W3TermInfo.from_bytes)."""

    def to_bytes(self):
        header = self._struct.pack(
            1, self._weight, self._df, 0 if self._minlength is None else length_to_byte(self._minlength),
            length_to_byte(self._maxlength), self._maxweight,
            0xFFFFFFFF if self._minid is None else self._minid, 0xFFFFFFFF if self._maxid is None else self._maxid,
        )
        return header + pickle.dumps(self._inlined, 4)


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
