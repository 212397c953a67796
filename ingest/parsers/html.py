"""Saved web pages: the article body without the page's chrome, plus the title, date and source it states.

The body is each top-level <article>, else each of a group of sibling article blocks (html_blocks.py: e-paper
pages of <div>/<td> articles) — several → several documents — else the element holding the most paragraph
text (the readability heuristic), after navigation (menus, title lists, 上一篇/下一篇, 相关阅读), share bars,
scripts and footers are removed. An article's head (引题, headline, 副题, byline) is typed by markup or shape.
Headings (<h2>/<h3>, bold-only paragraphs) and captions (<figcaption>, the short line under a picture) keep
their kind, so structure can attach section titles to passages and keep captions out of the body.
"""
from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup, Comment, NavigableString, Tag
from lxml import etree
from lxml import html as lxml_html

from ingest.decode import decode_bytes
from ingest.errors import ParseError
from ingest.models import Block, BlockKind, RawDocument
from ingest.parsers import register
from ingest.parsers.common import iso_date, squeeze
from ingest.parsers.html_blocks import Head, article_blocks, read_head, removed, strip_navigation, typed_class

# The charset a page declares (<meta charset>, http-equiv Content-Type, or an XHTML <?xml encoding?>).
DECLARED_CHARSET = re.compile(
    rb"""(?:<meta[^>]+charset\s*=\s*["']?|<\?xml[^>]+encoding\s*=\s*["'])\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE
)
CHARSET_WINDOW = 4096
# Elements that are never article text.
JUNK_TAGS = ["script", "style", "noscript", "template", "nav", "aside", "form", "iframe", "button", "svg",
             "select", "input", "link", "meta"]
# Page-level chrome; inside an <article> a <header>/<footer> holds its title or byline, so they stay there.
PAGE_CHROME_TAGS = ["header", "footer"]
# class/id words of chrome blocks: menus, breadcrumbs, share bars, related-article lists, ads, QR codes.
JUNK_CLASS = re.compile(
    r"(^|[-_ ])(nav|navbar|menu|breadcrumbs?|crumbs?|position|location|share|bdshare\w*|social|sidebar|side|"
    r"footer|foot|comments?|related|recommend|advert|ads?|banner|toolbar|copyright|qrcode|erweima|login|"
    r"search|pagination|pager|page-?nav|fontsize|hot|rank)($|[-_ ])",
    re.IGNORECASE,
)
CAPTION_CLASS = re.compile(r"caption|pic-?te?xt|pic_?txt|img-?desc|imgtxt|photo-?desc|tuzhu|tushuo", re.IGNORECASE)
HEADING_TAGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
# A paragraph that is all bold and this short is a section heading, at the level of an <h3>.
STRONG_HEADING_LEVEL = 3
MAX_HEADING_CHARS = 60
# The short paragraph right under a picture is its caption.
MAX_CAPTION_CHARS = 100
BLOCK_TAGS = {"p", "div", "section", "article", "main", "li", "ul", "ol", "table", "tbody", "thead", "tr",
              "blockquote", "figure", "dl", "dt", "dd", "pre", "center", "header", "footer", "address", "hr",
              "td", "th"}
BOLD_TAGS = {"strong", "b"}
# Elements that are a heading when all bold and short (old table layouts set headlines in <td><b>).
BOLD_HEADING_TAGS = {"p", "td", "div"}
# Inside a table cell these mean the table lays out the page rather than holding data.
LAYOUT_TAGS = ["p", "div", "br", "table", "ul", "h1", "h2", "h3"]
# Visible metadata lines of Chinese news pages: "来源:新华网", "发布时间:2024-07-27 10:00".
# (Full-width forms are written as escapes so no editor can silently turn them into ASCII.)
SOURCE_LINE = re.compile(r"(?:来源|来自|稿源|出处)\s*[:\uff1a]\s*([^\s|\uff5c丨/,\uff0c]{2,30})")
DATE_LINE = re.compile(r"(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}")
DATE_KEYWORD = re.compile(r"发布|更新|发表|时间|日期|来源")
# A line this short holding a date is a dateline, not a sentence that mentions a date.
MAX_BARE_DATE_CHARS = 25
# A short line that is only page chrome or metadata (font size, print, share, source, publish time), not body
# text; a line holding both a date and one of DATE_KEYWORD ("2024-07-27 10:00 来源:新华网") is one too.
CHROME_LINE = re.compile(
    r"^[\[【(\uff08]?\s*(?:(?:字号|字体|来源|发布时间|发布日期|浏览次数|阅读次数|点击数)\s*[:\uff1a]|"
    r"打印|关闭窗口|分享到|扫一扫|上一篇|下一篇|返回顶部|【?\s*字体\s*[:\uff1a]?\s*大)"
)
MAX_CHROME_LINE_CHARS = 80
# "<headline>_新华网", "<headline> | 人民网 - 人民日报": the site's name after a separator.
SITE_SUFFIX = re.compile(r"\s*(?:[_|\uff5c]|\s[-—–]\s)\s*[^_|\uff5c]{1,30}$")
META_TITLE = ("og:title", "twitter:title", "title", "ArticleTitle", "headline")
META_DATE = ("article:published_time", "og:published_time", "pubdate", "publishdate", "PubDate", "publish_date",
             "publishtime", "date", "dc.date", "DC.date.issued", "firstpublishedtime", "weibo:article:create_at")
META_SOURCE = ("source", "ContentSource")  # the outlet a story comes from, stated by the page
META_SITE = ("og:site_name", "SiteName", "citation_publisher")  # the site that shows it
# An <article> with less text of its own (outside links) than this is not an article.
MIN_ARTICLE_CHARS = 20
# A <div> with this much text directly inside it (not in child elements) is a paragraph.
MIN_OWN_TEXT = 20
# An element adding a headline to the densest element: at most this many levels up, this much more text.
HEAD_SEARCH_LEVELS = 3
HEAD_GROWTH = 1.2
MAX_HEAD_CHARS = 300  # a head: 引题, headline, 副题, byline
# A chrome-named element with this much paragraph text is a content wrapper after all.
MIN_KEPT_PARAGRAPH_CHARS = 300
# Real pages nest a few dozen elements deep; far deeper is generated junk or an attack, and the tree walks
# below would take minutes on it. libxml2 stops building at 256 levels, so this must stay under that.
MAX_NESTING_DEPTH = 200


@register(".html", ".htm", ".xhtml", ".shtml")
def parse_html(path: Path, data: bytes) -> list[RawDocument]:
    declared = DECLARED_CHARSET.search(data[:CHARSET_WINDOW])
    text = decode_bytes(data, str(path), declared.group(1).decode("ascii") if declared else None)
    depth = nesting_depth(text)
    if depth > MAX_NESTING_DEPTH:
        raise ParseError(str(path), f"HTML 元素嵌套过深(至少 {depth} 层,上限 {MAX_NESTING_DEPTH} 层),"
                                    "不像正常网页,已拒绝;请另存为纯文本后重试")
    try:
        soup = BeautifulSoup(text, "lxml")
    except Exception as error:  # noqa: BLE001 -- lxml rejects some binary junk outright
        raise ParseError(str(path), f"无法解析 HTML({error})") from None
    page_title, page_site, title_tag_only = _page_title(soup)
    page_date = _meta(soup, META_DATE)
    page_source = _meta(soup, META_SOURCE) or _visible_source(soup) or _meta(soup, META_SITE) or page_site
    url = _canonical_url(soup)
    _strip_chrome(soup)
    strip_navigation(soup)
    articles = [article for article in _top_level_articles(soup) if not _is_teaser(article)]
    if len(articles) < 2:
        articles = article_blocks(soup.body or soup, body_blocks) or articles
    many = len(articles) > 1
    bodies = articles or [_with_head(_main_content(soup))]
    documents = []
    for number, body in enumerate(bodies, start=1):
        blocks = body_blocks(body)
        head = read_head(blocks)
        own_title = head.title if many else _own_title(body)
        if not many and title_tag_only and _marked_head(blocks, head):
            page_title = head.title  # "城市晨报数字报-第03版" names the page; the marked headline the article
        title = own_title if many else (page_title or own_title)
        blocks = [b for b in blocks if not _is_title_echo(b, title)]
        date = iso_date(_own_date(body)) or iso_date(page_date)
        date_source = "meta" if date else None
        if date is None:
            date = _visible_date(body) or _visible_date(soup)
            date_source = "line" if date else None
        documents.append(RawDocument(
            source=path.name, path=str(path), blocks=blocks, fmt="html", title=title, date=date,
            publisher=page_source, url=url, record=number if many else None, date_source=date_source,
        ))
    return documents


def nesting_depth(text: str) -> int:
    """How deep the page's elements nest, as a browser would build it (an unclosed <p> closes at the next one);
    measured on lxml's tree without recursion, in milliseconds even for a hostile page."""
    try:
        root = lxml_html.document_fromstring(text)
    except (etree.ParserError, ValueError):  # nothing lxml can build a tree from: BeautifulSoup decides below
        return 0
    deepest, stack = 0, [(root, 1)]
    while stack:
        element, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in element)
    return deepest


