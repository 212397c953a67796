"""The one jieba segmenter: jieba's dictionary plus ours (data/userdict.txt) and every synonym-table form.

Indexing, queries, keyword extraction, ingest's word-boundary checks and the POS tagging that place, practice
and figure extraction rely on all cut text with this tokenizer, so they agree on what a word is. Text is folded
(fold.py) before it is cut.

The tokenizer reads its word counts from a memory-mapped trie (dictionary.py), built from the full dictionary
at the first use after jieba or our word lists change: a query looks up its own substrings and nothing else, so
`redprop search` does not wait a second for jieba to unmarshal 500k entries. Bulk work calls
load_dictionary_into_memory() first; either way the counts, and so the cuts, are the same.
"""
from __future__ import annotations

import hashlib
import json
import re
import sys
import threading
from collections.abc import Iterator
from functools import lru_cache
from importlib.util import find_spec
from itertools import accumulate
from pathlib import Path
from typing import TYPE_CHECKING

from ingest.text import dictionary
from ingest.text.fold import fold, skip_unchanged_text
from ingest.text.synonyms import synonym_words
from ingest.text.wordlists import DATA_DIR, read_word_list

if TYPE_CHECKING:  # jieba (0.1 s) and its POS tables (0.7 s) load on first use, so `redprop --help` skips them
    import jieba
    import jieba.posseg

USER_DICTIONARY = DATA_DIR / "userdict.txt"
SYNONYM_WORD_FREQ = 3000  # synonym-table forms become words too, so a query and a passage cut them alike
# jieba's time grows faster than linearly on one long run without punctuation (a hostile or broken file);
# longer runs are segmented in pieces of at most this many characters, cut at a non-word character if possible.
MAX_SEGMENT_CHARS = 2000

_lock = threading.Lock()
_segmenter: jieba.Tokenizer | None = None
_pos_tagger: jieba.posseg.POSTokenizer | None = None
_pos_blocks: re.Pattern | None = None  # how jieba's tagger splits a text into blocks it cuts independently
# Synonym-table forms are names of things (institutions, funds, roles); jieba would tag an unknown one "x".
SYNONYM_WORD_TAG = "n"
# POS-tagged blocks kept per process (a block is a few dozen characters): one file's documents and their cases
# tag the same blocks again (places, local names, figures, practices), so several files' worth.
POS_BLOCK_CACHE_SIZE = 32768
# A block of Chinese characters only (jieba's finalseg.re_han): what the compiled plain cut takes whole.
HAN_BLOCK = re.compile("[\u4e00-\u9fd5]+")
UNKNOWN_RUN_CACHE_SIZE = 65536  # runs of unknown characters (a few each) whose HMM tags are kept per process


def segmenter() -> jieba.Tokenizer:
    """The process-wide jieba tokenizer with the domain dictionary, its counts read from the memory-mapped trie
    (built once, ~3 s, when missing; then opened in a millisecond)."""
    global _segmenter
    if _segmenter is None:
        with _lock:
            if _segmenter is None:
                tokenizer = tokenizer_for(dictionary_on_disk())
                for word, freq, _tag in _user_words():
                    if freq == 0:  # what jieba's add_word does for a word listed to be split, besides its count
                        _import_jieba().finalseg.add_force_split(word)
                _segmenter = tokenizer
    return _segmenter


def load_dictionary_into_memory() -> None:
    """Swap the trie for a dict of the same counts (~0.5 s) and compile the words for C++ routes (~0.1 s): bulk
    work (indexing, case extraction) looks words up millions of times, and a dict answers them about 1.5×
    faster, the compiled routes about twice as fast again; and let folding skip OpenCC for text it would not
    change (fold.skip_unchanged_text, ~0.1 s). Queries never need it."""
    tokenizer = segmenter()
    if not isinstance(tokenizer.FREQ, dict):
        with _lock:
            if not isinstance(tokenizer.FREQ, dict):
                tokenizer.FREQ = tokenizer.FREQ.to_dict()
                tokenizer.compile_routes()
                skip_unchanged_text()  # the text bulk work cuts is folded first


