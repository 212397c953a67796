"""The five seed pages, read by a person: which articles each holds, their titles, what must not be in a body."""
from __future__ import annotations

from pathlib import Path

import pytest

from ingest.parsers import parse_file
from ingest.structure import build_documents

CORPUS = Path(__file__).resolve().parent.parent / "corpus"

# page → (title, on_topic) of every article on it, in page order.
EXPECTED = {
    "000_12b4d8b6f44fb2c5.txt": [
        ("全国物业行业管理高质量发展工作现场会在赣召开 株洲分享创建红色物业经验", True),
        ("中国物业管理杂志社 调研株洲红色物业", True),
        ("株洲市物业管理协会妇女联合会正式成立", True),
        ("不忘初心 牢记使命", True),
        ("发现长春之美", False),
    ],
    "001_4e8fca3c479ebf1d.txt": [
        ("党建绘就“红”底色", True),
        ("第六届中国非物质文化遗产传统技艺大展开展", False),
    ],
    "002_cdfed9d2aad0a93e.txt": [
        ("“齐鲁红色物业”建设调研活动启动", True),
        ("全域精致发展,威海交上“齐鲁红色物业”优秀答卷", True),
    ],
    "003_4df527038a15419f.txt": [("让幸福在家门口升级", True)],
    "004_3e99b08ed3d95a59.txt": [("物业管理,涉及千家万户,是人民群众关心的热点、难点、焦点", True)],
}
# Never inside a passage: captions, photo credits, QR blurbs, editor lines, source notes.
FORBIDDEN_IN_BODY = [
    "通讯员供图", " 摄", "摄/", "扫码", "扫一扫", "编辑:", "组版", "找记者", "供稿", "图为", "本版", "提供)",
    "大会现场。", "在一汽汽车城采访", "业主满意度和幸福感大幅提升。", "记者 王皇",
]
# Words the page breaks across lines, which must come out whole.
REJOINED = ["择优选楼栋长", "“天启星座”近三十颗", "按照“环境同治”的要求", "形成党建引领、行业主管", "中共威海市委组织部",
            "引领力、攻坚力", "明珠街道佳园社区", "出行更舒心", "真正做到", "《湖州市中心城市物业专项维修资金管理实施细则》"]


def documents(name: str):
    path = CORPUS / name
    return [doc for raw in parse_file(path, path.read_bytes()) for doc in build_documents(raw)]


@pytest.fixture(scope="module")
def pages():
    return {name: documents(name) for name in EXPECTED}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_article_is_its_own_document_with_its_title_and_topic_flag(pages, name):
    assert [(doc.title, doc.on_topic) for doc in pages[name]] == EXPECTED[name]
    assert all(doc.source == name for doc in pages[name])


def test_no_caption_credit_or_blurb_inside_a_body(pages):
    for docs in pages.values():
        for doc in docs:
            for passage in doc.text_passages:  # captions and furniture are typed passages of their own
                if doc.title.startswith("第六届"):  # a picture story: its captions are its text
                    continue
                leaked = [word for word in FORBIDDEN_IN_BODY if word in passage.text]
                assert not leaked, (doc.title, leaked, passage.text[:60])


def test_sentences_broken_across_lines_come_out_whole(pages):
    text = "\n".join(doc.text for docs in pages.values() for doc in docs)
    missing = [words for words in REJOINED if words not in text]
    assert not missing


def test_ocr_duplicate_fragment_is_removed(pages):
    text = pages["004_3e99b08ed3d95a59.txt"][0].text
    assert "不时还有志愿者帮助他们" in text and "不的还有" not in text


def test_captions_kept_apart_and_bylines_read(pages):
    zhuzhou = pages["000_12b4d8b6f44fb2c5.txt"][0]
    assert zhuzhou.captions == ["大会现场。"] and zhuzhou.publisher == "市物协"
    changchun = pages["000_12b4d8b6f44fb2c5.txt"][4]
    assert "在一汽汽车城采访" in changchun.captions
    ankang = pages["001_4e8fca3c479ebf1d.txt"][0]
    assert ankang.byline == "记者 田丕 通讯员 杨紫云" and len(ankang.captions) == 4
    weihai = pages["002_cdfed9d2aad0a93e.txt"][0]
    assert weihai.byline == "记者 王皇 孟杰" and weihai.passages[1].text.startswith("25日,由山东省")
    assert pages["004_3e99b08ed3d95a59.txt"][0].byline == "文/宁杰 摄/陆一平"


def test_section_headings_stay_on_their_passages(pages):
    ankang = pages["001_4e8fca3c479ebf1d.txt"][0]
    heading = {p.heading for p in ankang.passages if "市级物业行业党委" in p.text}
    assert heading == {"坚持党建引领 实现党的组织和工作有效覆盖"}
    changchun = pages["003_4df527038a15419f.txt"][0]
    assert {p.heading for p in changchun.passages if "红心物业训练营" in p.text} == {"小联盟撬动大治理"}


def test_home_city_and_places(pages):
    assert pages["001_4e8fca3c479ebf1d.txt"][0].places[:2] == ["陕西省", "安康市"]
    assert {"浙江省", "湖州市"} <= set(pages["004_3e99b08ed3d95a59.txt"][0].places)


def test_doc_ids_are_stable(pages):
    again = documents("002_cdfed9d2aad0a93e.txt")
    assert [d.doc_id for d in again] == [d.doc_id for d in pages["002_cdfed9d2aad0a93e.txt"]]


def test_each_quote_names_its_speaker_through_its_heading(pages):
    huzhou = pages["004_3e99b08ed3d95a59.txt"][0]
    quotes = [p for p in huzhou.passages if p.heading == "吴兴区爱山街道龙庭小区业委会主任何武敏"]
    assert len(quotes) == 2 and quotes[0].text.startswith("吴兴区爱山街道龙庭小区业委会主任何武敏:业委会是连接居民")
    assert quotes[1].text.startswith("曾经的龙庭小区")
    assert any(p.heading == "吴兴区湖东街道东郡红树湾物业经理刚博" for p in huzhou.passages)