def _with_head(body: Tag) -> Tag:
    """The body's article block when the densest element is only its paragraphs: the nearest ancestor that
    adds a marked headline (and little else) above them."""
    chars = _text_chars(body)
    for ancestor in list(body.parents)[:HEAD_SEARCH_LEVELS]:
        if ancestor.name in ("body", "html", "[document]") or _text_chars(ancestor) > HEAD_GROWTH * chars + MAX_HEAD_CHARS:
            break
        blocks = body_blocks(ancestor)
        if _marked_head(blocks, read_head(blocks)):
            return ancestor
    return body


def _text_chars(tag: Tag) -> int:
    return len(tag.get_text(strip=True)) - sum(len(link.get_text(strip=True)) for link in tag.find_all("a"))


def _marked_head(blocks: list[Block], head: Head) -> bool:
    """The head's headline is marked up as the article's (<h1> or a title class), not a section heading."""
    return head.title is not None and any(block.text == head.title and block.kind == BlockKind.HEADING
                                          and block.level == 1 for block in blocks)


def body_blocks(body: Tag) -> list[Block]:
    """The element's text as blocks in reading order: <br> and block elements end a paragraph."""
    walker = _BlockWalker()
    walker.walk(body)
    walker.flush()
    return walker.blocks


class _BlockWalker:
    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.buffer: list[str] = []
        self.after_picture = False

    def emit(self, text: str, kind: BlockKind = BlockKind.PARAGRAPH, level: int = 0) -> None:
        text = squeeze(text)
        if not text:
            return
        if kind == BlockKind.PARAGRAPH and _is_chrome_line(text):
            return
        if kind == BlockKind.PARAGRAPH and self.after_picture and len(text) <= MAX_CAPTION_CHARS:
            kind = BlockKind.CAPTION
        self.after_picture = False
        self.blocks.append(Block(text, kind, level))

    def flush(self) -> None:
        if self.buffer:
            self.emit("".join(self.buffer))
            self.buffer = []

    def walk(self, node: Tag) -> None:
        for child in node.children:
            if isinstance(child, Comment):
                continue
            if isinstance(child, NavigableString):
                self.buffer.append(str(child))
            elif isinstance(child, Tag):
                self.visit(child)

    def visit(self, tag: Tag) -> None:
        name = tag.name
        if name == "time":
            self.flush()  # a dateline: metadata, read separately
        elif name == "br":
            self.flush()
        elif name == "img":
            self.flush()
            self.after_picture = True
        elif name in HEADING_TAGS:
            self.flush()
            self.emit(tag.get_text(), BlockKind.HEADING, HEADING_TAGS[name])
        elif name == "figcaption" or CAPTION_CLASS.search(" ".join(tag.get("class", []))):
            self.flush()
            self.emit(tag.get_text(), BlockKind.CAPTION)
        elif typed_class(tag) == "title" and _inline_only(tag) and len(squeeze(tag.get_text())) <= MAX_HEADING_CHARS:
            self.flush()
            self.emit(tag.get_text(), BlockKind.HEADING, 1)
        elif name == "tr" and tag.find(LAYOUT_TAGS) is None:  # a data row; layout rows are walked
            self.flush()
            cells = tag.find_all(["td", "th"])
            if tag.find("img") is not None and not tag.get_text(strip=True):
                self.after_picture = True  # a picture's row: the row under it is its caption
            elif len(cells) == 1 and _is_bold_only(cells[0]):
                self.emit(cells[0].get_text(), BlockKind.HEADING, STRONG_HEADING_LEVEL)
            else:
                self.emit(" ".join(cell.get_text() for cell in tag.find_all(["td", "th"])))
        elif name in BOLD_HEADING_TAGS and _inline_only(tag) and _is_bold_only(tag):
            self.flush()
            self.emit(tag.get_text(), BlockKind.HEADING, STRONG_HEADING_LEVEL)
        elif name in BLOCK_TAGS:
            self.flush()
            picture_only = tag.find("img") is not None and not tag.get_text(strip=True)
            self.walk(tag)
            self.flush()
            if picture_only:
                self.after_picture = True
        else:
            self.walk(tag)