def tokenizer_for(words: dictionary.Dictionary) -> jieba.Tokenizer:
    """A jieba tokenizer cutting with `words` (nothing else of jieba's is loaded)."""
    tokenizer = _route_tokenizer()()
    tokenizer.FREQ, tokenizer.total = words.frequencies, words.total
    tokenizer.user_word_tag_tab = dict(words.tags)
    tokenizer.initialized = True
    return tokenizer


@lru_cache(maxsize=1)
def _route_tokenizer() -> type:
    """jieba's Tokenizer, cutting in C++ once the words are compiled (`compile_routes`, bulk work only).

    jieba-fast-dat (a maintained C++ port of jieba's algorithms, pinned in pyproject.toml) holds the same words
    and counts in a double-array trie and computes jieba's steps with the same arithmetic (log(count) -
    log(total) summed along the route, the same choice among equal routes, the same HMM tables):
    - the word graph (`get_DAG`) and the best route through it (`calc`), which the POS tagger calls too;
    - the plain cut of a block of Chinese characters alone, unknown runs included (`_Tokenizer__cut_DAG`): its handling
      of runs mixing digits, letters and symbols (45%, 1.10) differs from jieba's, so those blocks, a few per
      passage, are cut by jieba's Python over the compiled route.
    The cuts are identical to jieba's (tests/test_dictionary.py compares them on the fixtures; prepare_file's
    output was compared on the bench corpus) at a third of the CPU."""
    jieba = _import_jieba()

    class RouteTokenizer(jieba.Tokenizer):
        compiled = None  # jieba-fast-dat's trie of the words with a count; None: jieba's own Python steps

        def compile_routes(self) -> None:
            """Compile the words (~0.1 s for 350k words) so that the cut's hot steps run in C++."""
            compiled = _fast_jieba().DatTrie()
            compiled.build([(word, count) for word, count in self.FREQ.items() if count])
            # Looked up once here, not per block: a passage has dozens of blocks.
            self.compiled_block = _compiled_plain_block().fullmatch
            self.compiled_cut = _fast_jieba()._cut_DAG_cpp
            self.compiled_total = float(self.total)
            self.compiled = compiled

        def _Tokenizer__cut_DAG(self, sentence):  # jieba's cut of one block (with its HMM), name-mangled
            if self.compiled is None or jieba.finalseg.Force_Split_Words:
                return super()._Tokenizer__cut_DAG(sentence)
            if self.compiled_block(sentence):
                return self.compiled_cut(self.compiled, sentence, self.compiled_total)
            return self.route_cut(sentence)

        def route_cut(self, sentence: str) -> list[str]:
            """jieba's `__cut_DAG`, step for step, over the best route jieba-fast-dat computes in one C++ call (the
            blocks mixing Chinese with letters, digits or symbols): no route dict of tuples, no generator, and a
            run of one-character words the dictionary does not know is cut by jieba's HMM once per process."""
            ends: list[int] = []  # ends[x]: index of the last character of the best route's word starting at x
            _fast_jieba()._get_DAG_and_calc(self.compiled, sentence, ends, self.compiled_total)
            words: list[str] = []
            singles_from = start = 0  # jieba's `buf`: the one-character words since the last longer word
            while start < len(sentence):
                end = ends[start] + 1
                if end - start > 1:
                    if singles_from < start:
                        words += self.single_run_words(sentence[singles_from:start])
                    words.append(sentence[start:end])
                    singles_from = end
                start = end
            if singles_from < len(sentence):
                words += self.single_run_words(sentence[singles_from:])
            return words

        def single_run_words(self, run: str) -> tuple[str, ...]:
            """jieba's words for a run of one-character words: a dictionary word stays characters, an unknown run
            goes to the HMM (finalseg)."""
            if len(run) == 1:
                return (run,)
            if self.FREQ.get(run):
                return tuple(run)
            return _unknown_run_words(run)

        def get_DAG(self, sentence):  # jieba's name
            if self.compiled is None:
                return super().get_DAG(sentence)
            return _fast_jieba()._get_DAG(self.compiled, sentence)

        def calc(self, sentence, DAG, route):  # jieba's names
            if self.compiled is None:
                return super().calc(sentence, DAG, route)
            _fast_jieba()._calc(self.compiled, sentence, DAG, route, float(self.total))

    return RouteTokenizer


