"""Web pages holding several articles, and the head of an article block (引题, headline, 副题, byline).

E-paper and portal pages put each article in a container of its own — <article>, <div>, <td> — that opens
with a few short lines (a kicker, the headline, a subtitle, a byline) and goes on with the body. Two or more
sibling containers like that, each with its own headline and body text, are the page's articles, whatever
their tags or class names. Before looking, navigation goes: title lists (本版标题导航), page lists (版面导航),
上一篇/下一篇 and 相关阅读 — found by their labels, and by being lists of links with little other text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from bs4 import BeautifulSoup, NavigableString, Tag

from ingest.models import Block, BlockKind
from ingest.parsers.common import squeeze

# Labels of navigation blocks on Chinese news and e-paper pages.
NAV_LABEL = re.compile(
    r"^[\[【]?(?:本版标题导航|标题导航|本版导航|版面导航|版面目录|本版目录|往期回顾|相关阅读|相关新闻|相关链接|相关文章|"
    r"相关稿件|延伸阅读|推荐阅读|热点推荐|热门文章|上一篇|下一篇|上一版|下一版|上一期|下一期)[\]】]?\s*[:\uff1a]?$"
)
# A text node that may be a navigation label (cheap prefilter before NAV_LABEL on the squeezed text).
NAV_LABEL_TEXT = re.compile(r"导航|目录|回顾|相关|阅读|推荐|热点|热门|上一|下一")
# A list of at least this many links, whose text is at least this share links, is navigation ...
MIN_NAV_LINKS = 3
NAV_LINK_SHARE = 0.75
# ... unless it has this much text outside its links (a paragraph with links in it).
MAX_NAV_OWN_CHARS = 40
NAV_TAGS = ["ul", "ol", "div", "table", "td", "tr", "p", "span", "dl", "section", "center"]
# A head line (kicker, headline, subtitle, byline) is short and ends no sentence.
MAX_HEAD_CHARS = 60
MAX_HEAD_LINES = 5
SENTENCE_END = "\u3002\uff01\uff1f!?\uff1b;"
# An article block has at least this much body text outside links.
MIN_BODY_CHARS = 60
# Elements whose class or id says they hold the headline; e-paper systems also name it "biaoti"/"bt".
TITLE_CLASS = re.compile(r"(?:^|[-_ ])(?:title|headline|biaoti|bt|tit|main-?title|h-?title)(?:$|[-_ \d])", re.IGNORECASE)
SUBTITLE_CLASS = re.compile(r"sub-?title|subhead|futi|fubiaoti|fu-?title", re.IGNORECASE)
KICKER_CLASS = re.compile(r"kicker|yinti|pre-?title|over-?title|shoulder", re.IGNORECASE)
BYLINE_CLASS = re.compile(r"author|byline|zuozhe|writer|reporter", re.IGNORECASE)
# A byline names its people by role: "本报记者 林晓 通讯员 周安", "文/图 张三".
BYLINE_TEXT = re.compile(r"^(?:本报|特约|见习|实习)?(?:记者|通讯员|作者|撰稿|文\s*/\s*图|文\s*[/:\uff1a]|图\s*[/:\uff1a])")
SUBTITLE_DASH = re.compile(r"^\s*[—-]{1,2}")
# A kicker above the headline is clearly longer than it; otherwise the first line is the headline.
KICKER_LENGTH_RATIO = 1.3
HEADING_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6"}


@dataclass
class Head:
    """The opening lines of an article block, typed."""

    title: str | None = None
    kicker: str | None = None
    subtitle: str | None = None
    byline: str | None = None
    lines: list[str] = field(default_factory=list)  # every head line, in order


class TextLengths:
    """Characters of text (stripped, as get_text(strip=True) counts them) and of link text under each element,
    counted in one pass over the strings, so checking every element of a deep page stays linear."""

    def __init__(self, root: Tag):
        self.total: dict[int, int] = {}
        self.linked: dict[int, int] = {}
        self.links: dict[int, int] = {}
        for text in root.find_all(string=True):
            size = len(str(text).strip())
            if not size:
                continue
            in_link = text.find_parent("a") is not None
            for ancestor in text.parents:
                self.total[id(ancestor)] = self.total.get(id(ancestor), 0) + size
                if in_link:
                    self.linked[id(ancestor)] = self.linked.get(id(ancestor), 0) + size
        for link in root.find_all("a"):
            for ancestor in link.parents:
                self.links[id(ancestor)] = self.links.get(id(ancestor), 0) + 1

    def own(self, tag: Tag) -> int:
        """Text outside links."""
        return self.total.get(id(tag), 0) - self.linked.get(id(tag), 0)


def removed(tag: Tag) -> bool:
    """Whether `tag` was decomposed (with an ancestor). bs4's own `tag.decomposed` reads a missing attribute
    through Tag.__getattr__, i.e. searches the whole subtree for a <_decomposed> tag: quadratic on deep pages."""
    return tag.__dict__.get("_decomposed", False)


def strip_navigation(soup: BeautifulSoup) -> None:
    """Remove labelled navigation blocks and plain lists of links."""
    for text in list(soup.find_all(string=NAV_LABEL_TEXT)):
        if getattr(text, "parent", None) is None:
            continue  # inside a block removed around an earlier label (bs4 empties what it decomposes)
        if isinstance(text, NavigableString) and NAV_LABEL.match(squeeze(str(text))):
            _remove_nav_around(text)
    lengths = TextLengths(soup)
    for tag in soup.find_all(NAV_TAGS):
        if not removed(tag) and _is_link_list(tag, lengths):
            tag.decompose()


def _remove_nav_around(label: NavigableString) -> None:
    """The label and the largest block around it that is still only links besides the label."""
    node = label.parent
    best = None
    while isinstance(node, Tag) and node.name not in ("body", "html", "[document]"):
        links = sum(len(link.get_text(strip=True)) for link in node.find_all("a"))
        own = len(node.get_text(strip=True)) - links - len(squeeze(str(label)))
        if own > MAX_NAV_OWN_CHARS:
            break
        best = node
        node = node.parent
    if best is not None:
        best.decompose()


def _is_link_list(tag: Tag, lengths: TextLengths) -> bool:
    if lengths.links.get(id(tag), 0) < MIN_NAV_LINKS:
        return False
    total, linked = lengths.total.get(id(tag), 0), lengths.linked.get(id(tag), 0)
    return total > 0 and linked / total >= NAV_LINK_SHARE and total - linked <= MAX_NAV_OWN_CHARS


def article_blocks(root: Tag, walk) -> list[Tag]:
    """Sibling containers that are each an article (a head, then body text); the largest such group of two
    or more, or [] when the page holds one article. `walk(tag)` gives a tag's blocks (html.body_blocks)."""
    lengths = TextLengths(root)
    best: list[Tag] = []
    best_chars = 0
    for parent in [root, *root.find_all(True)]:
        sized = [child for child in parent.find_all(True, recursive=False) if lengths.own(child) >= MIN_BODY_CHARS]
        if len(sized) < 2:  # checked first, cheaply: most elements have one child with text
            continue
        heads = {id(child): read_head(walk(child)).title for child in sized}
        members = [child for child in sized if heads[id(child)] is not None
                   and not _headline_is_link(child, heads[id(child)])]
        titles = [heads[id(member)] for member in members]
        if len(members) < 2 or len(set(titles)) < len(titles):
            continue  # the same headline twice: repeated teasers or a gallery, not several articles
        chars = sum(lengths.own(member) for member in members)
        if chars > best_chars:
            best, best_chars = members, chars
    if best and _sections_of_one_article(root, best):
        return []
    return best


