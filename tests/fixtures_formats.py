"""Builds files in the formats publishers put out, from text written for these tests, at test time.

A scanned notice (text drawn by Pillow in a CJK font, saved as a picture inside a PDF), a PDF mixing text
pages and a scan, a regulation PDF with a cover page, an OFD (zip of XML pages, GB/T 33190 layout), and the
.doc/.wps/.rtf LibreOffice writes from our own DOCX.
"""
from __future__ import annotations

import io
import subprocess
import tempfile
import zipfile
from pathlib import Path

from fixtures_build import zh

CJK_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")  # Debian fonts-wqy-microhei (make test)

SCANNED_NOTICE = [zh(line) for line in (
    "关于开展红色物业星级评定的通知",
    "各社区党委:",
    "为推动党建引领物业服务,街道决定开展星级评定工作。",
    "请于八月底前报送材料。",
)]


def scanned_page(lines: list[str], size: int = 36) -> bytes:
    """A PNG of the lines in black on white, as a flatbed scan of a printed notice looks (no text layer)."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(str(CJK_FONT), size)
    width = max(int(font.getlength(line)) for line in lines) + 2 * size
    picture = Image.new("L", (width, (len(lines) * 2 + 1) * size), 255)
    draw = ImageDraw.Draw(picture)
    for number, line in enumerate(lines):
        draw.text((size, size + number * 2 * size), line, font=font, fill=0)
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    return buffer.getvalue()


def pdf_pages(pages: list[list[str] | bytes], size: float = 12) -> bytes:
    """A PDF whose pages are text (a list of lines, drawn in reportlab's CID font) or a picture (PNG bytes)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buffer = io.BytesIO()
    document = canvas.Canvas(buffer, pagesize=A4)
    for page in pages:
        if isinstance(page, bytes):
            reader = ImageReader(io.BytesIO(page))
            width, height = reader.getSize()
            scale = (A4[0] - 100) / width
            document.drawImage(reader, 50, A4[1] - 80 - height * scale, width=width * scale, height=height * scale)
        else:
            document.setFont("STSong-Light", size)
            for number, line in enumerate(page):
                document.drawString(72, A4[1] - 100 - number * 2 * size, line)
        document.showPage()
    document.save()
    return buffer.getvalue()


def cover_page_pdf(cover: list[tuple[str, float]], body: list[str], body_size: float = 14) -> bytes:
    """Page 1: centred lines at the given sizes (issuer, title, date; "\n" wraps one); page 2: the body."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buffer = io.BytesIO()
    document = canvas.Canvas(buffer, pagesize=A4)
    top = A4[1] - 150
    for text, size in cover:
        document.setFont("STSong-Light", size)
        for part in text.split("\n"):  # a line break: set on two lines, as a long title or name is
            document.drawCentredString(A4[0] / 2, top, part)
            top -= size * 1.5
        top -= size
    document.showPage()
    document.setFont("STSong-Light", body_size)
    for number, line in enumerate(body):
        document.drawString(72, A4[1] - 80 - number * 2 * body_size, line)
    document.showPage()
    document.save()
    return buffer.getvalue()


# --- OFD ------------------------------------------------------------------------------------------------------

OFD_NS = "http://www.ofdspec.org/2016"


def ofd_bytes(pages: list[list[tuple[str, float]]], title: str | None = None) -> bytes:
    """An OFD package: OFD.xml → Doc_0/Document.xml → one Content.xml per page, each line a TextObject at
    its font size (millimetres, as GB/T 33190 measures), laid top to bottom on an A4 page."""
    buffer = io.BytesIO()
    info = f"<ofd:DocInfo><ofd:DocID>test</ofd:DocID>{f'<ofd:Title>{title}</ofd:Title>' if title else ''}</ofd:DocInfo>"
    page_list = "".join(f'<ofd:Page ID="{10 + n}" BaseLoc="Pages/Page_{n}/Content.xml"/>' for n in range(len(pages)))
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("OFD.xml", f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="{OFD_NS}" '
                                    f'Version="1.0" DocType="OFD"><ofd:DocBody>{info}'
                                    '<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>')
        package.writestr("Doc_0/Document.xml", f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document xmlns:ofd="{OFD_NS}">'
                                               '<ofd:CommonData><ofd:MaxUnitID>999</ofd:MaxUnitID><ofd:PageArea>'
                                               '<ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea>'
                                               f'</ofd:CommonData><ofd:Pages>{page_list}</ofd:Pages></ofd:Document>')
        for number, lines in enumerate(pages):
            objects, top = [], 30.0
            for index, (text, size) in enumerate(lines):
                width = size * len(text) + 2
                objects.append(f'<ofd:TextObject ID="{100 * (number + 1) + index}" Boundary="20 {top:.1f} {width:.1f} '
                               f'{size * 1.5:.1f}" Font="1" Size="{size}"><ofd:TextCode X="0" Y="{size:.1f}">'
                               f'{text}</ofd:TextCode></ofd:TextObject>')
                top += size * (3 if index + 1 < len(lines) and lines[index + 1][1] != size else 2.6)
            package.writestr(f"Doc_0/Pages/Page_{number}/Content.xml",
                             f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="{OFD_NS}"><ofd:Content>'
                             f'<ofd:Layer ID="{number + 1}">{"".join(objects)}</ofd:Layer></ofd:Content></ofd:Page>')
    return buffer.getvalue()


# --- LibreOffice ----------------------------------------------------------------------------------------------

def libreoffice_copies(docx: bytes, formats: dict[str, str]) -> dict[str, bytes]:
    """The DOCX saved by LibreOffice in each format ({suffix: filter}), in one soffice run."""
    with tempfile.TemporaryDirectory(prefix="redprop-test-office-") as folder:
        work = Path(folder)
        (work / "source.docx").write_bytes(docx)
        copies = {}
        for suffix, export_filter in formats.items():
            subprocess.run(["soffice", "--headless", "--norestore", f"-env:UserInstallation={(work / 'p').as_uri()}",
                            "--convert-to", f"{suffix}:{export_filter}", "--outdir", str(work / suffix),
                            str(work / "source.docx")], check=True, capture_output=True, timeout=180)
            copies[suffix] = (work / suffix / f"source.{suffix}").read_bytes()
        return copies