@lru_cache(maxsize=1)
def _compiled_plain_model() -> frozenset[str]:
    """jieba's HMM tables for unknown runs in the plain cut (finalseg) handed to jieba-fast-dat's C++ search;
    the characters the model knows (a block with another is cut by jieba's Python: with no emission at all,
    the HMM's paths tie, and the two may break the tie differently)."""
    finalseg = _import_jieba().finalseg
    _fast_jieba().load_finalseg_hmm_model(finalseg.start_P, finalseg.trans_P, finalseg.emit_P)
    return frozenset().union(*finalseg.emit_P.values())


@lru_cache(maxsize=UNKNOWN_RUN_CACHE_SIZE)
def _unknown_run_words(run: str) -> tuple[str, ...]:
    """jieba's HMM cut (finalseg) of a run of characters the dictionary does not know, remembered per process: the
    same runs (a name, a date's digits and 年) recur across passages. Only the compiled cut asks, and only while
    no word is forced apart (the words then depend on jieba's model and `run` alone)."""
    return tuple(_import_jieba().finalseg.cut(run))


@lru_cache(maxsize=1)
def _compiled_plain_block() -> re.Pattern:
    """A block the compiled plain cut takes whole: Chinese characters only (HAN_BLOCK), each one the HMM knows
    (`_compiled_plain_model`); one C match per block instead of a set look-up per character."""
    known = sorted(char for char in _compiled_plain_model() if HAN_BLOCK.fullmatch(char))
    return re.compile("[" + "".join(map(re.escape, known)) + "]+")


@lru_cache(maxsize=1)
def _fast_jieba():
    """jieba-fast-dat's C++ functions (imported on first use: bulk work only; looked up once, not per block)."""
    from jieba_fast_dat import _jieba_fast_dat_functions_py3

    return _jieba_fast_dat_functions_py3


def dictionary_on_disk() -> dictionary.Dictionary:
    """jieba's dictionary with ours, memory-mapped from the files of this fingerprint (written first if missing)."""
    return dictionary.open_dictionary(dictionary_fingerprint(), dictionary_in_memory)


def dictionary_in_memory() -> dictionary.Dictionary:
    """jieba's dictionary with ours added, as jieba builds it in memory (~1.5 s): what the files are written from."""
    tokenizer = _import_jieba().Tokenizer()
    tokenizer.initialize()
    for word, freq, tag in _user_words():
        tokenizer.add_word(word, freq, tag)
    for word in sorted(synonym_words()):
        if not tokenizer.FREQ.get(word):
            tokenizer.add_word(word, SYNONYM_WORD_FREQ, SYNONYM_WORD_TAG)
    return dictionary.Dictionary(tokenizer.FREQ, tokenizer.total, tokenizer.user_word_tag_tab)


def dictionary_fingerprint() -> str:
    """A digest of everything the full dictionary is made of: jieba's dictionary file (path, size, time), our
    words."""
    jieba_dict = Path(find_spec("jieba").origin).with_name("dict.txt")
    stat = jieba_dict.stat()
    parts = {
        "format": dictionary.FORMAT,
        "jieba": [str(jieba_dict), stat.st_size, stat.st_mtime_ns],
        "user_words": _user_words(),
        "synonym_words": [sorted(synonym_words()), SYNONYM_WORD_FREQ, SYNONYM_WORD_TAG],
    }
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode()).hexdigest()


def _import_jieba():
    """jieba, without the pkg_resources it imports only to find its own data files (0.1–0.2 s of setuptools):
    when pkg_resources cannot be imported jieba opens them beside its modules, as it does when installed here."""
    blocked = "pkg_resources" not in sys.modules
    if blocked:
        sys.modules["pkg_resources"] = None  # makes `import pkg_resources` raise ImportError
    try:
        import jieba
    finally:
        if blocked and sys.modules.get("pkg_resources", 0) is None:
            del sys.modules["pkg_resources"]
    jieba.setLogLevel(60)
    return jieba


