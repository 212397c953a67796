"""Property tests: the invariants every offset and highlight relies on, for any text (hypothesis)."""
from __future__ import annotations

import html

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from index.analysis import analyze, grams
from index.results.snippets import highlight
from ingest.decode import decode_bytes
from ingest.parsers.markdown import markdown_blocks
from ingest.parsers.text import text_blocks
from ingest.text.fold import _fold_char, fold, fold_width

# Text that looks like our material: CJK (incl. Traditional and full-width forms), ASCII, punctuation, spaces.
CHINESE = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
FULL_WIDTH = st.characters(min_codepoint=0xFF01, max_codepoint=0xFF5E)
MIXED_CHARS = st.one_of(CHINESE, FULL_WIDTH, st.sampled_from("。,、;:!?“”()《》 \t\n\u3000第条章"),
                        st.characters(codec="utf-8", exclude_categories=("Cs",)))
TEXT = st.text(MIXED_CHARS, max_size=80)
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(TEXT)
def test_fold_keeps_length_and_is_idempotent(text):
    folded = fold(text)
    assert len(folded) == len(text)
    assert fold(folded) == folded


@FAST
@given(TEXT)
@example("ΣΑΣ")  # lower case by context (final sigma) in a string, not per character
@example("İstanbul")  # its lower case is two characters: kept
@example("ﬁ e\u0301 \u212b Ａ１")  # compatibility forms, a combining accent, a singleton, full width
def test_fold_width_folds_each_character_on_its_own(text):
    """fold_width returns a text already folded as it is: the same as folding each of its characters."""
    assert fold_width(text) == "".join(map(_fold_char, text))


@FAST
@given(TEXT)
def test_word_terms_point_at_their_folded_characters(text):
    folded = fold(text)
    for term in analyze(text):
        assert 0 <= term.start < term.end <= len(text)
        assert folded[term.start : term.end].strip() == term.text
        assert term.pos >= 0


@FAST
@given(TEXT)
def test_gram_terms_point_at_their_folded_characters(text):
    folded = fold(text)
    for term in grams(text):
        assert 0 <= term.start < term.end <= len(text)
        assert folded[term.start : term.end] == term.text


@FAST
@given(TEXT)
def test_word_positions_never_decrease(text):
    positions = [term.pos for term in analyze(text) if term.main]
    assert positions == sorted(positions)


@FAST
@given(TEXT, st.lists(st.text(MIXED_CHARS, min_size=1, max_size=4), max_size=3))
def test_highlight_only_adds_marks(text, needles):
    """Removing the marks and unescaping gives back the text exactly: nothing lost, nothing injected."""
    marked = highlight(text, needles)
    assert html.unescape(marked.replace("<mark>", "").replace("</mark>", "")) == text
    assert "<" not in marked.replace("<mark>", "").replace("</mark>", "")


@FAST
@given(st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Cf", "Cn", "Co")), max_size=200))
def test_utf8_text_decodes_to_itself(text):
    """Any printable UTF-8 text comes back unchanged (control, format, unassigned and private-use code points alone are not text)."""
    assert decode_bytes(text.encode("utf-8"), "x.txt") == text
    assert decode_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"), "x.txt") == text


@FAST
@given(TEXT, st.sampled_from([text_blocks, markdown_blocks]))
@example("-\x1e0", markdown_blocks)  # \x1e ends a line for str.splitlines(), not for Markdown
def test_text_blocks_are_stable_when_written_back(text, read_blocks):
    """Blocks written back as paragraphs read as the same blocks: the line cleaner is idempotent."""
    blocks = read_blocks(text)
    again = read_blocks("\n\n".join(("#" * b.level + " " if b.level else "") + b.text for b in blocks))
    assert [(b.text, b.kind, b.level) for b in again] == [(b.text, b.kind, b.level) for b in blocks]
