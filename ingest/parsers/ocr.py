"""OCR for scanned PDFs through Debian's `tesseract` with the `chi_sim` language, when it is installed.

The page images embedded in the PDF (a scan is one image per page) are written out with pdfminer's
ImageWriter and read by `tesseract ... -l chi_sim+eng`. Tesseract puts spaces between Chinese characters;
`drop_cjk_spaces` removes them. Without tesseract, callers report the file as needing OCR with INSTALL_HINT.
"""
from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
from functools import lru_cache
from pathlib import Path

from pdfminer.high_level import extract_pages
from pdfminer.image import ImageWriter
from pdfminer.layout import LTImage

from ingest.errors import NeedsOCR
from ingest.parsers.common import drop_cjk_spaces

LANGUAGES = "chi_sim+eng"
INSTALL_HINT = "启用 OCR:sudo apt-get install tesseract-ocr tesseract-ocr-chi-sim,然后重新导入。"
PAGE_SECONDS = 120
# Tesseract separates paragraphs with blank lines.
PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


@lru_cache(maxsize=1)
def available() -> bool:
    """True when `tesseract` is on PATH and has the simplified-Chinese model."""
    if shutil.which("tesseract") is None:
        return False
    try:
        listed = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, timeout=30,
                                check=False)
    except (OSError, subprocess.SubprocessError):
        return False
    return "chi_sim" in (listed.stdout + listed.stderr).split()


def ocr_pages(path: Path, data: bytes, numbers: list[int]) -> dict[int, str]:
    """The text of the images on each page numbered (0-based), keyed by page number, in page order."""
    texts: dict[int, str] = {}
    with tempfile.TemporaryDirectory(prefix="redprop-ocr-") as folder:
        writer = ImageWriter(folder)
        for number, layout in zip(sorted(numbers), extract_pages(io.BytesIO(data), page_numbers=numbers)):
            parts = []
            for image in images_of(layout):
                try:
                    name = writer.export_image(image)
                except Exception:  # noqa: BLE001, S112 - an image format pdfminer cannot export: skip that picture
                    continue
                parts.append(_tesseract(path, Path(folder) / name))
            texts[number] = "\n\n".join(parts)
    return texts


def paragraphs(page_text: str) -> list[str]:
    return [text for part in PARAGRAPH_BREAK.split(page_text) if (text := drop_cjk_spaces(part))]


def images_of(item) -> list[LTImage]:
    if isinstance(item, LTImage):
        return [item]
    if hasattr(item, "__iter__"):
        return [image for child in item for image in images_of(child)]
    return []


def _tesseract(path: Path, image: Path) -> str:
    try:
        done = subprocess.run(["tesseract", str(image), "stdout", "-l", LANGUAGES], check=False, capture_output=True,
                              text=True, timeout=PAGE_SECONDS)
    except subprocess.TimeoutExpired:
        raise NeedsOCR(str(path), f"OCR 超过 {PAGE_SECONDS} 秒仍未完成") from None
    if done.returncode != 0:
        raise NeedsOCR(str(path), f"OCR 失败:{done.stderr.strip()[:200]}")
    return done.stdout