def _user_words() -> list[tuple[str, int | None, str | None]]:
    """(folded word, count or None for jieba's suggestion, POS tag) of each line of the user dictionary, in order."""
    words = []
    for line in read_word_list(USER_DICTIONARY):
        word, *rest = line.split()
        freq = int(rest[0]) if rest and rest[0].isdigit() else None
        tag = rest[-1] if rest and not rest[-1].isdigit() else None
        words.append((fold(word), freq, tag))
    return words


def pos_tagger() -> jieba.posseg.POSTokenizer:
    """jieba's POS tagger over the one segmenter, so tagged words are the words the index holds."""
    global _pos_tagger, _pos_blocks
    if _pos_tagger is None:
        tokenizer = segmenter()
        with _lock:
            if _pos_tagger is None:
                import jieba.posseg  # only place, practice and figure extraction tag words; a query only cuts

                _pos_blocks = jieba.posseg.re_han_internal
                _pos_tagger = _unknown_run_remembering_tagger()(tokenizer)
    return _pos_tagger


@lru_cache(maxsize=1)
def _unknown_run_remembering_tagger() -> type:
    """jieba's POS tagger, remembering how its HMM tags each run of characters the dictionary does not know.

    Such a run (a name: 周某某, or characters no word covers: 日晚在) goes through a Viterbi search over every
    (position, tag) state in pure Python. Blocks are already tagged once each (_pos_cut_block), but the same run
    turns up in many blocks: a name in every sentence that mentions it. On 300 files of the 1k bench corpus the
    search ran 1852 times over 3669 characters, on 573 distinct runs of 1292 characters. The tags depend only on
    the run and jieba's model, so a run seen before skips the search. A new run, in bulk work (the tokenizer's
    routes compiled), is searched in C++ by jieba-fast-dat over jieba's own model tables (`_compiled_run_tags`)."""
    import jieba.posseg

    class UnknownRunRememberingTagger(jieba.posseg.POSTokenizer):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.unknown_runs: dict[str, tuple[tuple[str, str], ...]] = {}

        def _POSTokenizer__cut(self, sentence):  # jieba's HMM tagging of one unknown run, name-mangled
            known = self.unknown_runs.get(sentence)
            if known is None:
                if len(self.unknown_runs) >= UNKNOWN_RUN_CACHE_SIZE:
                    self.unknown_runs = {}  # forgotten all at once: cheaper than ordering every look-up
                if getattr(self.tokenizer, "compiled", None) is not None:
                    known = _compiled_run_tags(sentence)
                if known is None:
                    known = tuple((pair.word, pair.flag) for pair in super()._POSTokenizer__cut(sentence))
                self.unknown_runs[sentence] = known
            return (jieba.posseg.pair(word, flag) for word, flag in known)

    return UnknownRunRememberingTagger


def _compiled_run_tags(run: str) -> tuple[tuple[str, str], ...] | None:
    """The words and tags jieba's POS HMM gives an unknown run, from jieba-fast-dat's C++ Viterbi search; None
    when jieba's own search is to be used (a character the model has no states for; an unfinished last word whose
    tag cannot be told for sure, `_unfinished_word_tag`)."""
    if not _compiled_pos_model().issuperset(run):
        return None  # a character the model has no states for (鄠): jieba tries every state, the C++ search does not
    probability, pairs = _fast_jieba()._posseg_viterbi_cpp(run)
    words = tuple((pair.word, pair.flag) for pair in pairs)
    covered = sum(len(word) for word, _ in words)
    if covered == len(run):
        return words
    flag = _unfinished_word_tag(run, words, probability)
    return None if flag is None else (*words, (run[covered:], flag))


# How close (relative) two path probabilities may be before the tag of an unfinished word is left to jieba's search:
# the C++ search adds the same terms in another order, so its sums may differ from jieba's in the last bits.
PATH_PROBABILITY_TOLERANCE = 1e-9


