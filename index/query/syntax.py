"""User query text → a Whoosh query, filters and the strings to highlight.

Syntax: parts separated by spaces are ANDed; "quoted phrases" match exactly; OR between two parts; NOT or a
leading - excludes; field filters place:威海 type:policy year:2023 (or year:2020-2023) source:文件名 narrow
the result.

How one unquoted part matches (the relevance rules, each weaker than the one before):
- its words as words in title, headings or body (field weights live in the schema: title > heading > body);
- their synonyms from ingest/text/data/synonyms.txt (业委会 finds 业主委员会), weighted below the literal word;
- a place name also matches the passages of documents about that place (Document.places), so 湖州 红色物业
  finds a 湖州 article's passage that never repeats the city's name;
- its dictionary parts near each other (物业行业党委 finds 物业行业委员会…党委书记), weighted lower still; for a
  query of that one word, also its parts anywhere in the passage (PARTS_WEIGHT);
- the grams fallback: the part as a character substring, for strings the dictionary does not know (names,
  two characters that are no word such as 业委) and one-character queries, weighted lowest (schema boost).
A part of two or more words needs any of them, scored with coordination: the passage's score is scaled by the
share of the words it has, so passages with every word come first, then those with most, and a rare or unknown
word never empties the list (one-character words such as 用 in 维修基金怎么用 only add a bonus). Without
coordination (`--ablate coord`) a part of two words needs both and a longer one any of its words, unscaled.
The words of the best first-pass passages are then added below the user's words (pseudo-relevance feedback,
index/results/feedback.py).
Words that stand close together in a passage, in the order typed (stop words included), earn a proximity bonus.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from index.analysis import analyze, components, gram_phrases, is_cjk, query_words
from index.engine import nodes as q
from index.query.filters import Filters, QuerySyntaxError, check_year  # Filters, QuerySyntaxError: re-exported
from ingest.places import find_mentions
from ingest.text.fold import fold
from ingest.text.segmenter import is_known
from ingest.text.synonyms import synonyms_of

# lead: a clause's defining lead (index/engine/schema.py); aside: captions, bylines, furniture (ranked lower)
WORD_FIELDS = ("title", "heading", "lead", "body", "aside")
PROXIMITY_FIELDS = ("title", "body")
SUBSTRING_FIELDS = ("title", "body", "aside")  # the text a substring is looked for in (as the grams hold it)
SYNONYM_WEIGHT = 0.6  # a synonym is good evidence, but the word the user typed is better
SHOULD_MATCH_FROM = 3  # without coordination, a part of this many words (stop words count) makes its words optional
PROXIMITY_SLOP = 4  # words may be this many positions apart to earn the proximity bonus
PROXIMITY_WEIGHT = 0.5
COMPONENT_WEIGHT = 0.3  # a compound's parts found apart are weaker evidence than a synonym
# A query of one compound word also finds its parts apart (行业党委 … 物业企业 for 物业行业党委), weighted below the
# parts near each other. Only alone: in a question the other words rank the passages, and a compound's scattered
# parts counted as the word found lowered the policy samples' dev nDCG@10 (0.656 → 0.637); alone, they raised the
# fixtures' dev document recall@10 (0.985 → 0.994: the documents FTS5 found by one part).
PARTS_WEIGHT = 0.15
# ... while the compound itself is in fewer passages than this: a page of answers or more has enough of its own, and
# the parts of a common compound (物业 of 物业服务企业) are the index's longest postings.
PARTS_BELOW = 30
COMPONENT_SLOP = 6  # how far apart (in words) a compound's parts may stand
MIN_COMPOUND = 4  # shorter words are not split into parts
PLACE_SCORE = 1.0  # a constant: the document being about a place is evidence, but less than the passage saying it
SHORT_QUERY = 1  # a one-character part also matches inside words (a known longer word already does, by sub-words)
# A substring found inside a longer indexed word, scored as that word at this weight: the fallback ranks below
# word matches (as the grams field's schema boost does).
SUBSTRING_WEIGHT = 0.25
MAX_GRAM_PHRASE = 12  # longer unquoted parts are sentences, not names: no substring fallback for the whole
FILTER_ALIASES = {
    "place": "place", "地区": "place", "地点": "place",
    "type": "type", "类型": "type",
    "year": "year", "年份": "year",
    "source": "source", "来源": "source",
}
TOKEN = re.compile(r'"([^"]*)"|“([^”]*)”|(\S+)')
AND_WORDS = ("AND", "&&", "且")
OR_WORDS = ("OR", "||", "或")
NOT_WORDS = ("NOT", "非")


@dataclass(frozen=True)
class QueryOptions:
    """Switches for the relevance evaluation: each shows what its part adds."""

    synonyms: bool = True
    grams: bool = True
    relaxed: bool = False  # every word optional (more words matched rank higher): the retry when nothing matches all
    coordination: bool = True  # words optional, scaled by the share matched (index/engine/coordination.py)
    # Pseudo-relevance feedback (index/results/feedback.py): off by default since BM25F pooling and idf-weighted
    # coordination: on, it lowers nDCG@10, MRR and recall@10 on both dev halves, at 1.5-2x a question's latency
    # (docs/search.md). `redprop eval --enable prf` measures it.
    prf: bool = False
    related: bool = True  # related terms learned from the corpus, added below the user's words (index/results/)
    # Neighbouring clauses (index/results/neighbours.py): off by default: better on both dev halves, slightly worse
    # on the real regulations' test half (docs/search.md). `redprop eval --enable neighbours` measures it.
    neighbours: bool = False
    # A clause whose opening sentence names the question's words raised (index/results/openings.py).
    openings: bool = True
    # Counterpart clauses (index/results/counterparts.py): clauses of other regulations that read like the question's
    # best clauses raised. Off: within 0.005 of shipped on both dev halves (docs/search.md). `--enable counterparts`.
    counterparts: bool = False
    # More like these (index/results/more_like.py): clauses found by a second query made of the question's best
    # clauses' words, brought in below its strong matches. Off: a small gain on the policy samples' dev half did not
    # hold on the test halves (docs/relevance.md). `redprop eval --enable morelike` measures it.
    more_like: bool = False


@dataclass
class ParsedQuery:
    query: q.Query | None
    filters: Filters
    highlights: list[str]
    excludes: bool = False  # has NOT parts: an expansion must not bring back what the user excluded
    question: bool = False  # a part of SHOULD_MATCH_FROM or more words: phrased by the user, worth expanding
    words: list[str] = field(default_factory=list)  # the words searched for (no filters, phrases or exclusions)


def weighted_words(words: list[tuple[str, float]]) -> q.Query:
    """Words added to a query (feedback), each at its own weight, in the body only: a title or heading holding an
    added word would lift every passage under it (measured on the dev halves: recall lower in all fields)."""
    return q.Or([q.Term("body", word, boost=weight) for word, weight in words])


def leveled(query: q.Query) -> q.Query:
    """A query on one field, as passages see it: a document-level field (the title, indexed once per document)
    through the passages' document record; a field both levels hold on either."""
    name = query.field()
    if name in q.DOCUMENT_FIELDS:
        return q.InDocument(query)
    if name in q.SHARED_FIELDS:
        return q.Or([query, q.InDocument(query)])
    return query


