"""A staged segment (index/engine/staging.py) is written term by term from the workers' precomputed postings; it
must be the segment Whoosh's own `add_document` path writes for the same passages: the same terms, term
statistics, posting blocks and postings, stored fields, field lengths and columns, down to the bytes of every
file. Checked on a generated batch: common words spanning several posting blocks, rare ones kept inline in
their term records, every kind of field of the schema, values with and without precomputed postings."""
from __future__ import annotations

import random
from pathlib import Path

import pytest
from generated_index import SEGMENTS, generated_documents
from segment_compare import assert_same_documents, assert_same_terms
from whoosh.filedb.filestore import FileStorage
from whoosh.reading import SegmentReader
from whoosh.writing import SegmentWriter

from index.engine.codec import RedpropCodec
from index.engine.postings import with_postings
from index.engine.schema import build_schema, document_fields
from index.engine.staging import STAGED_BLOCK_COMPRESSION, write_segment


def whooshs_segment(folder: Path, passages: list[dict]):
    """The segment Whoosh writes for the passages: add_document per passage, pooled postings, one flush."""
    index = FileStorage(str(folder)).create_index(build_schema())
    writer = SegmentWriter(index, _lk=False, codec=RedpropCodec(compression=STAGED_BLOCK_COMPRESSION))
    for fields in passages:
        writer.add_document(**fields)
    segment = writer._finalize_segment()
    writer._finish()
    return segment


def generated_batch() -> list[dict]:
    """A batch as a worker receives it; every fifth passage keeps its analysed terms instead of postings (the
    field format then analyses it, as for values that did not come from a parse worker) and no topic."""
    schema = build_schema()
    rng = random.Random(5)
    fields = [f for segment in range(SEGMENTS) for d in generated_documents(rng, segment) for f in document_fields(d)]
    return [with_postings(f, schema) if i % 5 else f | {"topic": None} for i, f in enumerate(fields)]


@pytest.fixture(scope="module")
def passages() -> list[dict]:
    return generated_batch()


@pytest.fixture(scope="module")
def written(passages, tmp_path_factory):
    """The batch written both ways: {"whoosh": (storage, segment), "ours": (storage, segment)}."""
    theirs = tmp_path_factory.mktemp("whoosh")
    staged = write_segment(tmp_path_factory.mktemp("ours"), passages)
    return {"whoosh": (FileStorage(str(theirs)), whooshs_segment(theirs, passages)),
            "ours": (FileStorage(str(staged.folder)), staged.segment)}


@pytest.fixture(scope="module")
def readers(written):
    schema = build_schema()
    opened = {name: SegmentReader(storage, schema, segment) for name, (storage, segment) in written.items()}
    yield opened
    for reader in opened.values():
        reader.close()


def test_the_batch_covers_every_kind_of_field(passages):
    used = {name for fields in passages for name, value in fields.items() if value is not None}
    assert used == set(build_schema().names())
    assert any(not hasattr(fields["body"], "postings") for fields in passages if "body" in fields)


def test_same_terms_postings_and_term_statistics(readers):
    multi_block, inlined = assert_same_terms(readers["whoosh"], readers["ours"])
    assert multi_block >= 5 and inlined >= 100  # both kinds of term record were compared


def test_same_stored_fields_lengths_and_columns(readers):
    assert_same_documents(readers["whoosh"], readers["ours"])


def test_same_bytes_in_every_file_of_the_segment(written):
    def files(storage, segment) -> dict[str, bytes]:
        compound = segment.open_compound_file(storage)
        return {name.replace(segment.segment_id(), ""): compound.open_file(name).read() for name in compound.list()}

    theirs, ours = files(*written["whoosh"]), files(*written["ours"])
    assert theirs.keys() == ours.keys() and len(theirs) > 3
    for name in theirs:
        assert theirs[name] == ours[name], name
