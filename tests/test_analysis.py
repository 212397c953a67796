import pytest

from index.analysis import analyze, analyze_with_grams, gram_phrases, grams, query_words, term_positions


@pytest.mark.parametrize("text", [
    "中华人民共和国红色物业", "紅色物業與業主委員會", "ＡＢＣ物业１２３号,业账社管", "择\n\n优选楼栋长", "  ",
])
def test_offsets_point_at_the_original_characters(text):
    from ingest.text.fold import fold

    for term in analyze(text):
        assert 0 <= term.start < term.end <= len(text)
        assert fold(text[term.start:term.end]) == term.text


@pytest.mark.parametrize("word", ["红色物业", "红心物业", "业委会", "业主委员会", "物业服务企业", "党建引领",
                                  "楼栋长", "专项维修资金", "业账社管"])
def test_dictionary_terms_stay_whole(word):
    main = [t.text for t in analyze(f"我们推进{word}工作") if t.main]
    assert word in main


def test_subwords_share_the_position_of_their_word():
    terms = analyze("齐鲁红色物业建设")
    whole = next(t for t in terms if t.text == "齐鲁红色物业")
    inner = next(t for t in terms if t.text == "红色物业")
    assert inner.pos == whole.pos and not inner.main
    assert [t.pos for t in terms if t.main] == [0, 1]


def test_single_character_tokens_are_kept():
    assert "选" in [t.text for t in analyze("择优选楼栋长")]


def test_traditional_query_folds_to_simplified():
    assert query_words("紅色物業") == ["红色物业"]


def test_query_stop_words_dropped_but_not_everything():
    assert "怎么办" not in query_words("老旧小区没有物业怎么办")
    assert query_words("的") == ["的"]


def test_grams_give_substring_phrases():
    assert gram_phrases("人民共和国") == [["人民", "民共", "共和", "和国"]]
    assert gram_phrases("A栋 3号") == [["a栋"], ["3号"]]
    assert gram_phrases("楼") == [["楼"]]
    positions = {t.text: t.pos for t in grams("中华人民共和国")}
    assert positions["人民"] + 1 == positions["民共"]


def test_grams_index_each_character_once():
    """A character with its successor, the last of a run alone: one term per character."""
    assert [t.text for t in grams("共和国。A栋")] == ["共和", "和国", "国", "a栋", "栋"]


def test_pos_cut_tags_with_the_domain_dictionary():
    """Extraction's POS tags come from the one segmenter, so a domain word is one tagged noun, not pieces."""
    from ingest.text.segmenter import pos_cut

    pairs = pos_cut("推行红色物业，成立业委会")
    assert "".join(word for word, _ in pairs) == "推行红色物业,成立业委会"  # folded, nothing lost
    assert ("红色物业", "n") in pairs
    assert ("业委会", "n") in pairs


def test_pos_cut_tags_a_text_as_jieba_tags_it_whole():
    """pos_cut tags block by block (a block tagged for places is not tagged again for cases): the tags must be
    what jieba's tagger gives the whole text, across scripts, digits, spaces and punctuation."""
    from ingest.text.fold import fold
    from ingest.text.segmenter import pos_cut, pos_tagger

    text = "2023年，青河市东盛街道 双安社区推行“红色物业”：物业费由1.5元降到1.2元，APP报修率达98.5%。\n王某某说好"
    whole = [(pair.word, pair.flag) for pair in pos_tagger().cut(fold(text))]
    assert pos_cut(text) == whole
    assert pos_cut(text[9:30]) == [(pair.word, pair.flag) for pair in pos_tagger().cut(fold(text[9:30]))]


def test_conversion_skipped_only_for_text_opencc_leaves_alone():
    from ingest.text.fold import _T2S, _changing_chars

    changing = _changing_chars()
    assert changing is not None  # OpenCC's dictionaries were read
    # A phrase converts a character that alone stays (沈 alone, 深沈 → 深沉): the pattern finds it.
    assert changing.search("深沈") and _T2S.convert("深沈") == "深沉" and _T2S.convert("沈") == "沈"
    passed = "".join(chr(code) for code in range(0x10000)
                     if not 0xD800 <= code <= 0xDFFF and not changing.search(chr(code)))
    assert len(passed) > 50000 and _T2S.convert(passed) == passed
    assert all(_T2S.convert(char) == char for char in passed)


@pytest.mark.parametrize("text", [
    "物业服务企业应当在二〇二四年三月前向业主委员会公示公共收益和维修资金的使用情况。",
    "第十八条  业主大会会议可以采用集体讨论、书面征求意见等形式;Red-Property 2.0 版 abc123!",
    "  ……“红色物业”  \n\n 党建引领 物业 管理  ",
    "一二三四五六七八九十一二三四五六七八九十",  # a run longer than any word worth splitting
])
def test_a_passage_analysed_from_its_cut_has_the_terms_and_positions_of_analyze(text):
    """Ingest's workers take a passage's postings straight from its cut; Whoosh's own writer reads its terms.
    Both must be what `analyze` gives, or the two ways of writing a segment would index different things."""
    analysed, _ = analyze_with_grams(text)
    assert analysed.terms == analyze(text)
    assert list(analysed.positions().items()) == list(term_positions(analyze(text)).items())
