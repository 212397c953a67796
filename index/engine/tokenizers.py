"""Whoosh tokenizers over our term streams (index/analysis.py): positions = token index, chars = offsets.

We write our own because jieba's bundled ChineseAnalyzer puts character offsets in the position slot, stems
with an English stemmer, and Whoosh's default stop filter drops one-character tokens.
"""
from __future__ import annotations

from whoosh.analysis import Token, Tokenizer

from index.analysis import PreAnalyzed, Term, analyze, grams


class _TermTokenizer(Tokenizer):
    """Turns our Term lists into Whoosh tokens (positions = token index, chars = offsets)."""

    def terms_for(self, value: str) -> list[Term]:
        raise NotImplementedError

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        terms = value.terms if isinstance(value, PreAnalyzed) else self.terms_for(value)
        for term in terms:
            token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
            token.text = term.text
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = term.text
            if positions:
                token.pos = start_pos + term.pos
            if chars:
                token.startchar = start_char + term.start
                token.endchar = start_char + term.end
            yield token


class WordTokenizer(_TermTokenizer):
    def terms_for(self, value: str) -> list[Term]:
        return analyze(value)


class GramTokenizer(_TermTokenizer):
    def terms_for(self, value: str) -> list[Term]:
        return grams(value)
