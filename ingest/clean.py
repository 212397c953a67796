"""Cleaning stages for news pages: turn a parser's blocks into lines with roles and repaired text.

Order matters and is fixed in `clean_units`: normalise text → give roles (bylines, source lines, captions,
page furniture) → strip marker glyphs and OCR spaces → drop OCR duplicate fragments → re-join lines broken
inside sentences. Captions are kept (role CAPTION) so the document can list them; everything else that is not
article text is removed here, so no later stage can leak it into a passage.
"""
from __future__ import annotations

import difflib
import re
from functools import lru_cache, partial
from pathlib import Path

from ingest.models import Block, BlockKind
from ingest.text.fold import fold
from ingest.units import (
    CJK,
    CONTINUING_END,
    DATELINE,
    ENUMERATION,
    HEADING_MAX_CHARS,
    NON_INITIAL,
    POLICY_LABEL,
    SENTENCE_END,
    Role,
    Unit,
    ends_sentence,
    heading_shaped,
    splits_word,
)

DATA_DIR = Path(__file__).parent / "data"
NOISE_LINES_FILE = DATA_DIR / "noise_lines.txt"

# Invisible characters and private-use glyphs OCR and web pages leave behind (zero-width space, BOM, U+FFFD).
INVISIBLE = re.compile("[\u200b-\u200f\u2060\ufeff\ue000-\uf8ff\ufffd]")
# Markup that plain-text exports keep: HTML comments and Markdown bold/italic around a whole phrase.
HTML_COMMENT = re.compile(r"<!--.*?-->")
EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")
# Bullet and pointer glyphs at the start of a line (▶ before a photo caption, "- " list dashes).
MARKER_GLYPHS = re.compile(r"^(?:[▶►▷▸▲△▼▽◆◇■□●○★☆◎※•▪◀◁]+|[-*+](?=\s))\s*")
# A photo pointer glyph at the start marks a caption ("▶柳影街道…" under a picture).
CAPTION_POINTER = re.compile(r"^\s*[▶►▷▸▲△◀◁]")
# Spaces OCR puts between Chinese characters (and around numbers inside Chinese text): 人民 群众, 党员 267 人.
CJK_PUNCT = ",，。、;；:：!！?？“”‘’《》()（）「」【】—…"
OCR_SPACE = re.compile(
    rf"(?<=[{CJK}{CJK_PUNCT}])[ \t\u3000]+(?=[{CJK}{CJK_PUNCT}\d])"
    rf"|(?<=[{CJK}{CJK_PUNCT}\d])[ \t\u3000]+(?=[{CJK}{CJK_PUNCT}])"
)
# The space after a leading regulation label ("第一条 为了…") is structure, not OCR noise.
SPACE = re.compile(r"[ \t\u3000]")
DATELINE_MAX_CHARS = 80  # a leading label or dateline lies within this many characters
LABEL_SPACE = re.compile(r"^(第[一二三四五六七八九十百千零〇两\d]+[章节条编])[ \t\u3000]+")
# A person's name in a credit or byline; the short form where names run into following text (摄/陆一平本版…).
PERSON = rf"[{CJK}·]{{2,4}}"
PERSON_SHORT = rf"[{CJK}·]{{2,3}}"
# Photo credits closing a caption: "本报记者 于悦 摄", "新华社发 施亚磊 摄", "通讯员供图", "(资料图片)". A credit
# starts the line, follows a space or a sentence end, or stands in brackets.
CREDIT_BODY = (
    rf"(?:(?:(?:新华社|中新社|本报|本刊)(?:发|记者|特约记者|通讯员)?|(?:特约)?(?:记者|通讯员|摄影记者|摄影))\s*)?"
    rf"{PERSON}(?:[\s、]+{PERSON})*\s*摄"
    rf"|[{CJK}]{{0,12}}供图"
    rf"|资料(?:图片?|照片)"
)
PHOTO_CREDIT = re.compile(
    rf"(?:^|(?<=[\s。!?\uff01\uff1f])|(?=[(\uff08]))\s*[(\uff08]?\s*(?:{CREDIT_BODY})\s*[)\uff09]?\s*$"
)
# Caption openings: "图为…", "上图:…"; and a "图为" after the first sentence of a short block.
CAPTION_OPENING = re.compile(r"^(?:图为|上图|下图|左图|右图|组图|图\s*\d+\s*[:：、])|[。!?！？]\s*图为")
CAPTION_MAX_CHARS = 200
# Every credit, caption opening or pointer above has one of these (in either script): a cheap first test.
CAPTION_HINT = re.compile(r"[摄攝图圖照▶►▷▸▲△◀◁]")
# Runs of at least this many short sentences or phrases in a row are picture captions, not text or headings.
CAPTION_RUN_MIN = 3
# Short lines that are not captions even in a run: "联系人：张三", "（此件公开发布）", a date on its own.
NOT_A_CAPTION = re.compile(r"[:：]|^[(（【\[]|^\s*(?:\d{4}\s*年)?\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*$")
# Bylines on their own line: "记者 田丕 通讯员 杨紫云", "本报记者 吴茗 马贺 于悦".
BYLINE_ROLE = r"(?:本报|本刊|新华社|央视|人民日报)?(?:特约|实习|见习|首席)?(?:记者|通讯员|实习生|撰稿人?|作者|编译|整理)"
BYLINE_LINE = re.compile(rf"^(?:{BYLINE_ROLE}[\s:：]*{PERSON}(?:[\s、,，]+{PERSON})*\s*)+$")
# Slash bylines, often at an article's foot: "文/宁杰 摄/陆一平", "文/图 张三".
SLASH_BYLINE = re.compile(rf"^(?:(?:文图|文/图|摄影|撰文|文|图|摄)\s*[/／|:：]\s*{PERSON_SHORT}\s*)+")
BYLINE_MAX_CHARS = 60
# A source or picture-credit note closing an article: "(市物协 供稿)", "(本组图片由…提供)", "(完)". (A bare
# "(通讯员供图)" is a photo credit, not an article's end.)
SOURCE_NOTE = re.compile(
    r"[(（](?P<note>[^()（）]{1,40}?(?:供稿|提供|来稿)|来源[:：][^()（）]{1,30}|完)[)）]\s*$"
)
SOURCE_NOTE_TAIL_CHARS = 50
# Who supplied an article, read from its source note.
SUPPLIER = re.compile(r"^(?:来源[:：]\s*(?P<origin>.+)|(?P<who>.+?)\s*(?:供稿|来稿))$")
# Page-furniture lines (data file) are dropped when at most this long.
NOISE_MAX_CHARS = 80
# A short slogan next to furniture ("找记者 上壹点" under a QR code) belongs to it.
NOISE_COMPANION_MAX_CHARS = 12
# OCR duplicate fragments: a block's tail re-appearing at the next block's start.
OVERLAP_WINDOW = 60
OVERLAP_MIN_CHARS = 8
OVERLAP_MIN_RATIO = 0.85
COMPARABLE = re.compile(rf"[{CJK}A-Za-z0-9]+")


