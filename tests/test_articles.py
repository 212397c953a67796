"""Splitting a page into articles by general layout rules: titles with bylines/datelines, source notes."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.models import Block, BlockKind, RawDocument
from ingest.places import home_city
from ingest.structure import build_documents

BODY = "青河市住建局联合各街道推进红色物业建设，小区党支部、业委会和物业服务企业定期召开联席会议，协商解决居民反映的问题。"


def page(*lines, kinds=None, date=None):
    blocks = [Block(line, (kinds or {}).get(i, BlockKind.PARAGRAPH)) for i, line in enumerate(lines)]
    return build_documents(RawDocument("page.txt", "/tmp/page.txt", blocks, "txt", date=date))


def test_two_articles_each_with_title_and_byline():
    docs = page(
        "党建绘就红色底色", "——我市红色物业助力基层治理创新", "记者 张明 通讯员 李华", BODY,
        "坚持统筹联动 让群众安心", BODY.replace("青河", "白沙"),
        "小区议事厅开门迎客", "本报记者 王芳", "近日，" + BODY,
    )
    assert [d.title for d in docs] == ["党建绘就红色底色", "小区议事厅开门迎客"]
    first, second = docs
    assert first.byline == "记者 张明 通讯员 李华" and second.byline == "本报记者 王芳"
    assert first.passages[0].text == "我市红色物业助力基层治理创新"  # the subtitle leads the passages
    assert first.text_passages[-1].heading == "坚持统筹联动 让群众安心"
    assert all(d.source == "page.txt" for d in docs) and len({d.doc_id for d in docs}) == 2


def test_kicker_above_a_short_main_title_and_dateline_with_byline():
    (doc,) = page(
        "塑优势、创品牌，打造群众满意的民心工程和全国有影响力的党建品牌",
        "红色物业调研活动启动",
        "本报青河7月27日讯(记者 王皇 孟杰) 25日，" + BODY,
        "2023年7月25日，调研组走访了三个小区。",
    )
    assert doc.title == "红色物业调研活动启动"
    assert doc.byline == "记者 王皇 孟杰"
    assert doc.passages[1].text.startswith("25日，青河市住建局")
    assert doc.date == "2023-07-27" and doc.date_inferred


def test_article_after_a_source_note_starts_a_new_document():
    docs = page("现场会在青河召开", BODY + "(市物协 供稿)", "物业协会妇联成立", "近日，" + BODY + "(市物协 供稿)",
                kinds={0: BlockKind.HEADING, 2: BlockKind.HEADING})
    assert [d.title for d in docs] == ["现场会在青河召开", "物业协会妇联成立"]
    assert all(d.publisher == "市物协" for d in docs)
    assert not any("供稿" in p.text for d in docs for p in d.passages)


def test_a_page_without_any_title_uses_its_first_sentence():
    (doc,) = page("物业管理，涉及千家万户，是群众关心的热点。", BODY)
    assert doc.title == "物业管理，涉及千家万户，是群众关心的热点"


def test_picture_story_keeps_its_captions_as_text():
    docs = page(
        "现场会在青河召开", BODY + "(本组图片由市住建局提供)",
        "第六届传统技艺大展开展",
        "① 参观者在大展的竹编展区了解展品。", "新华社发 施亚磊 摄",
        "② 传承人在大展上展示蛋雕技艺。", "新华社记者 杜宇 摄",
    )
    story = docs[-1]
    assert story.title == "第六届传统技艺大展开展" and not story.on_topic
    assert [p.text for p in story.passages] == ["① 参观者在大展的竹编展区了解展品。", "② 传承人在大展上展示蛋雕技艺。"]


def test_word_style_section_headings_do_not_split_an_article():
    docs = page("红色物业创建工作总结", BODY, "一年来的主要做法", BODY.replace("青河", "白沙"), "下一步工作打算", "近日，" + BODY,
                kinds={0: BlockKind.TITLE, 2: BlockKind.HEADING, 4: BlockKind.HEADING})
    (doc,) = docs
    assert doc.title == "红色物业创建工作总结"
    assert [p.heading for p in doc.passages] == [None, "一年来的主要做法", "下一步工作打算"]


def test_home_city_only_when_the_text_makes_it_clear():
    (clear,) = page("湖州红色物业四年", "我市推进红色物业建设，湖州市物管中心牵头，吴兴区、长兴县的小区率先试点。" + BODY)
    assert clear.places[:2] == ["浙江省", "湖州市"]
    assert home_city("我市与杭州市、宁波市交流物业管理经验。") is None  # two cities, once each: unclear
    assert home_city("湖州市、吴兴区的做法在杭州推广。") is None  # no 我市/本市 at all
    assert home_city("我市（湖州市）在吴兴区试点。").name == "湖州市"


def test_title_stated_by_the_file_wins_over_a_subtitle_at_the_top():
    blocks = [Block("——我市红色物业助力基层治理创新", BlockKind.HEADING, 3), Block("记者 张明"), Block(BODY)]
    (doc,) = build_documents(RawDocument("a.html", "/tmp/a.html", blocks, "html", title="党建绘就红色底色"))
    assert doc.title == "党建绘就红色底色" and doc.byline == "记者 张明"
    assert doc.passages[0].text == "我市红色物业助力基层治理创新"


def test_newspaper_page_with_masthead_and_datelines():
    docs = page(
        "青河日报 2023年7月27日 星期四", "第3版 社区",
        "小区加装电梯惠民生", "本报讯（记者 张三）近日，" + BODY,
        "物业企业开展消防演练", "本报讯 7月25日，" + BODY.replace("青河市", "白沙区"),
    )
    assert [d.title for d in docs] == ["小区加装电梯惠民生", "物业企业开展消防演练"]
    assert docs[0].byline == "记者 张三" and docs[0].date == "2023-07-27" and not docs[0].date_inferred
    assert docs[1].date == "2023-07-27"  # the issue date, stated by the page
    assert not any("星期四" in p.text or "第3版" in p.text for d in docs for p in d.text_passages)


PIECES = ["红色物业", "记者 张明", "本报讯", "7月27日", "（市物协 供稿）", "。", "，", "第一条 ", "一、", "图为", " 摄",
          "扫码下载", "编辑：王五", "——", "小区", "\u200b", "**", "：", "2023年", "业委会换届", "择", "优选"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.sampled_from(PIECES), min_size=1, max_size=8).map("".join), min_size=1, max_size=12),
       st.lists(st.sampled_from(list(BlockKind)), min_size=12, max_size=12))
def test_any_page_yields_well_formed_documents(lines, kinds):
    blocks = [Block(line, kind) for line, kind in zip(lines, kinds)]
    docs = build_documents(RawDocument("p.txt", "/tmp/p.txt", blocks, "txt"))
    assert len({d.doc_id for d in docs}) == len(docs)
    for doc in docs:
        assert doc.title and doc.passages
        assert all(p.text.strip() for p in doc.passages)
        assert [p.ordinal for p in doc.passages] == list(range(len(doc.passages)))


def test_traditional_and_full_width_page_follows_the_same_rules():
    docs = page("小區加裝電梯惠民生", "本報訊（記者 張三）近日，" + BODY, "（市物協 供稿）")
    (doc,) = docs
    assert doc.title == "小區加裝電梯惠民生" and doc.byline == "記者 張三" and doc.publisher == "市物協"
    assert doc.passages[0].text.startswith("近日，")


def test_headline_at_the_top_beats_a_page_title_from_the_browser_bar():
    blocks = [Block("社区食堂开张", BlockKind.HEADING, 2), Block(BODY), Block("图为社区活动现场(通讯员供图)", BlockKind.CAPTION),
              Block("居民议事 小事不出楼栋", BlockKind.HEADING, 3), Block(BODY.replace("青河", "白沙"))]
    (doc,) = build_documents(RawDocument("e.htm", "/tmp/e.htm", blocks, "html", title="第三版 社区_城市晨报"))
    assert doc.title == "社区食堂开张" and doc.captions == ["图为社区活动现场"]
    assert doc.text_passages[-1].heading == "居民议事 小事不出楼栋"


def test_web_meta_lines_give_the_date_and_leave_the_body():
    (doc,) = page("小区加装电梯惠民生", "来源：青河日报  发布时间：2023-07-27 10:20", "【字体：大 中 小】", BODY, "打印本页 关闭窗口")
    assert doc.date == "2023-07-27" and [p.text for p in doc.text_passages] == [BODY]
    assert doc.date_source == "line" and {p.kind for p in doc.passages[1:]} == {"furniture"}


def test_outlet_datelines_in_brackets_and_a_paragraph_that_only_looks_like_one():
    docs = page("小区加装电梯惠民生", "【青河日报讯】（记者 张三）近日，" + BODY,
                "物业费公示", "情况通报讯息显示，" + BODY)
    assert [d.title for d in docs] == ["小区加装电梯惠民生"]
    assert docs[0].byline == "记者 张三" and docs[0].passages[0].text.startswith("近日，")
    assert any(p.text.startswith("情况通报讯息显示") for p in docs[0].passages)


def test_an_article_printed_twice_on_a_page_is_one_document():
    docs = page("小区议事厅开门迎客", "本报记者 王芳", BODY, "小区议事厅开门迎客", "本报记者 王芳", BODY)
    assert len(docs) == 1


def test_three_line_title_group_before_a_dateline_is_not_taken_for_captions():
    (doc,) = page("塑优势 创品牌", "红色物业调研活动启动", "首站走进青河", "本报青河7月27日讯 " + BODY)
    assert doc.title == "红色物业调研活动启动" and doc.passages[0].text == "塑优势 创品牌 首站走进青河"


def test_marked_headline_with_byline_beats_a_browser_bar_title():
    blocks = [Block("社区食堂开张", BlockKind.HEADING, 2), Block("记者 张明"), Block(BODY)]
    (doc,) = build_documents(RawDocument("e.htm", "/tmp/e.htm", blocks, "html", title="第三版 社区_城市晨报"))
    assert doc.title == "社区食堂开张" and doc.byline == "记者 张明"
