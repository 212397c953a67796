"""Builds test files in every supported format from one article, so tests can compare what each yields.

Everything is generated into the test's tmp dir: web pages with chrome around the article, a two-column
newspaper-style PDF (reportlab's built-in CID font STSong-Light, running header, page numbers), an image-only
PDF, a DOCX with heading styles, text in several encodings. The article is written for these tests.
"""
from __future__ import annotations

import html
import io
import json
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Article:
    title: str
    sections: list[tuple[str | None, list[str]]]  # (section heading or None, paragraphs)
    date: str = "2024-07-27"
    source: str = "城市晨报"

    @property
    def paragraphs(self) -> list[str]:
        return [paragraph for _, paragraphs in self.sections for paragraph in paragraphs]

    @property
    def headings(self) -> list[str]:
        return [heading for heading, _ in self.sections if heading]


# Chinese text uses full-width punctuation; written here as ASCII and widened, so no editor normalises it away.
FULL_WIDTH = str.maketrans({",": "\uff0c", ";": "\uff1b", ":": "\uff1a", "?": "\uff1f", "!": "\uff01",
                            "(": "\uff08", ")": "\uff09"})


def zh(text: str) -> str:
    return text.translate(FULL_WIDTH)


def widened(article: Article) -> Article:
    return Article(zh(article.title), [(zh(h) if h else None, [zh(p) for p in ps]) for h, ps in article.sections],
                   article.date, article.source)


ARTICLE = widened(Article(
    title="红色物业让老旧小区焕发新活力",
    sections=[
        (None, [
            ("近日,记者走进城南街道的几个老旧小区,看到楼道整洁明亮,车辆停放有序,居民在凉亭下拉家常,"
            "一派和谐景象。几年前,这里还是环境脏乱、物业缺位、矛盾频发的“问题小区”。"),
            ("变化源于街道党工委推行的红色物业模式。街道把党组织建在小区上,推动物业服务企业成立党支部,"
            "让党员骨干进入业主委员会,形成社区党委、业委会和物业公司三方联动的工作格局。"),
        ]),
        ("党建引领 物业服务有了主心骨", [
            ("过去,业主对物业服务不满意,物业公司收费难,双方互不信任。如今,社区党委每月召开一次联席会议,"
            "把居民反映的问题逐条梳理,明确责任人和完成时限,办理结果在小区公告栏公开。"),
            ("物业公司党支部书记说,党员员工带头亮身份、作承诺,维修人员接到报修后半小时内上门,"
            "居民满意度从过去的六成提高到九成以上,物业费收缴率也随之明显上升。"),
            ("街道还建立了物业服务考评制度,由居民代表、业委会成员和社区干部共同打分,"
            "考评结果与物业企业的信用等级挂钩,倒逼企业提升服务质量。"),
        ]),
        ("居民议事 小事不出楼栋", [
            ("在幸福里小区,每个楼栋都选出了楼栋长,多数由退休党员担任。楼栋长定期走访住户,"
            "收集加装电梯、停车管理、绿化养护等方面的意见,再提交到小区议事会讨论。"),
            ("去年,小区议事会先后协商解决了二十多件居民关心的难题。加装电梯的楼栋从一个增加到六个,"
            "新增停车位一百余个,原先堆满杂物的楼道也清理一新。"),
            ("居民王阿姨感慨地说,以前有事不知道找谁,现在楼栋长就住在身边,大家有商有量,"
            "小区越来越像一个大家庭。下一步,街道将把这一做法推广到辖区所有小区。"),
        ]),
    ],
))


# --- web pages ---------------------------------------------------------------------------------------------

def article_html(article: Article, heading_tag: str = "h2") -> str:
    parts = []
    for heading, paragraphs in article.sections:
        if heading:
            parts.append(f"<{heading_tag}>{html.escape(heading)}</{heading_tag}>")
        parts.extend(f"<p>\u3000\u3000{html.escape(paragraph)}</p>" for paragraph in paragraphs)
    return "\n".join(parts)