def _headline_is_link(tag: Tag, title: str) -> bool:
    return any(squeeze(link.get_text()) == title for link in tag.find_all("a"))


def _sections_of_one_article(root: Tag, members: list[Tag]) -> bool:
    """Blocks under one <h1> that stands outside all of them are the sections of that one article."""
    h1s = root.find_all("h1")
    return len(h1s) == 1 and not any(member is h1s[0] or h1s[0] in member.descendants for member in members)


def read_head(blocks: list[Block]) -> Head:
    """Type the short lines before the body: byline by its role words (or class), subtitle by its dash, the
    headline by markup (the one line set as a heading, the highest) or else by position (a longer first line
    is a kicker)."""
    lines: list[Block] = []
    for block in blocks:
        if block.kind == BlockKind.CAPTION:
            continue
        if not _head_shaped(block.text) or len(lines) == MAX_HEAD_LINES:
            break
        lines.append(block)
    head = Head(lines=[block.text for block in lines])
    rest: list[Block] = []
    for block in lines:
        if head.byline is None and BYLINE_TEXT.match(block.text):
            head.byline = block.text
        elif head.subtitle is None and SUBTITLE_DASH.match(block.text):
            head.subtitle = block.text
        else:
            rest.append(block)
    marked = sorted((block for block in rest if block.kind in (BlockKind.TITLE, BlockKind.HEADING)),
                    key=lambda block: (block.kind != BlockKind.TITLE, block.level))
    if marked and len(marked) < len(rest) or len(rest) == 1:
        title = (marked or rest)[0]  # the one line marked up among plain ones (or the only line)
    elif len(rest) >= 2 and len(rest[0].text) >= KICKER_LENGTH_RATIO * len(rest[1].text):
        title = rest[1]
    elif rest:
        title = rest[0]
    else:
        return head
    head.title = title.text
    before = [block.text for block in rest if rest.index(block) < rest.index(title)]
    after = [block.text for block in rest if rest.index(block) > rest.index(title)]
    head.kicker = " ".join(before) or None
    if after and head.subtitle is None:
        head.subtitle = " ".join(after)
    return head


def _head_shaped(text: str) -> bool:
    return len(text) <= MAX_HEAD_CHARS and text[-1:] not in SENTENCE_END


def typed_class(tag: Tag) -> str | None:
    """"title", "subtitle", "kicker" or "byline" when the element's class or id names it so."""
    names = " ".join([*tag.get("class", []), tag.get("id") or ""])
    if not names.strip():
        return None
    for kind, pattern in (("subtitle", SUBTITLE_CLASS), ("kicker", KICKER_CLASS), ("byline", BYLINE_CLASS),
                          ("title", TITLE_CLASS)):
        if pattern.search(names):
            return kind
    return None
