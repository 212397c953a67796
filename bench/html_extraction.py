"""`python -m bench.html_extraction`: our HTML extraction against trafilatura on the test fixtures' pages.

Per page: how many of the articles' paragraphs each keeps (recall), how many lines of page chrome it lets in
(noise: lines that are no paragraph, headline, kicker, subtitle, byline or caption of an article), and how
many documents it makes (trafilatura always makes one). trafilatura is not a dependency of redprop; install it
into the venv to run this (`pip install trafilatura`). The figures in the issue-16 note come from here.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from fixtures_build import ARTICLE, Article, page_html, two_article_page
from fixtures_epaper import PAPER, epaper_page, single_article_page

from ingest.parsers.common import squeeze
from ingest.parsers.html import parse_html

SIDE = Article(title="社区食堂开张", sections=[(None, ["社区食堂由物业企业运营,为老年居民提供优惠午餐,每天两荤两素。"])])


def cases() -> dict[str, tuple[bytes, list[str], set[str]]]:
    """name → (page, the articles' paragraphs, every other line that belongs to an article)."""
    paper_text = [p for article in PAPER for p in article.paragraphs]
    paper_head = {line for article in PAPER for line in (article.title, article.kicker, article.subtitle,
                                                         article.byline, *article.captions) if line}
    first = PAPER[0]
    first_head = {line for line in (first.title, first.kicker, first.subtitle, first.byline, *first.captions) if line}
    news_head = {ARTICLE.title, *ARTICLE.headings}
    return {
        "epaper, 3 <div> articles": (epaper_page("div"), paper_text, paper_head),
        "epaper, 3 <td> articles": (epaper_page("td"), paper_text, paper_head),
        "epaper, 3 <article>s": (epaper_page("article"), paper_text, paper_head),
        "epaper, 1 article + nav": (single_article_page(), first.paragraphs, first_head),
        "news page with chrome": (page_html(ARTICLE), ARTICLE.paragraphs, news_head),
        "2 <article>s": (two_article_page(ARTICLE, SIDE), ARTICLE.paragraphs + SIDE.paragraphs,
                         news_head | {SIDE.title, "图为社区活动现场(通讯员供图)", ARTICLE.date, SIDE.date}),
    }


def score(lines: list[str], paragraphs: list[str], head: set[str]) -> dict:
    text = "\n".join(lines)
    kept = sum(1 for paragraph in paragraphs if squeeze(paragraph) in text)
    known = {squeeze(line) for line in [*paragraphs, *head]}
    noise = [line for line in lines if squeeze(line) not in known
             and not any(squeeze(line) in other for other in known)]
    return {"recall": round(kept / len(paragraphs), 3), "noise_lines": len(noise), "noise": noise[:4]}


def ours(page: bytes) -> tuple[list[str], int]:
    documents = parse_html(Path("page.html"), page)
    return [block.text for document in documents for block in document.blocks], len(documents)


def theirs(page: bytes) -> list[str]:
    import trafilatura

    extracted = trafilatura.extract(page.decode("utf-8"), include_comments=False, include_tables=True,
                                    favor_precision=False) or ""
    return [squeeze(line) for line in extracted.splitlines() if line.strip()]


def main() -> None:
    rows = []
    for name, (page, paragraphs, head) in cases().items():
        our_lines, documents = ours(page)
        rows.append({"page": name, "ours": score(our_lines, paragraphs, head) | {"documents": documents},
                     "trafilatura": score(theirs(page), paragraphs, head) | {"documents": 1}})
    print(json.dumps(rows, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