def page_html(article: Article, charset: str = "utf-8", declared: str | None = None) -> bytes:
    """A news page: nav, breadcrumbs, share bar, scripts, sidebar and footer around the article."""
    declared = declared or charset
    page = f"""<!DOCTYPE html>
<html><head>
<meta http-equiv="Content-Type" content="text/html; charset={declared}">
<title>{article.title}_城市晨报网</title>
<meta name="publishdate" content="{article.date} 08:30:00">
<meta name="source" content="{article.source}">
<script>var tracker = "页面统计代码,不是正文";</script>
<style>.nav {{ color: red; }}</style>
</head><body>
<div class="top-nav"><a href="/">首页</a> <a href="/news">新闻</a> <a href="/gov">政务</a></div>
<div class="breadcrumb">当前位置:首页 &gt; 新闻 &gt; 社区</div>
<div class="main">
  <h1>{article.title}</h1>
  <div class="info">发布时间:{article.date} 08:30 来源:{article.source}</div>
  <div class="share-bar">分享到:微信 微博 QQ空间</div>
  <div id="article-content" class="content">
  {article_html(article)}
  </div>
  <div class="related"><h3>相关新闻</h3><ul><li><a href="/1">某地开展消防演练活动</a></li></ul></div>
</div>
<div class="sidebar"><h3>热点排行</h3><p>本周最受关注的十条新闻标题列表在这里显示</p></div>
<div class="footer"><p>版权所有 城市晨报网 备案号 00000000</p></div>
<script>document.write("广告");</script>
</body></html>"""
    return page.encode(charset)


def two_article_page(first: Article, second: Article) -> bytes:
    articles = "\n".join(
        f"<article><header><h2>{a.title}</h2><time datetime=\"{a.date}\">{a.date}</time></header>"
        f"{article_html(a, 'h3')}<figure><img src=\"p.jpg\"><figcaption>图为社区活动现场(通讯员供图)</figcaption>"
        f"</figure></article>"
        for a in (first, second)
    )
    return f"""<html><head><meta charset="utf-8"><title>第三版 社区_城市晨报</title></head>
<body><nav><a href="/">首页</a><a href="/e">电子报</a></nav>{articles}
<footer>城市晨报社 版权所有</footer></body></html>""".encode()


# --- PDF -----------------------------------------------------------------------------------------------------