@lru_cache(maxsize=1)
def noise_patterns() -> list[re.Pattern]:
    lines = NOISE_LINES_FILE.read_text(encoding="utf-8").splitlines()
    return [re.compile(line.strip()) for line in lines if line.strip() and not line.lstrip().startswith("#")]


def normalize(blocks: list[Block]) -> list[Unit]:
    """Text repairs that need no context; blank blocks dropped, format headings kept as marked headings."""
    units = []
    for block in blocks:
        text = HTML_COMMENT.sub("", INVISIBLE.sub("", block.text))
        text = EMPHASIS.sub(r"\2", text).strip()
        if not text:
            continue
        marked = block.kind in (BlockKind.TITLE, BlockKind.HEADING)
        if marked and len(text) > HEADING_MAX_CHARS and ends_sentence(text):
            marked = False  # "### 据介绍,…。": a paragraph the export mislabelled as a heading
        if block.kind == BlockKind.CAPTION:
            units.append(Unit(text, Role.CAPTION))
        elif marked:
            is_title = block.kind == BlockKind.TITLE
            units.append(Unit(text, Role.HEADING, block.level or (1 if is_title else 2), True, is_title))
        else:
            units.append(Unit(text, Role.HEADING if heading_shaped(text) else Role.PARAGRAPH))
    return units


def assign_roles(units: list[Unit]) -> list[Unit]:
    """Bylines, source notes, captions and page furniture, each recognised by its own pattern."""
    units = split_source_notes(units)
    for unit in units:
        if unit.marked or unit.role == Role.CAPTION:
            continue
        if len(unit.text) > BYLINE_MAX_CHARS:
            continue
        folded = unit.folded
        if BYLINE_LINE.match(folded) or SLASH_BYLINE.match(folded):
            slash = SLASH_BYLINE.match(folded)
            unit.text, unit.role = (unit.text[: slash.end()].strip() if slash else unit.text), Role.BYLINE
    units = drop_noise(units)
    mark_credited_captions(units)
    mark_caption_runs(units)
    mark_speaker_labels(units)
    return units