def _inline_only(tag: Tag) -> bool:
    """Only text and inline elements directly inside (looked at one level deep: cheap on deep pages)."""
    return not any(isinstance(child, Tag) and (child.name in BLOCK_TAGS or child.name == "br") for child in tag.children)


def _is_chrome_line(text: str) -> bool:
    if len(text) > MAX_CHROME_LINE_CHARS:
        return False
    return bool(CHROME_LINE.match(text) or (DATE_LINE.search(text) and DATE_KEYWORD.search(text)))


def _is_bold_only(paragraph: Tag) -> bool:
    text = squeeze(paragraph.get_text())
    if not text or len(text) > MAX_HEADING_CHARS:
        return False
    bold = squeeze("".join(b.get_text() for b in paragraph.find_all(BOLD_TAGS) if not b.find_parent(BOLD_TAGS)))
    return bold == text


def _strip_chrome(soup: BeautifulSoup) -> None:
    for tag in soup.find_all(JUNK_TAGS):
        tag.decompose()
    for tag in soup.find_all(PAGE_CHROME_TAGS):
        if tag.find_parent("article") is None:
            tag.decompose()
    for tag in soup.find_all(True):
        if removed(tag) or tag.name in ("html", "body", "article", "main"):
            continue
        names = " ".join([*tag.get("class", []), tag.get("id") or ""])
        if names.strip() and JUNK_CLASS.search(names) and not _holds_article(tag):
            tag.decompose()