def fields_query(words: list[str], boost: float = 1.0) -> q.Query:
    """One word, or a run of words as a phrase, in any text field: a word scored once over all of them
    (index/engine/bm25f.py), a phrase in each field."""
    if len(words) == 1:
        return q.FieldedTerm(WORD_FIELDS, [(words[0], 1.0)], boost=boost)
    return q.Or([leveled(q.Phrase(name, words, boost=boost)) for name in WORD_FIELDS])


def substring_query(text: str) -> q.Query | None:
    """`text` as a character substring: inside an indexed word (from the term dictionary: 人民共和国 in
    中华人民共和国), or in the grams kept where jieba is unsure (names it cut into characters), at the fallback's
    weight. None when `text` is empty."""
    grams = grams_query(text)
    if grams is None:
        return None
    runs = gram_phrases(text)
    if len(runs) != 1:  # several runs (spaces, punctuation between): only the grams can place them together
        return grams
    run = "".join(runs[0][:1]) + "".join(gram[1:] for gram in runs[0][1:])
    inside = [leveled(q.Contains(name, run, boost=SUBSTRING_WEIGHT)) for name in SUBSTRING_FIELDS]
    return q.Or([grams, *inside])


def grams_query(text: str) -> q.Query | None:
    """`text` as a character substring in the fallback field: each run of characters as its consecutive
    bigrams; a run of one character as the prefix of a bigram (or of the lone last character of a run)."""
    parts = [q.Prefix("grams", run[0]) if len(run[0]) == 1 else q.Term("grams", run[0]) if len(run) == 1
             else q.Phrase("grams", run) for run in gram_phrases(text)]
    if not parts:
        return None
    return leveled(parts[0] if len(parts) == 1 else q.And(parts))