def split_source_notes(units: list[Unit]) -> list[Unit]:
    """"…取得了显著成效。(市物协 供稿)" → the paragraph, then a SOURCE line "市物协 供稿"."""
    result = []
    for unit in units:
        offset = max(0, len(unit.text) - SOURCE_NOTE_TAIL_CHARS)  # notes close a block: fold only its tail
        match = SOURCE_NOTE.search(fold(unit.text[offset:])) if unit.role != Role.CAPTION else None
        if match is None:
            result.append(unit)
            continue
        before = unit.text[: offset + match.start()].strip()
        if before:
            result.append(Unit(before, unit.role, unit.level, unit.marked))
        result.append(Unit(unit.text[offset + match.start("note") : offset + match.end("note")].strip(), Role.SOURCE))
    return result


def supplier_of(note: str) -> str | None:
    note = note.strip()
    match = SUPPLIER.match(fold(note))
    if not match:
        return None
    group = "origin" if match.group("origin") else "who"
    return note[match.start(group) : match.end(group)].strip() or None


def is_noise(text: str) -> bool:
    if len(text) > NOISE_MAX_CHARS:
        return False
    folded = fold(text)
    return any(pattern.search(folded) for pattern in noise_patterns())


def drop_noise(units: list[Unit]) -> list[Unit]:
    """QR/app blurbs, editor lines, page numbers, and short slogans sitting between them or at the page end
    become FURNITURE: out of the body and the title, still searchable (nothing readable is unsearchable)."""
    noisy = [not unit.marked and is_noise(unit.text) for unit in units]
    for index, unit in enumerate(units):
        if noisy[index] or len(unit.text) > NOISE_COMPANION_MAX_CHARS or not heading_shaped(unit.text):
            continue
        before = index > 0 and noisy[index - 1]
        after = index + 1 == len(units) or noisy[index + 1]
        if before and after:
            noisy[index] = True
    for unit, noise in zip(units, noisy):
        if noise:
            unit.role = Role.FURNITURE
    return units


def mark_credited_captions(units: list[Unit]) -> None:
    """Captions by their credit, opening or pointer glyph; a credit on its own line makes the line before a caption."""
    standalone: list[int] = []
    credits: dict[int, Unit] = {}  # caption index → its credit, split off
    for index, unit in enumerate(units):
        if unit.marked or unit.role not in (Role.PARAGRAPH, Role.HEADING, Role.BYLINE, Role.CAPTION):
            continue
        if len(unit.text) > CAPTION_MAX_CHARS or not CAPTION_HINT.search(unit.text):  # short, and says 图/摄
            continue
        folded = unit.folded
        credit = PHOTO_CREDIT.search(folded)
        if credit and not unit.text[: credit.start()].strip():
            if unit.role != Role.CAPTION:  # under a picture the format showed, the credit is the caption itself
                standalone.append(index)
            continue
        if credit or CAPTION_OPENING.search(folded) or CAPTION_POINTER.match(unit.text):
            unit.role = Role.CAPTION
            if credit and unit.text[credit.start() :].strip():  # the credit stays searchable, as furniture
                credits[index] = Unit(unit.text[credit.start() :].strip(), Role.FURNITURE)
                unit.text = unit.text[: credit.start()].strip()
    for index in standalone:
        previous = units[index - 1] if index > 0 else None
        if previous and not previous.marked and previous.role in (Role.PARAGRAPH, Role.HEADING, Role.CAPTION) \
                and len(previous.text) <= CAPTION_MAX_CHARS:
            previous.role = Role.CAPTION
        units[index].role = Role.FURNITURE  # a bare photo credit: not body text, still searchable
    if credits:
        units[:] = [part for index, unit in enumerate(units) for part in (unit, credits.get(index)) if part]


def _caption_shape(unit: Unit) -> str | None:
    """"sentence" (one short sentence), "phrase" (no end punctuation) or None when it cannot be a caption."""
    if unit.marked or unit.role not in (Role.PARAGRAPH, Role.HEADING) or len(unit.text) > HEADING_MAX_CHARS:
        return None
    text = unit.folded
    if ENUMERATION.match(text) or text.startswith("—") or POLICY_LABEL.match(text) or NOT_A_CAPTION.search(text):
        return None
    if any(mark in text[:-1] for mark in SENTENCE_END):
        return None
    if text[-1] == "。":
        return "sentence"
    return "phrase" if heading_shaped(text) else None


def _opens_article(units: list[Unit], start: int) -> bool:
    """A byline or dateline right after (or after one lede paragraph): the lines before are a title group."""
    for unit in units[start : start + 2]:
        if unit.role == Role.BYLINE or DATELINE.match(fold(unit.text[:DATELINE_MAX_CHARS])):
            return True
    return False