def _unfinished_word_tag(run: str, words: tuple[tuple[str, str], ...], probability: float) -> str | None:
    """The tag of the word jieba's POS HMM leaves unfinished at the end of a run, or None when unsure.

    When the best path ends inside a word (in a B or M state, 在横 → 在/p 横…), jieba tags the rest of the run as
    one word with that state's tag; jieba-fast-dat's C++ search returns the finished words only. In jieba's model a
    word's states all carry one tag (B-x goes on to M-x or E-x only), so the best path is the C++ search's words
    followed by B-t (M-t …) for some tag t: the one whose path, summed in jieba's order, is most probable. It must
    match the search's own probability and beat every other tag clearly; otherwise jieba's search decides."""
    from jieba.posseg import emit_P as emit_p
    from jieba.posseg import start_P as start_p
    from jieba.posseg import trans_P as trans_p
    from jieba.posseg.viterbi import MIN_FLOAT, MIN_INF

    def extended(total, previous, chars, states):
        """A path's log probability (and last state) carried on over `chars` in `states`, summed as jieba sums."""
        for char, state in zip(chars, states):
            emit = emit_p[state].get(char, MIN_FLOAT)
            total = start_p[state] + emit if previous is None else \
                total + trans_p[previous].get(state, MIN_INF) + emit
            previous = state
        return total, previous

    states = [state for word, flag in words for state in _word_states(len(word), flag)]
    total, previous = extended(None, None, run, states)
    rest = run[len(states):]
    scored = []
    for state in trans_p:
        if state[0] != "B":
            continue
        tail = [state] + [("M", state[1])] * (len(rest) - 1)
        scored.append((extended(total, previous, rest, tail)[0], state[1]))
    scored.sort(reverse=True)
    best, runner_up = scored[0][0], scored[1][0]
    margin = PATH_PROBABILITY_TOLERANCE * abs(probability)
    if abs(best - probability) > margin or best - runner_up <= margin:
        return None
    return scored[0][1]


def _word_states(length: int, flag: str) -> list[tuple[str, str]]:
    """The HMM states of a finished word of `length` characters tagged `flag`: S, or B M… E."""
    if length == 1:
        return [("S", flag)]
    return [("B", flag)] + [("M", flag)] * (length - 2) + [("E", flag)]


@lru_cache(maxsize=1)
def _compiled_pos_model() -> frozenset[str]:
    """jieba's POS HMM tables handed to jieba-fast-dat's C++ Viterbi search (once per process); the characters
    the model knows."""
    import jieba.posseg

    _fast_jieba().load_hmm_model(jieba.posseg.start_P, jieba.posseg.trans_P, jieba.posseg.emit_P,
                                 jieba.posseg.char_state_tab_P)
    return frozenset(jieba.posseg.char_state_tab_P)


def pos_cut(text: str) -> list[tuple[str, str]]:
    """(word, POS flag) pairs of folded `text`, in order; the words concatenate back to the folded text.

    jieba's tagger cuts each block (a run of word characters, or what lies between two runs) on its own, so a
    text's tags are its blocks' tags in order: each block is tagged once per process, whichever text asks (the
    document's places, then the same sentences and windows in case extraction), and the result is the same."""
    pos_tagger()
    pairs: list[tuple[str, str]] = []
    for block in _pos_blocks.split(fold(text)):
        if block:
            pairs += _pos_cut_block(block)
    return pairs


@lru_cache(maxsize=POS_BLOCK_CACHE_SIZE)
def _pos_cut_block(block: str) -> tuple[tuple[str, str], ...]:
    tagger = pos_tagger()
    compiled = getattr(tagger.tokenizer, "compiled", None)
    if compiled is not None and _pos_blocks.fullmatch(block):
        return _compiled_pos_cut(tagger, compiled, block)
    return tuple((pair.word, pair.flag) for pair in tagger.cut(block))