def main_words(text: str) -> list[str]:
    return [term.text for term in analyze(text) if term.main]


def word_query(word: str, options: QueryOptions, short: bool = False, alone: bool = False
               ) -> tuple[q.Query, list[str]]:
    """One analysed word with its synonyms and substring fallback; returns the query and what to highlight.

    The substring fallback is for words the dictionary does not know (names) and for `short` queries of one
    character, which users mean as "anywhere"; a known word already matches inside longer words
    through the sub-words the analyzer indexes, and counting it again as characters only adds noise.
    """
    pooled = [(word, 1.0)]  # the word and its one-word synonyms: one BM25F frequency (index/engine/bm25f.py)
    alternatives: list[q.Query] = []
    marks = [word]
    if options.synonyms:
        for synonym in synonyms_of(word):
            words = main_words(synonym)
            if len(words) == 1:
                pooled.append((words[0], SYNONYM_WEIGHT))
            elif words:
                alternatives.append(fields_query(words, SYNONYM_WEIGHT))
            if words:
                marks.append(synonym)
    alternatives.insert(0, q.FieldedTerm(WORD_FIELDS, list(dict.fromkeys(pooled)), boost=1.0))
    place = place_query(word)
    if place is not None:
        alternatives.append(place)
    parts = components(word) if len(word) >= MIN_COMPOUND else []
    if parts:
        alternatives.append(
            q.Or([leveled(q.Phrase(name, parts, slop=COMPONENT_SLOP, boost=COMPONENT_WEIGHT)) for name in WORD_FIELDS])
        )
        if alone:  # nothing else to rank by: the parts anywhere in the passage, most parts first
            apart = q.CoordinatedOr([q.FieldedTerm(WORD_FIELDS, [(part, 1.0)], boost=PARTS_WEIGHT) for part in parts])
            alternatives.append(q.WhenRare(q.FieldedTerm(WORD_FIELDS, [(word, 1.0)]), apart, PARTS_BELOW))
    if options.grams and (short or not is_known(word)):
        fallback = substring_query(word)
        if fallback is not None:
            alternatives.append(fallback)
    return (alternatives[0] if len(alternatives) == 1 else q.Or(alternatives)), marks


class ConstantScore(q.ConstantScoreQuery):
    """Whoosh's ConstantScoreQuery lacks the `boost` that Or.normalize() reads from every child."""

    boost = 1.0


def place_query(word: str) -> q.Query | None:
    """Documents about the place `word` names in full (湖州 → 湖州市), or None when it names no place."""
    names = [m.division.name for m in find_mentions(word) if m.start == 0 and m.end == len(word)]
    if not names:
        return None
    return ConstantScore(q.Or([q.Term("places", name) for name in names]), PLACE_SCORE)


def is_weak(word: str) -> bool:
    """A one-character Chinese word (用, 坏): too common to require, still worth a bonus where it occurs."""
    return len(word) == 1 and is_cjk(word)


def text_query(text: str, options: QueryOptions, whole: bool = False) -> tuple[q.Query | None, list[str]]:
    """One unquoted part of the query (see the module docstring for how its words combine); `whole`: the query has
    no other part (a compound alone then also finds its parts apart)."""
    words = list(dict.fromkeys(query_words(text)))
    if not words:
        return None, []
    strong = [word for word in words if not is_weak(word)] or words
    typed = main_words(text)  # stop words included: 怎么办 makes a question of 老旧小区没有物业
    short = len(fold(text).strip()) <= SHORT_QUERY
    built = [word_query(word, options, short, alone=whole and len(strong) == 1) for word in strong]
    parts = [part for part, _ in built]
    marks = [mark for _, part_marks in built for mark in part_marks]
    if len(parts) == 1:
        core = parts[0]
    elif options.coordination or options.relaxed or len(typed) >= SHOULD_MATCH_FROM:
        core = any_of(parts, options)
    else:
        core = q.And(parts)
    folded = fold(text)
    if options.grams and len(words) > 1 and len(folded) <= MAX_GRAM_PHRASE and all(map(is_cjk, folded)):
        whole = substring_query(folded)
        if whole is not None:
            core = q.Or([core, whole])
    as_words = replace(options, grams=False)  # a bonus word matches as a word or synonym, not as a character
    bonus: list[q.Query] = [word_query(word, as_words)[0] for word in words if word not in strong]
    if len(typed) > 1:
        bonus += [leveled(q.Phrase(name, typed, slop=PROXIMITY_SLOP, boost=PROXIMITY_WEIGHT))
                  for name in PROXIMITY_FIELDS]
    if bonus:
        core = q.AndMaybe(core, q.Or(bonus))
    return core, marks


