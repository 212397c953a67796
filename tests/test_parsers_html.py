from pathlib import Path

import pytest
from fixtures_build import ARTICLE, Article, page_html, two_article_page, zh

from ingest.models import BlockKind
from ingest.parsers import parse_file

SECOND = Article(
    title="小联盟撬动大治理",
    sections=[(None, ["滨河社区把辖区内的物业企业、共建单位和志愿者组织起来,成立物业服务联盟,每月轮流值班。"]),
              ("联盟怎样运转", ["联盟实行问题清单、资源清单和项目清单三张清单管理,居民需求在一周内得到回应。"])],
    date="2024-08-02",
)


def html_documents(data: bytes, name: str = "page.html"):
    return parse_file(Path(name), data)


def body_texts(raw):
    return [block.text for block in raw.blocks if block.kind == BlockKind.PARAGRAPH]


def test_article_body_without_page_chrome():
    [raw] = html_documents(page_html(ARTICLE))
    assert body_texts(raw) == ARTICLE.paragraphs
    everything = " ".join(block.text for block in raw.blocks)
    for junk in ("首页", "当前位置", "分享到", "页面统计代码", "相关新闻", "热点排行", "版权所有", "广告", "发布时间"):
        assert junk not in everything


def test_title_date_and_source_from_the_page():
    [raw] = html_documents(page_html(ARTICLE))
    assert raw.title == ARTICLE.title  # "_城市晨报网" cut off
    assert raw.date == "2024-07-27"
    assert raw.publisher == "城市晨报"


def test_section_headings_keep_their_level_and_spaces():
    [raw] = html_documents(page_html(ARTICLE))
    headings = [(block.text, block.level) for block in raw.blocks if block.kind == BlockKind.HEADING]
    assert headings == [(heading, 2) for heading in ARTICLE.headings]


def test_bold_only_paragraph_is_a_heading_and_picture_line_a_caption():
    page = """<html><head><meta charset="utf-8"><title>通知</title></head><body><div class="content">
    <p><strong>一、坚持党建引领</strong></p><p>社区党委牵头,组织业主委员会和物业企业每周碰头一次。</p>
    <p style="text-align:center"><img src="a.jpg"></p><p style="text-align:center">居民参加议事会(记者 李明 摄)</p>
    <p><b>二是</b>完善议事规则,议事结果张榜公布,接受居民监督,确保事事有回音。</p></div></body></html>"""
    [raw] = html_documents(page.encode("utf-8"))
    kinds = [(block.kind, block.text) for block in raw.blocks]
    assert (BlockKind.HEADING, "一、坚持党建引领") in kinds
    assert (BlockKind.CAPTION, "居民参加议事会(记者 李明 摄)") in kinds
    assert (BlockKind.PARAGRAPH, "二是完善议事规则,议事结果张榜公布,接受居民监督,确保事事有回音。") in kinds


def test_page_with_two_articles_yields_two_documents():
    first, second = html_documents(two_article_page(ARTICLE, SECOND), "e-paper.html")
    assert (first.title, first.record, first.date) == (ARTICLE.title, 1, ARTICLE.date)
    assert (second.title, second.record, second.date) == (SECOND.title, 2, SECOND.date)
    assert body_texts(second) == SECOND.paragraphs
    assert [b.text for b in first.blocks if b.kind == BlockKind.CAPTION] == ["图为社区活动现场(通讯员供图)"]
    assert "首页" not in " ".join(b.text for b in first.blocks + second.blocks)


def test_gbk_page_with_its_declared_charset():
    [raw] = html_documents(page_html(ARTICLE, charset="gbk"))
    assert body_texts(raw) == ARTICLE.paragraphs


def test_wrong_declared_charset_does_not_produce_mojibake():
    [raw] = html_documents(page_html(ARTICLE, charset="gbk", declared="big5"))
    assert raw.title == ARTICLE.title
    assert body_texts(raw) == ARTICLE.paragraphs


