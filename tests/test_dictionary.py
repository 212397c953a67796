"""The memory-mapped dictionary cuts exactly as jieba's in-memory one, and its files are rebuilt when unusable."""
import random
import re
from pathlib import Path

import pytest

from ingest.text import dictionary, segmenter
from ingest.text.dictionary import Dictionary

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_FOLDERS = ["tests/relevance/fixtures", "tests/devset/fixtures", "corpus"]
SAMPLES = 2000  # random windows; with the ~800 fixture sentences, a few thousand strings


@pytest.fixture(scope="module")
def full():
    return segmenter.dictionary_in_memory()


@pytest.fixture(scope="module")
def on_disk():
    return segmenter.dictionary_on_disk()


def varied_strings() -> list[str]:
    """Sentences of the repo's fixture texts, random windows across sentence ends, and odd mixtures."""
    from ingest.text.fold import fold

    text = fold("\n".join(path.read_text(encoding="utf-8") for folder in FIXTURE_FOLDERS
                          for path in sorted((ROOT / folder).rglob("*")) if path.suffix in {".md", ".txt"}))
    rng = random.Random(18)
    sentences = [s for s in re.split(r"(?<=[。!?;\n])", text) if s.strip()]
    windows = []
    for _ in range(SAMPLES):
        start = rng.randrange(len(text))
        windows.append(text[start : start + rng.choice([2, 3, 5, 8, 13, 40])])
    odd = ["", " ", "业委会", "abc物业123号楼", "未登录的人名张三丰和李四光", "红色物业" * 50, "的的的的", "12.5%",
           "在鄠邑区路社区"]  # 鄠: a character jieba's POS model has no states for
    return sentences + windows + odd


def test_the_files_hold_the_full_dictionary(full, on_disk):
    assert on_disk.frequencies.to_dict() == full.frequencies  # every word and prefix, with its count
    assert on_disk.total == full.total
    assert on_disk.tags == full.tags


def test_cuts_are_identical_both_ways(full, on_disk):
    from_disk, from_memory = segmenter.tokenizer_for(on_disk), segmenter.tokenizer_for(full)
    strings = varied_strings()
    assert len(strings) > SAMPLES + 500
    for text in strings:
        assert list(from_disk.tokenize(text, HMM=True)) == list(from_memory.tokenize(text, HMM=True)), text
        assert from_disk.lcut(text, HMM=False) == from_memory.lcut(text, HMM=False), text
        assert from_disk.lcut_for_search(text) == from_memory.lcut_for_search(text), text


def test_compiled_routes_cut_as_jieba_does(full):
    """Bulk work's compiled word graph and route (C++, jieba-fast-dat) give jieba's own cuts: plain (with and
    without the HMM), for search, and POS-tagged, on the same dictionary."""
    import jieba
    import jieba.posseg

    compiled = segmenter.tokenizer_for(full)
    compiled.compile_routes()
    own = jieba.Tokenizer()
    own.FREQ, own.total, own.initialized = full.frequencies, full.total, True
    own.user_word_tag_tab = dict(full.tags)
    compiled_tagger, own_tagger = jieba.posseg.POSTokenizer(compiled), jieba.posseg.POSTokenizer(own)
    for text in varied_strings():
        assert list(compiled.tokenize(text, HMM=True)) == list(own.tokenize(text, HMM=True)), text
        assert compiled.lcut(text, HMM=False) == own.lcut(text, HMM=False), text
        assert compiled.lcut_for_search(text) == own.lcut_for_search(text), text
        assert [tuple(p) for p in compiled_tagger.cut(text)] == [tuple(p) for p in own_tagger.cut(text)], text


def test_bulk_pos_cut_tags_as_jieba_does(full):
    """Bulk work's POS cut (`pos_cut` once the words are compiled: jieba's loop over the C++ route, without its
    generators) gives jieba's own tagger's words and tags, one-character runs and unknown names included."""
    import jieba
    import jieba.posseg

    own = jieba.Tokenizer()
    own.FREQ, own.total, own.initialized = full.frequencies, full.total, True
    own.user_word_tag_tab = dict(full.tags)
    own_tagger = jieba.posseg.POSTokenizer(own)
    segmenter.load_dictionary_into_memory()
    assert segmenter.pos_tagger().tokenizer.compiled is not None
    for text in varied_strings():
        assert segmenter.pos_cut(text) == [(p.word, p.flag) for p in own_tagger.cut(text)], text


def test_compiled_hmm_tags_unknown_runs_as_jieba_does():
    """jieba-fast-dat's C++ search over jieba's POS model gives jieba's words and tags for every run it covers
    (runs of the fixtures, names among them), a last word left unfinished (在横: the best path ends inside a word)
    included; a run it does not cover is left to jieba."""
    import jieba.posseg

    plain = jieba.posseg.POSTokenizer(segmenter.segmenter())
    runs = sorted({run[start : start + size] for text in varied_strings()[:250]
                   for run in re.findall("[\u4e00-\u9fff]+", text)
                   for start in range(0, len(run), 7) for size in (2, 3, 5)})
    covered = unfinished = 0
    for run in runs:
        tags = segmenter._compiled_run_tags(run)
        if tags is not None:
            covered += 1
            unfinished += sum(len(pair.word) for pair in segmenter._fast_jieba()._posseg_viterbi_cpp(run)[1]) < len(run)
            assert list(tags) == [(p.word, p.flag) for p in plain._POSTokenizer__cut(run)], run
    assert covered > len(runs) * 0.9 and unfinished > 50


