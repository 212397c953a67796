"""An index written by an older version (another schema or term scheme) is rebuilt from the store on the next
ingest, and documents ingested after that are searchable: the writer now feeds precomputed postings, which an
older schema would silently index as empty fields."""
import sys
import types

import pytest
from whoosh.formats import Positions

from index.engine import IndexFormatError
from index.engine.postings import CompactPositions
from index.engine.schema import INDEX_FORMAT, build_schema
from index.engine.tokenizers import WordTokenizer
from index.query.filters import Filters
from index.results.search import SearchRequest, search
from index.store import consistency
from index.store.consistency import INDEX_FORMAT_KEY
from index.write.pipeline import ingest_paths


def write_old_format(library) -> None:
    """Rewrite the index as a version without precomputed postings would have, and record its format."""
    old = build_schema()
    for name in ("title", "heading", "body", "grams"):
        old[name].format = Positions(field_boost=old[name].format.field_boost)
    library.index.clear()
    with library.index.writer() as writer:
        writer.schema = old
    library.index.reopen()  # read the schema from the index files, as a later process would
    library.store.set_meta(INDEX_FORMAT_KEY, "1")


def found(library, text: str) -> int:
    """Matches among all documents (the topic filter is not what these tests are about)."""
    return search(library, SearchRequest(text, filters=Filters(on_topic_only=False))).total


def test_old_index_is_rebuilt_before_new_documents_are_added(library, tmp_path):
    first = tmp_path / "first.txt"
    first.write_text("加装电梯\n\n业主们在议事会上商量加装电梯的事情。", encoding="utf-8")
    ingest_paths([first], library)
    write_old_format(library)
    assert not isinstance(library.index.index.schema["body"].format, CompactPositions)

    second = tmp_path / "second.txt"
    second.write_text("维修资金\n\n业委会公开维修资金的使用明细。", encoding="utf-8")
    ingest_paths([second], library)

    assert isinstance(library.index.index.schema["body"].format, CompactPositions)
    assert library.store.get_meta(INDEX_FORMAT_KEY) == str(INDEX_FORMAT)
    assert found(library, "电梯") == 1  # rebuilt from the store
    assert found(library, "维修资金") == 1  # added in the new format


def test_current_index_is_not_rebuilt(library, tmp_path, monkeypatch):
    path = tmp_path / "note.txt"
    path.write_text("红色物业\n\n社区党委牵头成立业委会。", encoding="utf-8")
    ingest_paths([path], library)
    rebuilds = []
    monkeypatch.setattr(consistency, "rebuild", lambda *args, **kwargs: rebuilds.append(args))
    path.write_text("红色物业\n\n社区党委牵头成立业委会,业主参与议事。", encoding="utf-8")
    ingest_paths([path], library)
    assert rebuilds == []
    assert found(library, "议事") == 1


def test_index_naming_a_moved_class_is_refused_by_reads_and_rebuilt_by_the_next_ingest(library, tmp_path,
                                                                                           monkeypatch):
    """Whoosh pickles the analyzer's class path into the index; an index from before a module moved names a
    path that no longer imports. Reads say how to rebuild; the next ingest rebuilds it from the store."""
    first = tmp_path / "first.txt"
    first.write_text("加装电梯\n\n业主们在议事会上商量加装电梯的事情。", encoding="utf-8")
    ingest_paths([first], library)

    old_module = types.ModuleType("redprop_before_the_move")
    moved = type("WordTokenizer", (WordTokenizer,), {"__module__": old_module.__name__})
    old_module.WordTokenizer = moved
    monkeypatch.setitem(sys.modules, old_module.__name__, old_module)
    old = build_schema()
    old["body"].analyzer = moved()
    library.index.clear()
    with library.index.writer() as writer:
        writer.schema = old
    library.store.set_meta(INDEX_FORMAT_KEY, str(INDEX_FORMAT - 1))
    monkeypatch.delitem(sys.modules, old_module.__name__)
    library.index.reopen()

    with pytest.raises(IndexFormatError, match="redprop reindex"):
        found(library, "电梯")

    second = tmp_path / "second.txt"
    second.write_text("维修资金\n\n业委会公开维修资金的使用明细。", encoding="utf-8")
    ingest_paths([second], library)
    assert found(library, "电梯") == 1
    assert found(library, "维修资金") == 1