def _compiled_pos_cut(tagger: jieba.posseg.POSTokenizer, compiled, block: str) -> tuple[tuple[str, str], ...]:
    """jieba's POS cut of one block of word characters (`POSTokenizer.__cut_DAG`, its HMM on), step for step, over
    the route jieba-fast-dat computes in one C++ call: bulk work cuts each new block once (the places of every
    run naming one, the windows around local names), and jieba's generators and `pair` objects per word were
    most of that cut's cost. A run of one-character words is tagged as jieba tags it: alone, by the dictionary
    when the run is a word, else by the HMM (`__cut_detail`, which the tagger remembers per run)."""
    tagger.makesure_userdict_loaded()
    tokenizer = tagger.tokenizer
    ends: list[int] = []  # ends[x]: index of the last character of the best route's word starting at x
    _fast_jieba()._get_DAG_and_calc(compiled, block, ends, float(tokenizer.total))
    tags, counts = tagger.word_tag_tab, tokenizer.FREQ
    pairs: list[tuple[str, str]] = []

    def tag_singles(run: str) -> None:  # jieba's `buf` of one-character words
        if len(run) == 1:
            pairs.append((run, tags.get(run, "x")))
        elif not counts.get(run):
            pairs.extend((pair.word, pair.flag) for pair in tagger._POSTokenizer__cut_detail(run))
        else:
            pairs.extend((char, tags.get(char, "x")) for char in run)

    singles_from = start = 0
    while start < len(block):
        end = ends[start] + 1
        if end - start > 1:
            if singles_from < start:
                tag_singles(block[singles_from:start])
            word = block[start:end]
            pairs.append((word, tags.get(word, "x")))
            singles_from = end
        start = end
    if singles_from < len(block):
        tag_singles(block[singles_from:])
    return tuple(pairs)


# A letter, digit or CJK character. The method itself, not a function calling it: analysis asks this of every
# character it indexes, and `map(is_word_char, word)` then runs at C speed.
is_word_char = str.isalnum


def tokens(source: str) -> list[tuple[str, int, int]]:
    """jieba's (word, start, end) over folded `source` (what its `tokenize` gives): `cut_words` with each word's
    offsets."""
    words, bounds = cut_words(source)
    return list(zip(words, bounds, bounds[1:]))


def cut_words(source: str) -> tuple[list[str], list[int]]:
    """jieba's words over folded `source`, fed in pieces of at most MAX_SEGMENT_CHARS, and their bounds: word i is
    `source[bounds[i]:bounds[i + 1]]`.

    jieba's `cut` split into blocks here, with its own patterns: a block of Chinese characters, letters, digits
    and `+#&._%-` is cut by the tokenizer (`_Tokenizer__cut_DAG`, in C++ in bulk work); anything else is one
    token per character, `\\r\\n` one token. Done in one loop rather than through `tokenize` and `cut`, two
    generators a word passes through in Python, which cost as much as the compiled cut itself; the bounds are
    summed at C speed, not word by word."""
    blocks, spaces = _cut_patterns()
    cut_block = segmenter()._Tokenizer__cut_DAG
    words: list[str] = []
    extend = words.extend
    for piece in _pieces(source):
        for index, block in enumerate(blocks.split(piece)):
            if index % 2:  # the pattern's matches, between what it skipped
                extend(cut_block(block))
            elif "\r\n" in block:
                extend(part for chunk in spaces.split(block) for part in ((chunk,) if chunk == "\r\n" else chunk))
            else:
                extend(block)  # one token per character (none for an empty block)
    return words, list(accumulate(map(len, words), initial=0))


@lru_cache(maxsize=1)
def _cut_patterns() -> tuple[re.Pattern, re.Pattern]:
    """jieba's patterns for `cut`: the blocks it segments, and the whitespace it keeps whole between them."""
    jieba = _import_jieba()
    return jieba.re_han_default, jieba.re_skip_default


def _pieces(source: str) -> Iterator[str]:
    """`source` in pieces of at most MAX_SEGMENT_CHARS, each cut after a non-word character where there is one."""
    offset = 0
    while offset < len(source):
        end = min(offset + MAX_SEGMENT_CHARS, len(source))
        if end < len(source):
            cut = next((i for i in range(end - 1, offset + MAX_SEGMENT_CHARS // 2, -1)
                        if not is_word_char(source[i])), None)
            end = cut + 1 if cut is not None else end
        yield source[offset:end]
        offset = end


def is_known(word: str) -> bool:
    """Whether the dictionary (jieba's own plus ours) has `word`."""
    return bool(segmenter().FREQ.get(fold(word)))