def test_lookups_answer_as_the_dict_does(tmp_path):
    counts = {"物": 0, "物业": 120, "物业费": 30, "业": 15}  # 物: a prefix that is no word
    dictionary.write(tmp_path / "d", Dictionary(counts, 165, {"物业费": "n"}))
    words = dictionary.read(tmp_path / "d")
    for key in ["物", "物业", "物业费", "业", "业主", "", "物业费用"]:
        assert (key in words.frequencies) == (key in counts)
        assert words.frequencies.get(key) == counts.get(key)
        assert words.frequencies.get(key, 1) == counts.get(key, 1)
    assert words.frequencies["物业"] == 120
    with pytest.raises(KeyError):
        words.frequencies["业主"]
    assert sorted(words.frequencies) == sorted(counts)
    assert (words.total, words.tags) == (165, {"物业费": "n"})


def test_built_once_per_fingerprint(tmp_path, monkeypatch):
    monkeypatch.setattr(dictionary.tempfile, "tempdir", str(tmp_path))
    builds = []

    def build():
        builds.append(1)
        return Dictionary({"业": 0, "业委会": 9}, 9, {})

    first = dictionary.open_dictionary("abc", build)
    again = dictionary.open_dictionary("abc", build)
    assert len(builds) == 1
    assert first.frequencies.get("业委会") == again.frequencies.get("业委会") == 9
    dictionary.open_dictionary("another", build)
    assert len(builds) == 2
    assert len(list(tmp_path.iterdir())) == 2  # no staging folder left behind


@pytest.mark.parametrize("damage", ["truncated counts", "no trie", "garbled meta", "older format"])
def test_unusable_files_are_rebuilt(tmp_path, monkeypatch, damage):
    """A folder left half-written by a killed process, or by another version, is replaced, not trusted."""
    monkeypatch.setattr(dictionary.tempfile, "tempdir", str(tmp_path))
    counts = {"物": 0, "物业": 120}
    dictionary.open_dictionary("f", lambda: Dictionary(counts, 120, {}))
    folder = dictionary.cache_folder("f")
    if damage == "truncated counts":
        (folder / dictionary.COUNTS_FILE).write_bytes(b"\0\0\0\0")
    elif damage == "no trie":
        (folder / dictionary.WORDS_FILE).unlink()
    elif damage == "garbled meta":
        (folder / dictionary.META_FILE).write_text("{", encoding="utf-8")
    else:
        (folder / dictionary.META_FILE).write_text('{"format": 0}', encoding="utf-8")
    rebuilt = dictionary.open_dictionary("f", lambda: Dictionary(counts, 120, {}))
    assert rebuilt.frequencies.get("物业") == 120 and rebuilt.frequencies.get("物") == 0


def test_an_edited_user_dictionary_gets_new_files(tmp_path, monkeypatch):
    before = segmenter.dictionary_fingerprint()
    edited = tmp_path / "userdict.txt"
    edited.write_text(segmenter.USER_DICTIONARY.read_text(encoding="utf-8") + "\n楼道议事会 n\n", encoding="utf-8")
    monkeypatch.setattr(segmenter, "USER_DICTIONARY", edited)
    assert segmenter.dictionary_fingerprint() != before


def test_loaded_into_memory_cuts_the_same():
    text = "党建引领红色物业,业委会与物业服务企业共商小区治理"
    before = list(segmenter.tokens(text))
    segmenter.load_dictionary_into_memory()
    assert isinstance(segmenter.segmenter().FREQ, dict)
    assert list(segmenter.tokens(text)) == before


def test_tokens_are_jiebas_tokenize():
    """`tokens` splits blocks itself instead of going through jieba's `tokenize`: the same words and offsets, on
    the fixtures' sentences, whitespace jieba keeps whole (\\r\\n) and a text longer than one piece, with the
    dictionary as a trie and in memory (compiled)."""
    strings = varied_strings()[:1500] + ["物业\r\n\r\r\n 业委会\t12.5%", "业主大会" * 1200]
    tokenizer = segmenter.segmenter()

    def jiebas(text):
        found, offset = [], 0
        for piece in segmenter._pieces(text):
            found += [(word, start + offset, end + offset) for word, start, end in tokenizer.tokenize(piece)]
            offset += len(piece)
        return found

    for _ in ("trie", "memory"):
        for text in strings:
            assert segmenter.tokens(text) == jiebas(text), text
        segmenter.load_dictionary_into_memory()


def test_an_unwritable_temp_folder_cuts_from_memory(tmp_path, monkeypatch):
    monkeypatch.setattr(dictionary.tempfile, "tempdir", str(tmp_path / "missing"))
    words = dictionary.open_dictionary("f", lambda: Dictionary({"物": 0, "物业": 120}, 120, {}))
    assert words.frequencies == {"物": 0, "物业": 120}


def test_remembered_unknown_runs_tag_as_jieba_does():
    """The tagger keeps the HMM's tags of each unknown run (names and the like): tagging the fixtures' sentences
    twice, so the second pass is all remembered, gives jieba's own tagger's pairs every time."""
    import jieba.posseg

    tagger = segmenter.pos_tagger()
    plain = jieba.posseg.POSTokenizer(segmenter.segmenter())
    plain.word_tag_tab = tagger.word_tag_tab  # the user dictionary's tags went to the first tagger made
    strings = varied_strings()[:1500]
    expected = [[(pair.word, pair.flag) for pair in plain.cut(text)] for text in strings]
    for _ in range(2):
        assert [[(pair.word, pair.flag) for pair in tagger.cut(text)] for text in strings] == expected
    assert tagger.unknown_runs  # the fixtures hold names jieba does not know
