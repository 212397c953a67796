"""E-paper pages written for these tests: three articles on one page, each a block of elements (kicker,
headline, subtitle, byline, paragraphs, a photo caption), beside a 本版标题导航 sidebar listing every headline,
a 版面导航 bar, 上一篇/下一篇 links and a 相关阅读 list. The same articles in three markups publishers use:
class-named <div>s, an old <table> layout with <td>s, and <article>s.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from fixtures_build import zh


@dataclass
class PaperArticle:
    title: str
    paragraphs: list[str]
    kicker: str | None = None
    subtitle: str | None = None
    byline: str | None = None
    captions: list[str] = field(default_factory=list)


PAPER = [
    PaperArticle(
        kicker="党建引领基层治理",
        title="城北街道红色物业覆盖全部小区",
        subtitle=zh("——小区党支部、业委会、物业公司每月联席议事"),
        byline="本报记者 林晓 通讯员 周安",
        paragraphs=[zh(text) for text in (
            ("今年以来,城北街道把红色物业作为基层治理的重要抓手,在辖区二十六个小区全部建立了党支部,"
            "推动物业服务企业党员亮身份、作承诺。"),
            ("街道每月召开一次联席会议,小区党支部、业委会和物业公司坐在一起,把居民反映的停车、绿化、"
            "电梯维修等问题逐项研究解决,办理结果在楼栋公告栏公开。"),
            "据统计,今年前三季度居民对物业服务的满意度达到百分之九十二,比去年同期提高了十五个百分点。",
        )],
        captions=[zh("图为城北街道召开红色物业联席会议(通讯员 周安 摄)")],
    ),
    PaperArticle(
        title="老旧小区加装电梯有了议事规则",
        byline="本报记者 许文",
        paragraphs=[zh(text) for text in (
            ("加装电梯难在协商。河西社区在党组织带领下制定了加装电梯议事规则,明确了意见征询、"
            "费用分摊和低层住户补偿的办法。"),
            ("规则实施半年来,社区已有九个单元达成一致,其中四部电梯已经投入使用,"
            "不少老人告别了爬楼的烦恼。"),
        )],
    ),
    PaperArticle(
        kicker="小区里的党员先锋",
        title="物业管家老陈的一天",
        byline="本报通讯员 秦岭",
        paragraphs=[zh(text) for text in (
            "早上七点,物业管家老陈已经在小区里巡查了一圈,他是物业公司党支部的一名老党员。",
            ("哪家水管漏了,哪位独居老人需要帮忙买菜,老陈都记在随身的小本子上,"
            "居民们都说有事找老陈准没错。"),
        )],
        captions=[zh("老陈(左)上门为独居老人检修水管")],
    ),
]

SIDEBAR_TITLES = [article.title for article in PAPER]
RELATED = ["东湖社区开展消防安全演练", "城南街道举办物业从业人员培训班"]


def _chrome(body: str) -> str:
    titles = "".join(f'<li><a href="content_{n}.htm">{title}</a></li>' for n, title in enumerate(SIDEBAR_TITLES))
    related = "".join(f'<li><a href="r{n}.htm">{title}</a></li>' for n, title in enumerate(RELATED))
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>城市晨报数字报-第03版:社区</title></head>
<body>
<div class="masthead"><img src="logo.png"> 城市晨报 2024年7月27日 星期六</div>
<div class="bmdh"><span>版面导航</span> <a href="node_1.htm">第01版:要闻</a> <a href="node_2.htm">第02版:综合</a>
  <a href="node_3.htm">第03版:社区</a> <a href="node_4.htm">第04版:副刊</a></div>
<div class="wrap">
  <div class="left">{body}
    <div class="pager"><a href="content_prev.htm">上一篇</a> <a href="content_next.htm">下一篇</a></div>
    <div class="more"><div class="label">相关阅读</div><ul>{related}</ul></div>
  </div>
  <div class="right"><div class="label">本版标题导航</div><ul>{titles}</ul></div>
</div>
<div class="bottom">城市晨报社版权所有 未经书面授权不得复制</div>
</body></html>"""


def _div_article(article: PaperArticle) -> str:
    parts = []
    if article.kicker:
        parts.append(f'<div class="yinti">{article.kicker}</div>')
    parts.append(f'<div class="biaoti">{article.title}</div>')
    if article.subtitle:
        parts.append(f'<div class="futi">{article.subtitle}</div>')
    if article.byline:
        parts.append(f'<div class="zuozhe">{article.byline}</div>')
    body = "".join(f"<div class=\"p\">{text}</div>" for text in article.paragraphs)
    pictures = "".join(f'<div class="pic"><img src="a.jpg"></div><div class="tuzhu">{caption}</div>'
                       for caption in article.captions)
    return f'<div class="newsbox">{"".join(parts)}<div class="zhengwen">{pictures}{body}</div></div>'


def _td_article(article: PaperArticle) -> str:
    head = "".join(f'<tr><td align="center">{text}</td></tr>' for text in (
        article.kicker, f'<font size="5"><b>{article.title}</b></font>', article.subtitle, article.byline) if text)
    body = "".join(f"<p>{text}</p>" for text in article.paragraphs)
    pictures = "".join(f'<table><tr><td><img src="a.jpg"></td></tr><tr><td>{caption}</td></tr></table>'
                       for caption in article.captions)
    return f'<td valign="top"><table width="100%">{head}<tr><td>{pictures}{body}</td></tr></table></td>'


def _article_article(article: PaperArticle) -> str:
    head = (f'<p class="kicker">{article.kicker}</p>' if article.kicker else "") + f"<h2>{article.title}</h2>" \
        + (f'<p class="subtitle">{article.subtitle}</p>' if article.subtitle else "") \
        + (f'<p class="author">{article.byline}</p>' if article.byline else "")
    pictures = "".join(f'<figure><img src="a.jpg"><figcaption>{caption}</figcaption></figure>'
                       for caption in article.captions)
    body = "".join(f"<p>{text}</p>" for text in article.paragraphs)
    return f"<article>{head}{pictures}{body}</article>"


def epaper_page(markup: str) -> bytes:
    if markup == "div":
        body = "".join(_div_article(article) for article in PAPER)
    elif markup == "td":
        body = "<table><tr>" + "".join(_td_article(article) for article in PAPER) + "</tr></table>"
    else:
        body = "".join(_article_article(article) for article in PAPER)
    return _chrome(body).encode("utf-8")


def single_article_page() -> bytes:
    """One e-paper article page (the usual view): the article, the sidebar with its page's other titles,
    上一篇/下一篇 and 相关阅读."""
    return _chrome(_div_article(PAPER[0])).encode("utf-8")
