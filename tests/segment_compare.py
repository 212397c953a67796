"""Two index readers holding the same segment, compared the way a search reads it: every term's statistics,
posting blocks and postings (ids, weights, values), and every document's stored fields, field lengths and
column values. Used where our writer replaces Whoosh's (merges, staged segments)."""
from __future__ import annotations

from index.engine.vectorized import posting_blocks


def blocks(reader, fieldname, btext):
    """Every posting block of a term as (postings, last id, max weight, min length, max length), or the inline list."""
    terminfo = reader.term_info(fieldname, btext)
    matcher = reader._terms.matcher(fieldname, btext, reader.schema[fieldname].format)
    if terminfo.is_inlined():
        return [("inline", terminfo.inlined_postings())]
    found = []
    while matcher.is_active():
        found.append((matcher._blocklength, matcher._maxid, matcher._maxweight, matcher._minlength, matcher._maxlength))
        matcher._next_block()
    return found


def assert_same_terms(theirs, ours, same_blocks: bool = True) -> tuple[int, int]:
    """Asserts that both readers hold the same terms with the same statistics, blocks and postings; returns how
    many terms span more than two posting blocks and how many keep their postings inline (what was covered).
    With `same_blocks` False (a merge that copied blocks, index/engine/codec.py `write_merged`), the blocks may be
    cut elsewhere: each of ours must then agree with the postings it holds."""
    terms = list(theirs.all_terms())
    assert terms == list(ours.all_terms())
    multi_block = inlined = 0
    for fieldname, btext in terms:
        a, b = theirs.term_info(fieldname, btext), ours.term_info(fieldname, btext)
        assert (a.weight(), a.doc_frequency(), a.min_length(), a.max_length(), a.max_weight(), a.min_id(),
                a.max_id()) == (b.weight(), b.doc_frequency(), b.min_length(), b.max_length(), b.max_weight(),
                                b.min_id(), b.max_id()), (fieldname, btext)
        block_list = blocks(theirs, fieldname, btext)
        if same_blocks or a.is_inlined():
            assert block_list == blocks(ours, fieldname, btext), (fieldname, btext)
        multi_block += len(block_list) > 2
        inlined += a.is_inlined()
        if not a.is_inlined():
            format_ = theirs.schema[fieldname].format
            mine = posting_blocks(ours._terms.matcher(fieldname, btext, format_), values=True)
            whoosh = posting_blocks(theirs._terms.matcher(fieldname, btext, format_), values=True)
            assert mine[0].tolist() == whoosh[0].tolist() and mine[1].tolist() == whoosh[1].tolist()
            assert mine[2] == whoosh[2]
            assert stepped(ours, fieldname, btext) == stepped(theirs, fieldname, btext)
            if not same_blocks:
                assert_blocks_hold(blocks(ours, fieldname, btext), mine, ours.doc_field_length, fieldname)
    return multi_block, inlined


def stepped(reader, fieldname, btext) -> list:
    """A term's (id, weight, value) as Whoosh's matcher steps through them (its own block decoding)."""
    matcher = reader._terms.matcher(fieldname, btext, reader.schema[fieldname].format)
    return list(_steps(matcher))


def _steps(matcher):
    while matcher.is_active():
        yield matcher.id(), matcher.weight(), matcher.value()
        matcher.next()


def assert_blocks_hold(block_list: list, postings: tuple, field_length, fieldname: str) -> None:
    """Each block's header agrees with its postings: count, last id, highest weight, shortest and longest length."""
    ids, weights, _ = postings
    assert sum(block[0] for block in block_list) == len(ids)
    start = 0
    for count, last_id, max_weight, min_length, max_length in block_list:
        block_ids = ids[start:start + count].tolist()
        lengths = [field_length(docnum, fieldname) for docnum in block_ids]
        assert last_id == block_ids[-1]
        assert max_weight == max(weights[start:start + count].tolist())
        assert (min_length, max_length) == (min(lengths), max(lengths))
        start += count


def assert_same_documents(theirs, ours) -> None:
    assert theirs.doc_count_all() == ours.doc_count_all()
    assert list(theirs.iter_docs()) == list(ours.iter_docs())
    for fieldname in theirs.schema.names():
        assert ([theirs.doc_field_length(d, fieldname) for d in range(theirs.doc_count_all())]
                == [ours.doc_field_length(d, fieldname) for d in range(ours.doc_count_all())])
        assert theirs.field_length(fieldname) == ours.field_length(fieldname)
        assert theirs.has_column(fieldname) == ours.has_column(fieldname)
        if theirs.has_column(fieldname):
            assert list(theirs.column_reader(fieldname)) == list(ours.column_reader(fieldname))
