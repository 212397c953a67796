"""Small text helpers every format parser needs: whitespace that layout (not the author) put in, dates."""
from __future__ import annotations

import re

# A CJK character or full-width punctuation mark: no space belongs between two of them.
CJK = r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]"
# OCR engines space out every Chinese character; a space beside one is never the author's.
SPACE_BESIDE_CJK = re.compile(rf"(?<={CJK})[ \t\u00a0]+|[ \t\u00a0]+(?={CJK})")
# A line break next to a Chinese character is layout (wrapping), never a word space.
BREAK_BESIDE_CJK = re.compile(rf"(?<={CJK})\s*\n\s*|\s*\n\s*(?={CJK})")
# Invisible characters editors and web pages leave in text (zero-width spaces/joiners, BOMs, soft hyphens).
INVISIBLE = re.compile("[\u200b-\u200d\u2060\ufeff\u00ad]")
# A date written the ways Chinese pages and metadata write it: 2024-07-27, 2024/7/27, 2024年7月27日, ISO datetimes.
DATE = re.compile(r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")


def squeeze(text: str) -> str:
    """One line of text: line breaks beside Chinese characters removed, other whitespace runs made one space.

    Spaces the author typed ("党建引领 物业服务有了主心骨") stay; use `drop_cjk_spaces` for OCR output.
    """
    text = INVISIBLE.sub("", text)
    if "\n" in text or "\r" in text:  # most calls get one line already (the regex scan was most of the cost)
        text = BREAK_BESIDE_CJK.sub("", text.replace("\r", "\n"))
    return " ".join(text.split())


def drop_cjk_spaces(text: str) -> str:
    """Remove the spaces OCR engines put around Chinese characters; spaces between Latin words stay."""
    return SPACE_BESIDE_CJK.sub("", squeeze(text))


def iso_date(text: str | None) -> str | None:
    """The first date in `text` as YYYY-MM-DD, or None when there is none (or it is not a real date)."""
    if not text:
        return None
    match = DATE.search(text)
    if not match:
        return None
    year, month, day = (int(part) for part in match.groups())
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"
