"""Extraction rules on text written for these tests (another city, other names), not on the seed pages."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.cases.build import extract_cases
from ingest.cases.metrics import find_metrics
from ingest.cases.people import anchored_matches, find_quotes, person_pattern, speaker_line, unlisted_pattern
from ingest.cases.places import (
    HAN_WORD,
    LOCAL_SUFFIX,
    PlaceBook,
    _block_around,
    _block_edge,
    _cannot_hold_name,
    _last_words,
    _no_name,
    _stem,
)
from ingest.cases.practices import find_practices, practice_key
from ingest.cases.text import sentences, tag
from ingest.models import Block, RawDocument
from ingest.parsers import parse_file
from ingest.structure import build_documents
from ingest.text.fold import fold
from ingest.text.segmenter import pos_cut

FIXTURE = Path(__file__).parent / "fixtures" / "cases_other_city.txt"


def one(text: str):
    return sentences(text, "p-1")


@pytest.fixture(scope="module")
def other_city_cases():
    documents = [d for raw in parse_file(FIXTURE, FIXTURE.read_bytes()) for d in build_documents(raw)]
    return [case for document in documents for case in extract_cases(document)]


def test_other_city_page_gives_one_case_per_locality(other_city_cases):
    chains = [case.place_chain for case in other_city_cases]
    assert ["安徽省", "合肥市", "蜀山区", "笔架山街道", "翠竹社区"] in chains
    assert ["安徽省", "合肥市", "包河区", "望湖街道"] in chains
    # the estate reports its own figures, so it is its own case under its community (issue 13)
    assert ["安徽省", "合肥市", "蜀山区", "笔架山街道", "翠竹社区", "青松苑小区"] in chains
    assert len(other_city_cases) == 3  # the sports brief is off-topic; the district lead is no case


def test_an_estate_case_hangs_under_its_community_case(other_city_cases):
    community = next(c for c in other_city_cases if c.place == "翠竹社区")
    estate = next(c for c in other_city_cases if c.place == "青松苑小区")
    assert estate.parent_case_id == community.case_id and estate.parent_place == "翠竹社区"
    assert community.children == [estate.case_id]
    assert next(c for c in other_city_cases if c.place == "望湖街道").parent_case_id is None


def test_other_city_case_holds_practices_figures_and_quote(other_city_cases):
    case = next(c for c in other_city_cases if c.place == "翠竹社区")
    assert {practice_key(p) for p in case.practices} >= {"邻里议事会", "一网三联工作法"}
    assert case.practice_kinds["“邻里议事会”"] == "body"
    estate = next(c for c in other_city_cases if c.place == "青松苑小区")
    rate = next(m for m in estate.metrics if "收缴率" in m.indicator)
    assert (rate.value, rate.unit, rate.previous) == (91, "%", 62)
    assert any(m.value == 95.6 and "满意率" in m.indicator for m in estate.metrics)
    assert [(q.speaker, q.role) for q in case.quotes] == [("陈晓梅", "翠竹社区党委书记")]
    assert case.title.startswith("蜀山区")


def test_district_wide_figures_stay_off_a_street_case(other_city_cases):
    street = next(c for c in other_city_cases if c.place == "望湖街道")
    assert any(m.value == 18 for m in street.metrics)
    values = {m.value for case in other_city_cases for m in case.metrics}
    assert 36 not in {m.value for m in street.metrics} and 98 not in {m.value for m in street.metrics}
    assert 30000 not in values  # the marathon's runners


def test_local_names_are_cut_from_their_context_and_nested():
    book = PlaceBook(["家住武汉市江岸区丹水池街道幸福社区的居民说,幸福社区的康乐小区已经换了物业。",
                      "老旧小区和示范小区都在增加。"])
    names = {node.name for key, node in book.nodes.items() if key.startswith("L:")}
    assert names == {"丹水池街道", "幸福社区", "康乐小区"}
    assert book.chain("L:康乐小区") == ["湖北省", "武汉市", "江岸区", "丹水池街道", "幸福社区", "康乐小区"]


def test_a_window_skipped_uncut_gives_no_name_when_cut():
    """local_mentions skips a window that ends in no Han character or in a generic ending no stem escapes without
    cutting it: cut, each such window of the fixtures' suffixes gives a stem it rejects."""
    skipped = 0
    for path in sorted(FIXTURE.parent.glob("cases_*.txt")):
        text = path.read_text(encoding="utf-8")
        for match in LOCAL_SUFFIX.finditer(text):
            for left in range(max(0, match.start() - 12), match.start() + 1):
                window = text[left : match.start()]
                if _cannot_hold_name(window):
                    skipped += 1
                    assert _no_name(_stem(window)) and _no_name(_stem(window, after_place=True)), window
    assert skipped > 100