def phrase_query(text: str, options: QueryOptions) -> tuple[q.Query | None, list[str]]:
    folded = fold(text).strip()
    if not folded:
        return None, []
    words = main_words(folded)
    alternatives: list[q.Query] = [fields_query(words)] if words else []
    fallback = substring_query(folded) if options.grams or not words else None
    if fallback is not None:
        alternatives.append(fallback)
    if not alternatives:
        return None, []
    return (alternatives[0] if len(alternatives) == 1 else q.Or(alternatives)), [folded]


def parse_query(text: str, filters: Filters | None = None, options: QueryOptions | None = None) -> ParsedQuery:
    filters = filters or Filters()
    options = options or QueryOptions()
    clauses: list[list[q.Query]] = [[]]  # OR of ANDs
    highlights: list[str] = []
    words: list[str] = []
    negate = False
    question = False
    whole = len(_search_parts(text or "")) == 1
    for match in TOKEN.finditer(text or ""):
        phrase = match.group(1) if match.group(1) is not None else match.group(2)
        word = match.group(3)
        if phrase is None and word in AND_WORDS:
            continue
        if phrase is None and word in OR_WORDS:
            clauses.append([])
            continue
        if phrase is None and word in NOT_WORDS:
            negate = True
            continue
        if phrase is None and word.startswith("-") and len(word) > 1:
            negate, word = True, word[1:]
        if phrase is None and ":" in word.replace(":", ":"):
            name, _, value = word.replace(":", ":").partition(":")
            if name.lower() in FILTER_ALIASES:
                if not value:
                    raise QuerySyntaxError(f"筛选条件 {name}: 后面缺少取值,例如 place:威海")
                _add_filter(filters, FILTER_ALIASES[name.lower()], value)
                continue
        built, marks = phrase_query(phrase, options) if phrase is not None else text_query(word, options, whole)
        question = question or (phrase is None and not negate and len(main_words(word)) >= SHOULD_MATCH_FROM)
        if phrase is None and not negate:
            words += query_words(word)
        if built is None:
            negate = False
            continue
        if negate:
            clauses[-1].append(q.Not(built))
        else:
            clauses[-1].append(built)
            highlights += marks
        negate = False
    groups = [group for group in clauses if group]
    if not groups:
        return ParsedQuery(None, filters, highlights)
    if any(all(isinstance(part, q.Not) for part in group) for group in groups):
        raise QuerySyntaxError("查询不能只有排除条件(NOT/-),请再给出要查找的词")
    ands = [combine(group, options) for group in groups]
    excludes = any(isinstance(part, q.Not) for group in groups for part in group)
    return ParsedQuery(ands[0] if len(ands) == 1 else q.Or(ands), filters, highlights, excludes, question,
                       list(dict.fromkeys(words)))


def _search_parts(text: str) -> list[str]:
    """The query's parts other than operators and field filters (exclusions included)."""
    parts = []
    for match in TOKEN.finditer(text):
        word = match.group(3)
        if word is not None and (word in AND_WORDS or word in OR_WORDS or word in NOT_WORDS or (
                ":" in word.replace("：", ":") and word.replace("：", ":").partition(":")[0].lower() in FILTER_ALIASES)):
            continue
        parts.append(match.group(0))
    return parts


def any_of(parts: list[q.Query], options: QueryOptions) -> q.Query:
    return q.CoordinatedOr(parts) if options.coordination else q.Or(parts)


def combine(group: list[q.Query], options: QueryOptions) -> q.Query:
    """The parts between ORs: all required, or when relaxed any of them (exclusions stay required)."""
    if len(group) == 1:
        return group[0]
    if not options.relaxed:
        return q.And(group)
    wanted = [part for part in group if not isinstance(part, q.Not)]
    excluded = [part.query for part in group if isinstance(part, q.Not)]
    core = wanted[0] if len(wanted) == 1 else any_of(wanted, options)
    return q.AndNot(core, q.Or(excluded)) if excluded else core


def _add_filter(filters: Filters, name: str, value: str) -> None:
    if name == "place":
        filters.places.append(value)
    elif name == "year":
        filters.years.append(check_year(value))
    elif name == "type":
        filters.doc_types.append(value)
    elif name == "source":
        filters.sources.append(value)