def test_body_found_by_text_density_without_article_tag():
    lines = "<br>\n".join(ARTICLE.paragraphs)
    page = f"""<html><head><meta charset="utf-8"><title>{ARTICLE.title} - 某某网</title></head><body>
    <ul class="menu"><li><a href="/">首页</a></li><li><a href="/a">要闻</a></li></ul>
    <table><tr><td><a href="/x">链接一</a> <a href="/y">链接二</a></td></tr></table>
    <div id="zoom">{lines}</div><div>友情链接:<a href="/z">某某政府网</a></div></body></html>"""
    [raw] = html_documents(page.encode("utf-8"))
    assert raw.title == ARTICLE.title
    assert body_texts(raw) == ARTICLE.paragraphs


def test_body_of_bare_div_paragraphs():
    paragraphs = "".join(f"<div>{text}</div>" for text in ARTICLE.paragraphs)
    page = f"""<html><head><meta charset="utf-8"><title>{ARTICLE.title}</title></head><body>
    <div class="nav"><div>首页</div><div>新闻中心</div></div><div class="article-body">{paragraphs}</div>
    <div class="foot"><div>主办单位:某某市住房和城乡建设局 地址:某某路 1 号 电话:0000-0000000</div></div></body></html>"""
    [raw] = html_documents(page.encode("utf-8"))
    assert body_texts(raw) == ARTICLE.paragraphs


def test_info_line_inside_the_body_is_metadata_but_sentences_about_sources_stay():
    page = f"""<html><head><meta charset="utf-8"><title>{ARTICLE.title}</title></head><body><div class="content">
    <p>2024-07-28 09:15 来源{zh(':')}城南街道办事处</p><p>【字体{zh(':')}大 中 小】</p>
    <p>来源于居民的每一条意见{zh(',')}都被写进了议事清单。</p><p>{ARTICLE.paragraphs[0]}</p></div></body></html>"""
    [raw] = html_documents(page.encode("utf-8"))
    assert (raw.date, raw.publisher) == ("2024-07-28", "城南街道办事处")
    assert body_texts(raw) == [zh("来源于居民的每一条意见,都被写进了议事清单。"), ARTICLE.paragraphs[0]]


def test_old_layout_table_page_keeps_its_paragraphs():
    paragraphs = "".join(f"<p>{text}</p>" for text in ARTICLE.paragraphs)
    page = f"""<html><head><meta charset="gb2312"><title>{ARTICLE.title}</title></head><body><table>
    <tr><td><a href="/">网站首页</a></td><td><a href="/zw">政务公开</a></td></tr>
    <tr><td colspan="2"><table><tr><td>{paragraphs}</td></tr></table></td></tr></table></body></html>"""
    [raw] = html_documents(page.encode("gb18030"))
    assert body_texts(raw) == ARTICLE.paragraphs


def test_teaser_articles_do_not_split_the_page():
    teasers = "".join(f"<article><h3><a href='/{n}'>其他新闻标题{n}</a></h3><p>一句话摘要。</p></article>" for n in range(3))
    page = f"""<html><head><meta charset="utf-8"><title>{ARTICLE.title}</title></head><body>
    <article><h1>{ARTICLE.title}</h1>{''.join(f'<p>{text}</p>' for text in ARTICLE.paragraphs)}</article>
    {teasers}</body></html>"""
    [raw] = html_documents(page.encode("utf-8"))
    assert raw.title == ARTICLE.title and body_texts(raw) == ARTICLE.paragraphs


def test_inline_markup_inside_headings_adds_no_spaces():
    page = """<html><head><meta charset="utf-8"><title>t</title></head><body><div class="content">
    <h2>党建<em>引领</em> 物业服务</h2><p>社区党委牵头,组织业主委员会和物业企业每周碰头一次,解决居民反映的问题。</p>
    <figure><img src="a.jpg"><figcaption>居民<b>议事会</b>现场 (通讯员供图)</figcaption></figure></div></body></html>"""
    [raw] = html_documents(page.encode("utf-8"))
    assert [(b.kind, b.text) for b in raw.blocks if b.kind != BlockKind.PARAGRAPH] == [
        (BlockKind.HEADING, "党建引领 物业服务"), (BlockKind.CAPTION, "居民议事会现场 (通讯员供图)")]