def two_column_pdf(article: Article, header: str = "城市晨报 社区周刊", size: float = 18) -> bytes:
    """A newspaper-style PDF: the headline across the page, the body in two columns over several pages,
    a running header and "- N -" page numbers on every page."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import BaseDocTemplate, Frame, FrameBreak, PageTemplate, Paragraph

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    width, height = A4
    margin, gutter = 50, 24
    column = (width - 2 * margin - gutter) / 2
    body = ParagraphStyle("body", fontName="STSong-Light", fontSize=size, leading=1.5 * size, firstLineIndent=2 * size,
                          wordWrap="CJK", spaceAfter=4)
    heading = ParagraphStyle("heading", parent=body, fontSize=1.3 * size, leading=1.8 * size, firstLineIndent=0,
                             spaceBefore=6)
    title = ParagraphStyle("title", parent=body, fontSize=24, leading=30, firstLineIndent=0, alignment=1)

    def decorate(canvas, document):
        canvas.setFont("STSong-Light", 9)
        canvas.drawString(margin, height - 30, f"{header}  {article.date}")
        canvas.drawCentredString(width / 2, 25, f"- {document.page} -")

    title_height = 60
    top = height - margin - title_height
    first = [Frame(margin, top, width - 2 * margin, title_height, id="title"),
             Frame(margin, margin, column, top - margin, id="left1"),
             Frame(margin + column + gutter, margin, column, top - margin, id="right1")]
    later = [Frame(margin, margin, column, height - 2 * margin, id="left"),
             Frame(margin + column + gutter, margin, column, height - 2 * margin, id="right")]
    buffer = io.BytesIO()
    document = BaseDocTemplate(buffer, pagesize=A4)
    document.addPageTemplates([PageTemplate("first", first, onPage=decorate, autoNextPageTemplate="later"),
                               PageTemplate("later", later, onPage=decorate)])
    story = [Paragraph(article.title, title), FrameBreak()]
    for section, paragraphs in article.sections:
        if section:
            story.append(Paragraph(section, heading))
        story.extend(Paragraph(paragraph, body) for paragraph in paragraphs)
    document.build(story)
    return buffer.getvalue()


def image_only_pdf() -> bytes:
    """A 'scan': one picture per page and no text layer."""
    from PIL import Image, ImageDraw
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    picture = Image.new("RGB", (600, 800), "white")
    draw = ImageDraw.Draw(picture)
    for row in range(40, 760, 30):
        draw.rectangle((40, row, 560, row + 12), fill="black")
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    page.drawImage(ImageReader(picture), 0, 0, width=A4[0], height=A4[1])
    page.showPage()
    page.save()
    return buffer.getvalue()


# --- DOCX and text -------------------------------------------------------------------------------------------

def docx_bytes(article: Article) -> bytes:
    import docx

    document = docx.Document()
    document.add_heading(article.title, level=0)
    for heading, paragraphs in article.sections:
        if heading:
            document.add_heading(heading, level=2)
        for paragraph in paragraphs:
            document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def plain_text(article: Article) -> str:
    lines = [article.title, ""]
    for heading, paragraphs in article.sections:
        if heading:
            lines += [heading, ""]
        for paragraph in paragraphs:
            lines += [paragraph, ""]
    return "\n".join(lines)


def jsonl_lines(records: list[dict | str]) -> bytes:
    """Records as JSON lines; a str is written verbatim (to make a broken line)."""
    return "\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records).encode("utf-8")


def write(folder: Path, name: str, data: bytes | str) -> Path:
    path = folder / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def garbled_pdf() -> bytes:
    """A PDF whose font has no ToUnicode map (Identity-H, Adobe-Identity): its text comes out as (cid:N)."""
    content = b"BT /F1 24 Tf 72 700 Td <" + b"".join(b"%04X" % (100 + i) for i in range(40)) + b"> Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> "
        b"/Contents 4 0 R >>"),
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /Garbled /Encoding /Identity-H /DescendantFonts [6 0 R] >>",
        (b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Garbled "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 1000 >>"),
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    out.write("".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def encrypted_pdf() -> bytes:
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, encrypt=pdfencrypt.StandardEncryption("secret", ownerPassword="owner"))
    page.drawString(100, 700, "confidential minutes of the owners' committee")
    page.showPage()
    page.save()
    return buffer.getvalue()


REGULATION = [
    ("第一章 总则", [
        "第一条 为了加强住宅小区物业管理,发挥社区党组织的领导作用,维护业主的合法权益,结合本地实际,制定本办法。",
        "第二条 本办法适用于本市行政区域内住宅小区的物业管理、服务及其监督管理活动。",
        "第三条 物业管理应当坚持党建引领、业主自治、专业服务、政府监管相结合的原则。",
    ]),
    ("第二章 业主和业主委员会", [
        "第四条 业主委员会委员候选人由社区党组织会同居民委员会组织推荐,鼓励符合条件的党员业主参选。",
        ("第五条 业主委员会应当履行下列职责:(一)召集业主大会会议;(二)监督物业服务合同的履行;"
        "(三)及时了解业主的意见和建议,督促业主按时交纳物业费。"),
    ]),
]


def policy_pdf(chapters=REGULATION, size: float = 12) -> bytes:
    """A regulation set flush left (no first-line indent), chapter titles larger and centred, one page."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    body = ParagraphStyle("body", fontName="STSong-Light", fontSize=size, leading=1.6 * size, wordWrap="CJK")
    chapter = ParagraphStyle("chapter", parent=body, fontSize=1.4 * size, leading=2.2 * size, alignment=1)
    story = []
    for title, clauses in chapters:
        story.append(Paragraph(zh(title), chapter))
        story.extend(Paragraph(zh(clause), body) for clause in clauses)
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4).build(story)
    return buffer.getvalue()


def newspaper_page(lead: Article, side: Article, size: float = 10) -> bytes:
    """One e-paper page holding two articles: the lead's headline over two columns and its body in them,
    a second article with its own headline in the third column."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas
    from reportlab.platypus import Frame, Paragraph

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    body = ParagraphStyle("body", fontName="STSong-Light", fontSize=size, leading=1.5 * size,
                          firstLineIndent=2 * size, wordWrap="CJK", spaceAfter=3)
    heading = ParagraphStyle("heading", parent=body, fontSize=1.3 * size, leading=1.8 * size, firstLineIndent=0)
    headline = ParagraphStyle("headline", parent=body, fontSize=2.2 * size, leading=2.8 * size, firstLineIndent=0)

    def flowables(article: Article) -> list:
        items = []
        for section, paragraphs in article.sections:
            if section:
                items.append(Paragraph(section, heading))
            items.extend(Paragraph(paragraph, body) for paragraph in paragraphs)
        return items

    width, height = A4
    margin, gutter = 40, 16
    column = (width - 2 * margin - 2 * gutter) / 3
    top = height - margin
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    banner = 80
    Frame(margin, top - banner, 2 * column + gutter, banner).addFromList([Paragraph(lead.title, headline)], page)
    story = flowables(lead)
    for index in range(2):
        Frame(margin + index * (column + gutter), margin, column, top - banner - margin).addFromList(story, page)
    side_frame = Frame(margin + 2 * (column + gutter), margin, column, top - margin)
    side_frame.addFromList([Paragraph(side.title, headline), *flowables(side)], page)
    page.showPage()
    page.save()
    return buffer.getvalue()