def test_a_windows_last_words_are_its_own_after_a_break():
    """_stem cuts only a window's words after its last break: they are the whole window's last words, and the word
    before them is a break tagged x, where _stem stops."""
    shortened = 0
    for path in sorted(FIXTURE.parent.glob("cases_*.txt")):
        text = path.read_text(encoding="utf-8")
        for match in LOCAL_SUFFIX.finditer(text):
            window = text[max(0, match.start() - 12) : match.start()]
            last, words = _last_words(window), tag(window)
            assert words[len(words) - len(last) :] == last, window
            if len(last) < len(words):
                shortened += 1
                before, flag = words[len(words) - len(last) - 1]
                assert flag == "x" and not HAN_WORD.fullmatch(before), window
    assert shortened > 20


def test_a_block_is_cut_as_the_window_around_it_cuts_it():
    """is_place_mention cuts only the block of word characters that holds a division name's start: its words are
    the whole window's words there."""
    text = FIXTURE.read_text(encoding="utf-8")
    blocks = 0
    for window_start in range(0, len(text) - 12, 3):
        window = text[window_start : window_start + 12]
        folded, at = fold(window), 6
        start, block = _block_around(window, folded, at)
        if block == window:
            continue
        blocks += 1
        bounds = word_bounds(window, 0)
        assert word_bounds(block, start) == {b for b in bounds if start <= b <= start + len(block)}, window
    assert blocks > 50


def word_bounds(text: str, start: int) -> set[int]:
    """The offsets (from `start`) where the tagger's words of `text` begin and end."""
    offset, bounds = start, {start}
    for word, _ in tag(text):
        offset += len(word)
        bounds.add(offset)
    return bounds


def test_a_word_starts_at_every_block_edge():
    """is_place_mention does not cut the window around a name that starts or ends a block of word characters (after
    punctuation, a space, a line break): the segmenter cuts blocks on their own, so a word starts there."""
    text = FIXTURE.read_text(encoding="utf-8")
    starts, offset = set(), 0
    for word, _ in pos_cut(text):
        starts.add(offset)
        offset += len(word)
    edges = [at for at in range(len(text)) if _block_edge(fold(text), at)]
    assert len(edges) > 100 and set(edges) <= starts


def test_practice_names_by_quote_head_and_numbered_formula():
    found = find_practices(one("该街道推行“三长联治”模式,建立五方联动议事机制,实行“一岗双责”。两年来开展了一户一档登记。"))
    names = {practice_key(practice.name) for practice in found.values()}
    assert "三长联治模式" in names and "一岗双责" in names
    assert any("五方联动" in name for name in names)
    assert not any("一户一档登记" == name or "两年" in name for name in names)


def test_topic_slogans_are_not_practices():
    found = find_practices(one("打通服务“最后一公里”,让“红色物业”成为品牌。"))
    assert not found


def test_parallel_rates_pair_each_indicator_with_its_value():
    metrics = find_metrics(one("全县物业覆盖率、业主满意率分别达到85%、92.5%。"), "某县")
    pairs = {(m.indicator, m.value) for m in metrics}
    assert ("物业覆盖率", 85) in pairs and ("业主满意率", 92.5) in pairs


def test_counts_read_chinese_numerals_and_skip_dates_and_thresholds():
    metrics = find_metrics(one("2021年起共建成示范小区二十个,50人以上企业建立党组织,招募志愿者300余名。"), "某市")
    pairs = {(m.indicator, m.value) for m in metrics}
    assert ("示范小区", 20) in pairs and ("志愿者", 300) in pairs
    assert all(m.value not in (2021, 50) for m in metrics)


def test_quote_after_and_before_its_speaker():
    after = find_quotes("“有了议事会,大家心里都亮堂了。”康乐小区业委会主任李红说。", "p")
    before = find_quotes("社区党委书记王建国说:“我们把党支部建到了楼栋里。”", "p")
    assert [(q.speaker, q.role) for q in after] == [("李红", "康乐小区业委会主任")]
    assert before[0].speaker == "王建国" and "楼栋" in before[0].text


def test_speaker_line_introduces_a_testimony():
    person, words = speaker_line("江岸区丹水池街道幸福社区党委书记张敏:")
    assert person.name == "张敏" and person.role.endswith("党委书记") and words == ""
    joined = speaker_line("幸福社区党委书记张敏:我们把议事会开到了楼栋里。")
    assert joined is not None and joined[0].name == "张敏" and joined[1] == "我们把议事会开到了楼栋里。"
    assert speaker_line("社区党委书记张敏介绍了经验。") is None
    assert speaker_line("据介绍,社区党委书记张敏说:“开会。”") is None


def _document(text: str, **fields):
    raw = RawDocument("t.txt", "t.txt", [Block(line) for line in text.splitlines() if line.strip()], "txt")
    document = build_documents(raw)[0]
    for name, value in fields.items():
        setattr(document, name, value)
    return document


STORY = ("某市红色物业经验\n在成都市武侯区玉林街道芳草社区,社区党委推行“院落议事”机制,业委会和物业公司每月协商。\n"
         "芳草社区物业费收缴率达到96%,党支部覆盖全部12个小区。")


def test_article_marked_off_topic_yields_no_cases():
    assert extract_cases(_document(STORY))
    assert extract_cases(_document(STORY, on_topic=False)) == []
    assert extract_cases(_document(STORY, canonical_id="another-document")) == []