def _holds_article(tag: Tag) -> bool:
    """A wrapper named like chrome ("main-side") that still holds the headline or real paragraphs stays."""
    if tag.find(["h1", "article"]) is not None:
        return True
    return sum(len(p.get_text(strip=True)) for p in tag.find_all("p")) >= MIN_KEPT_PARAGRAPH_CHARS


def _top_level_articles(soup: BeautifulSoup) -> list[Tag]:
    return [article for article in soup.find_all("article") if article.find_parent("article") is None]


def _is_teaser(article: Tag) -> bool:
    """A list entry pointing elsewhere: its headline is a link, or it has almost no text of its own."""
    heading = article.find(["h1", "h2", "h3", "h4", "h5", "h6"])
    if heading is not None and heading.find("a") is not None:
        return True
    linked = sum(len(link.get_text(strip=True)) for link in article.find_all("a"))
    return len(article.get_text(strip=True)) - linked < MIN_ARTICLE_CHARS


def _main_content(soup: BeautifulSoup) -> Tag:
    """The element whose paragraphs hold the most text (a paragraph counts fully for its parent, half for
    the grandparent; link text counts against it), so a page's body wins over link lists and teasers."""
    scores: dict[int, tuple[float, Tag]] = {}
    paragraphs = [(p, p.parent) for p in soup.find_all(["p", "pre", "td"])]
    # Pages that separate paragraphs with <br> only: the element holding the <br>s is itself the body.
    holders = {id(br.parent): br.parent for br in soup.find_all("br") if isinstance(br.parent, Tag)}
    paragraphs += [(holder, holder) for holder in holders.values()]
    # Pages whose paragraphs are bare <div>s with text of their own.
    paragraphs += [(div, div.parent) for div in soup.find_all("div") if id(div) not in holders
                   and sum(len(text.strip()) for text in div.find_all(string=True, recursive=False)) >= MIN_OWN_TEXT]
    for paragraph, container in paragraphs:
        length = len(paragraph.get_text(strip=True)) - 2 * sum(len(a.get_text(strip=True)) for a in paragraph("a"))
        for weight, node in ((1.0, container), (0.5, container.parent if container else None)):
            if isinstance(node, Tag):
                score, _ = scores.get(id(node), (0.0, node))
                scores[id(node)] = (score + weight * length, node)
    if not scores:
        return soup.body or soup
    best = max(scores.values(), key=lambda item: item[0])[1]
    if best.name in ("html", "[document]"):
        return soup.body or soup
    return _with_like_siblings(best)