def mark_caption_runs(units: list[Unit]) -> None:
    """Three or more short lines of one shape in a row, not opening an article, are a picture group's captions
    when a picture shows beside them: a caption the format marked, or a 图/摄 line in or next to the run.
    Shortness alone is no evidence (a plain text of five short paragraphs is text, issue 12): the page must
    show pictures (a credited caption anywhere on it, an e-paper's picture group) or the run sit beside one."""
    page_has_pictures = any(unit.role == Role.CAPTION for unit in units)
    index = 0
    while index < len(units):
        shape = _caption_shape(units[index])
        end = index
        while shape and end < len(units) and _caption_shape(units[end]) == shape:
            end += 1
        pictured = page_has_pictures or _beside_picture(units, index, end)
        if end - index >= CAPTION_RUN_MIN and not _opens_article(units, end) and pictured:
            for unit in units[index:end]:
                unit.role = Role.CAPTION
        index = max(end, index + 1)


def _beside_picture(units: list[Unit], start: int, end: int) -> bool:
    for unit in units[max(0, start - 1) : end + 1]:
        if unit.role == Role.CAPTION or (len(unit.text) <= CAPTION_MAX_CHARS and CAPTION_HINT.search(unit.text)):
            return True
    return False


def mark_speaker_labels(units: list[Unit]) -> None:
    """"吴兴区…业委会主任何武敏:" on its own line heads the quotes under it, so every one of them names its speaker;
    the first quote also keeps it in its text, so that passage reads as printed ("…何武敏:业委会是…").

    Not when a list follows ("享有下列权利:" + "(一)…"): then the line is the list's own first sentence.
    """
    for index, unit in enumerate(units[:-1]):
        following = units[index + 1]
        text = unit.text.rstrip()
        if unit.marked or unit.role not in (Role.PARAGRAPH, Role.HEADING) or len(text) > HEADING_MAX_CHARS:
            continue
        if text[-1] not in ":\uff1a" or any(mark in text[:-1] for mark in SENTENCE_END + ":\uff1a"):
            continue
        if following.role == Role.PARAGRAPH and not ENUMERATION.match(following.text):
            following.text = text + following.text
            unit.text, unit.role = text[:-1].rstrip(), Role.HEADING


def repair_text(units: list[Unit]) -> None:
    """Marker glyphs off; OCR spaces out of text lines; in headings only spaces that cut a word (物业经 理)."""
    for unit in units:
        unit.text = MARKER_GLYPHS.sub("", unit.text).strip()
        if unit.role in (Role.PARAGRAPH, Role.CAPTION):
            unit.text = remove_ocr_spaces(unit.text)
        elif unit.role == Role.HEADING:
            unit.text = re.sub(r"(\S)[ \t\u3000]+(\S)", partial(_heading_space, text=unit.text), unit.text)
    units[:] = [unit for unit in units if unit.text]


def remove_ocr_spaces(text: str) -> str:
    """Spaces between Chinese characters go; those in a leading 第X条 label or dateline stay."""
    if not SPACE.search(text):
        return text
    folded = fold(text[:DATELINE_MAX_CHARS])
    label = LABEL_SPACE.match(folded)
    if label:
        return text[: label.end(1)] + " " + OCR_SPACE.sub("", text[label.end():])
    dateline = DATELINE.match(folded)  # its "(记者 王皇 孟杰)" keeps the spaces between names
    if dateline:
        return text[: dateline.end()].rstrip() + " " + OCR_SPACE.sub("", text[dateline.end():])
    return OCR_SPACE.sub("", text)


def _heading_space(match: re.Match, text: str) -> str:
    left = text[: match.start() + 1]
    right = text[match.end() - 1 :]
    return match.group(1) + ("" if splits_word(left, right) else " ") + match.group(2)


def _comparable(text: str) -> str:
    """Letters and digits only (quotes, punctuation and spaces differ between OCR copies)."""
    return "".join(COMPARABLE.findall(text))


def _after_comparable(text: str, count: int) -> int:
    """The offset in `text` just after its `count`-th letter or digit (`count` ≤ len(_comparable(text)))."""
    for run in COMPARABLE.finditer(text):
        if count <= run.end() - run.start():
            return run.start() + count
        count -= run.end() - run.start()
    raise ValueError(f"fewer than {count} letters and digits more")