# --- e-paper pages: several articles, navigation around them --------------------------------------------------

@pytest.mark.parametrize("markup", ["div", "td", "article"])
def test_epaper_page_yields_each_article_whole_with_its_head_typed(markup):
    from fixtures_epaper import PAPER, epaper_page

    from ingest.structure import build_documents

    raws = html_documents(epaper_page(markup))
    documents = [document for raw in raws for document in build_documents(raw)]
    assert [document.title for document in documents] == [article.title for article in PAPER]
    for document, article in zip(documents, PAPER, strict=True):
        body = [passage.text for passage in document.passages]
        assert [text for text in body if text in article.paragraphs] == article.paragraphs  # no fact lost
        assert document.byline == article.byline
        assert len(document.captions) == len(article.captions)  # the photo credit may be cut off the caption
        assert all(written.startswith(kept) for kept, written in zip(document.captions, article.captions, strict=True))
        if article.kicker:
            assert article.kicker in body[0]  # 引题 (and 副题) kept as the lead, not as the headline


@pytest.mark.parametrize("markup", ["div", "td", "article"])
def test_epaper_navigation_is_not_text(markup):
    from fixtures_epaper import PAPER, RELATED, epaper_page

    raws = html_documents(epaper_page(markup))
    text = "\n".join(block.text for raw in raws for block in raw.blocks)
    for chrome in ("本版标题导航", "相关阅读", "上一篇", "下一篇", "版面导航", "第01版", *RELATED):
        assert chrome not in text
    for article in PAPER:  # the sidebar's copy of each headline is gone: each title is its document's only
        assert sum(article.title in block.text for raw in raws for block in raw.blocks) == 0


def test_single_epaper_article_takes_its_headline_not_the_page_name():
    from fixtures_epaper import PAPER, single_article_page

    [raw] = html_documents(single_article_page())
    assert raw.title == PAPER[0].title
    assert [block.text for block in raw.blocks if block.text in PAPER[0].paragraphs] == PAPER[0].paragraphs


def test_wrapped_sections_under_one_headline_stay_one_article():
    sections = "".join(
        f'<div class="section"><h3>{heading}</h3><p>{zh(text)}</p></div>'
        for heading, text in (("组织覆盖", "街道在辖区全部小区建立党支部,推动物业服务企业成立党组织,实现党的工作全覆盖。"),
                              ("议事协商", "小区党支部每月召集业委会和物业公司议事,协商解决停车和绿化等居民关心的问题。")))
    page = f"""<html><head><meta charset="utf-8"><title>t</title></head><body>
    <h1>红色物业的城北做法</h1><div class="content">{sections}</div></body></html>"""
    [raw] = html_documents(page.encode("utf-8"))
    assert raw.title == "红色物业的城北做法"
    assert [b.text for b in raw.blocks if b.kind == BlockKind.HEADING] == ["组织覆盖", "议事协商"]


def test_list_of_teasers_is_navigation_not_articles():
    teasers = "".join(f'<div class="item"><a href="/{n}">{title}</a><span>2024-07-2{n}</span></div>'
                      for n, title in enumerate(["社区食堂开张", "加装电梯完工", "消防演练举行", "业委会换届"]))
    body = zh("城北街道召开红色物业推进会,部署下半年工作,要求各小区党支部发挥引领作用,推动问题解决。")
    page = f"""<html><head><meta charset="utf-8"><title>推进会召开_城市晨报</title></head><body>
    <div class="main"><h1>推进会召开</h1><p>{body}</p></div><div>{teasers}</div></body></html>"""
    [raw] = html_documents(page.encode("utf-8"))
    assert [b.text for b in raw.blocks] == [body]