def _with_like_siblings(best: Tag) -> Tag:
    """A section of a page whose sections are wrapped alike (<div class="section">…): the whole run of them."""
    parent = best.parent
    if not isinstance(parent, Tag) or parent.name in ("body", "html", "[document]"):
        return best
    alike = [child for child in parent.find_all(best.name, recursive=False)
             if child.get("class") == best.get("class") and _text_chars(child) >= MIN_OWN_TEXT]
    return parent if len(alike) >= 2 else best


def _page_title(soup: BeautifulSoup) -> tuple[str | None, str | None, bool]:
    """(headline, site name, whether only <title> gave it) from og:title, the only <h1>, or <title> with the
    site's suffix cut off."""
    site = None
    title_tag = soup.find("title")
    full = squeeze(title_tag.get_text()) if title_tag else ""
    suffix = SITE_SUFFIX.search(full)
    if suffix:
        site = suffix.group(0).strip(" _|\uff5c-—–")
    meta = _meta(soup, META_TITLE)
    h1s = [squeeze(h.get_text()) for h in soup.find_all("h1")]
    for candidate in (meta, h1s[0] if len(h1s) == 1 else None, full):
        if candidate:
            return SITE_SUFFIX.sub("", candidate) or candidate, site, candidate is full and not (meta or h1s)
    return None, site, False


def _own_title(body: Tag) -> str | None:
    heading = body.find(["h1", "h2", "h3"])
    return squeeze(heading.get_text()) or None if heading else None


def _is_title_echo(block: Block, title: str | None) -> bool:
    """The headline repeated in the body (the <h1> when the title came from og:title or <title>)."""
    if not title or block.kind == BlockKind.CAPTION:
        return False
    if block.text == title:
        return True
    return block.kind == BlockKind.HEADING and block.level == 1 and (block.text in title or title in block.text)


def _own_date(body: Tag) -> str | None:
    time = body.find("time")
    if time is not None:
        return time.get("datetime") or time.get_text()
    return None


def _meta(soup: BeautifulSoup, names: tuple[str, ...]) -> str | None:
    wanted = {name.lower() for name in names}
    found: dict[str, str] = {}
    for meta in soup.find_all("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        content = squeeze(meta.get("content") or "")
        if key in wanted and content and key not in found:
            found[key] = content
    return next((found[name.lower()] for name in names if name.lower() in found), None)


def _visible_source(soup: BeautifulSoup) -> str | None:
    for text in soup.find_all(string=SOURCE_LINE):
        return SOURCE_LINE.search(text).group(1)
    return None


def _visible_date(node: Tag) -> str | None:
    for text in node.find_all(string=DATE_LINE):
        line = text.strip()
        labelled = len(line) <= MAX_CHROME_LINE_CHARS and DATE_KEYWORD.search(line)
        dateline = len(line) <= MAX_BARE_DATE_CHARS or labelled
        if dateline and (date := iso_date(line)):
            return date
    return None


def _canonical_url(soup: BeautifulSoup) -> str | None:
    link = soup.find("link", rel="canonical")
    if link is not None and link.get("href"):
        return link["href"]
    return _meta(soup, ("og:url",))