def overlap(previous: str, following: str) -> int:
    """How many characters at the start of `following` re-state the end of `previous` (0 when none)."""
    tail = _comparable(previous[-OVERLAP_WINDOW:])
    head_text = following[: OVERLAP_WINDOW + 10]
    head = _comparable(head_text)
    if len(tail) < OVERLAP_MIN_CHARS or len(head) < OVERLAP_MIN_CHARS:
        return 0
    # A copy starts where the original does and ends where it ends: only those lengths are worth comparing.
    sizes = [len(tail) - i for i, char in enumerate(tail) if char == head[0] and len(tail) - i >= OVERLAP_MIN_CHARS]
    ends = {i + 1 for i, char in enumerate(head) if char == tail[-1]}
    for size in sizes:
        for stretch in (0, 1, -1, 2, -2):  # OCR may drop or add a character inside the copy
            length = size + stretch
            if length not in ends or length < OVERLAP_MIN_CHARS:
                continue
            if difflib.SequenceMatcher(None, tail[-size:], head[:length], autojunk=False).ratio() >= OVERLAP_MIN_RATIO:
                return _after_comparable(head_text, length)
    return 0


def drop_duplicate_fragments(units: list[Unit]) -> list[Unit]:
    """"…不时还有志愿" + "了解红色物业的小知识,不的还有志愿者…": the repeated start of the second copy goes.

    When the whole first block is the repeated part, the first block goes (the second is the complete copy).
    """
    result: list[Unit] = []
    for unit in units:
        previous = _last_text_unit(result)
        if previous is not None and unit.role == Role.PARAGRAPH and not unit.marked:
            cut = overlap(previous.text, unit.text)
            if cut:
                covers_previous = len(_comparable(previous.text)) <= len(_comparable(unit.text[:cut])) + 2
                if covers_previous:
                    result.remove(previous)
                else:
                    unit.text = unit.text[cut:].lstrip(",，、 ")
        if unit.text:
            result.append(unit)
    return result


def _last_text_unit(units: list[Unit]) -> Unit | None:
    for unit in reversed(units):
        if unit.role == Role.CAPTION:
            continue
        return unit if unit.role == Role.PARAGRAPH and not unit.marked else None
    return None


def continues(previous: Unit, following: Unit, across_captions: bool) -> bool:
    """Does `following` carry on the sentence `previous` broke off? Never true into or out of a marked heading."""
    if previous.marked or following.marked or ends_sentence(previous.text):
        return False
    if previous.role not in (Role.PARAGRAPH, Role.HEADING) or following.role not in (Role.PARAGRAPH, Role.HEADING):
        return False
    if ENUMERATION.match(following.text) or POLICY_LABEL.match(following.text):
        return False
    if previous.text[-1] in ":：":
        return False  # a paragraph introducing what follows (speaker labels became headings before)
    if following.text[0] in NON_INITIAL or previous.text[-1] in CONTINUING_END:
        return True
    if splits_word(previous.text, following.text):
        return True
    if following.role == Role.HEADING:
        return False
    if len(previous.text) > HEADING_MAX_CHARS:
        return True
    # "仪式现场,中共威海市委" [photo] "组织部、…": a sentence begun (it has a comma) and cut by a picture.
    return across_captions and any(mark in previous.text for mark in ",，")


def join_broken_lines(units: list[Unit]) -> list[Unit]:
    """Re-join text split across lines, pages or around a picture; captions in between move after the join."""
    result: list[Unit] = []
    for unit in units:
        if unit.role in (Role.PARAGRAPH, Role.HEADING) and result:
            captions = []
            position = len(result) - 1
            while position >= 0 and result[position].role in (Role.CAPTION, Role.FURNITURE):
                captions.append(result[position])
                position -= 1
            stamped = any(skipped.role == Role.FURNITURE and any(ch.isdigit() for ch in skipped.text)
                          for skipped in captions)
            if stamped and position >= 0 and result[position].role == Role.HEADING:
                pass  # a headline above a timestamp or source line is complete
            elif position >= 0 and continues(result[position], unit, bool(captions)):
                previous = result[position]
                glue = " " if re.search(r"[A-Za-z0-9]$", previous.text) and re.match(r"[A-Za-z0-9]", unit.text) else ""
                previous.text = previous.text + glue + unit.text
                previous.role = Role.HEADING if heading_shaped(previous.text) and previous.role == Role.HEADING \
                    else Role.PARAGRAPH
                continue
        result.append(unit)
    return result


def clean_units(units: list[Unit]) -> list[Unit]:
    """All cleaning stages after `normalize`, in order (see the module docstring)."""
    units = assign_roles(units)
    repair_text(units)
    units = drop_duplicate_fragments(units)
    return join_broken_lines(units)