def test_regulations_yield_no_cases():
    rules = "\n".join(f"第{n}条 业主委员会应当在物业服务企业和社区党组织指导下履行职责,业主大会表决需过半数。"
                      for n in "一二三四五")
    document = _document("某市物业管理条例\n" + rules)
    assert str(document.doc_type) == "policy" and extract_cases(document) == []


def test_a_figure_about_another_city_stays_out():
    story = _document(STORY + "\n芳草社区的做法参考了杭州市,杭州市的收缴率为88%。")
    [case] = extract_cases(story)
    assert {m.value for m in case.metrics} == {96, 12}


def test_second_own_story_rates_in_words_and_two_streets():
    path = Path(__file__).parent / "fixtures" / "cases_nanning.txt"
    cases = [c for raw in parse_file(path, path.read_bytes()) for d in build_documents(raw) for c in extract_cases(d)]
    by_street = {case.place_chain[3]: case for case in cases}
    assert set(by_street) == {"新竹街道", "南湖街道"}
    community = by_street["新竹街道"]
    assert "七星社区" in community.place_chain
    figures = {(m.indicator, m.value) for m in community.metrics}
    assert ("物业费收缴率", 90) in figures and ("居民满意度", 96.5) in figures
    assert ("韦国强", "金湖小区业委会主任") in {(q.speaker, q.role) for q in community.quotes}
    assert {m.value for m in by_street["南湖街道"].metrics} == {100, 28}


PIECES = ["红色物业", "党支部", "业委会", "小区", "社区", "街道", "“", "”", "、", ",", "。", ":", "%", "12", "三",
          "万", "的", "说", "书记", "主任", "王", "长春市", "朝阳区", "第三条", "\n"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=120))
def test_any_text_gives_cases_whose_evidence_is_its_own(pieces):
    text = "".join(pieces)
    if not text.strip():
        return
    raw = RawDocument("t.txt", "t.txt", [Block(line) for line in ("标题\n" + text).splitlines() if line.strip()], "txt")
    for document in build_documents(raw):
        own = {p.passage_id for p in document.passages}
        _assert_own_evidence(extract_cases(document), own)


def _assert_own_evidence(cases, own: set[str]) -> None:
    for case in cases:
        assert {item["passage_id"] for item in case.evidence} <= own
        assert all(metric.passage_id in own for metric in case.metrics)


def test_an_estate_in_a_new_district_does_not_join_the_previous_street():
    document = _document(
        "两地红色物业见闻\n"
        "长春市宽城区柳影街道成立“红心物业”联盟,党支部牵头,业委会和物业企业每月协商,物业费收缴率达到90%。\n"
        "在长春市南关区,东电小区成立党员“红色管家团”,党支部带领业委会解决停车难,满意率达到88%。"
    )
    cases = {case.place: case for case in extract_cases(document)}
    assert cases["东电小区"].place_chain == ["吉林省", "长春市", "南关区", "东电小区"]
    assert [m.value for m in cases["东电小区"].metrics] == [88]
    assert [m.value for m in cases["柳影街道"].metrics] == [90]


def test_photo_captions_above_the_text_stay_out_of_the_card():
    document = _document("某市红色物业\n开展“邻里节”,小区面貌焕然一新。\n" + STORY.split("\n", 1)[1])
    [case] = extract_cases(document)
    card = " ".join([case.background, *case.measures, *case.results])
    assert "焕然一新" not in card and "院落议事" in card


def test_city_wide_figures_stay_off_an_estate_case():
    document = _document(
        "红色物业见闻\n"
        "成都市推行“红色物业”建设三年行动,全市党组织覆盖率达到95%,业委会组建率持续提高。\n"
        "在成都市武侯区玉林街道芳草社区,社区党委推行“院落议事”机制,业委会和物业公司每月协商,收缴率达到96%。"
        "据悉,今年我市推荐47个小区申报省级红色物业项目。"
    )
    cases = {case.place: case for case in extract_cases(document)}
    assert {m.value for m in cases["芳草社区"].metrics} == {96}
    assert {m.value for m in cases["成都市"].metrics} == {95, 47}  # the city-wide clause goes to the city
    assert {m.passage_id for m in cases["成都市"].metrics} <= {e["passage_id"] for e in cases["成都市"].evidence}


# Pieces that make role + name mentions, near misses and overlaps (副书记 holds 书记, 人 is a role word too).
PEOPLE_PIECES = ["社区", "党委", "副书记", "书记", "主任", "物业", "经理", "居民", "人", "张", "王", "欧阳", "敏", "建国",
                 "说", "表示", ":", ":", ",", "。", "“", "”", "(", ")", "和", "阿姨", "率", " "]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PEOPLE_PIECES), max_size=40))
def test_anchored_people_search_finds_what_a_full_search_finds(pieces):
    text = "".join(pieces)
    for pattern, anchor in (person_pattern(), unlisted_pattern()):
        expected = [(m.start(), m.end(), m.group("role"), m.group("name")) for m in pattern.finditer(text)]
        found = [(m.start(), m.end(), m.group("role"), m.group("name")) for m in anchored_matches(pattern, anchor, text)]
        assert found == expected
