""".doc, .wps and .rtf — the formats most Chinese government sites publish — via LibreOffice, then the DOCX parser.

LibreOffice (Debian `libreoffice-writer-nogui`) converts the file to DOCX headless, in a private temporary
folder with its own throw-away profile (so conversions never share state or lock each other out). It runs
inside the parse worker, so it inherits the worker's memory limit (RLIMIT_AS, ingest/guard.py); it gets its
own deadline, shorter than the worker's, and its whole process group is killed when that passes, so no
converter outlives the file. Kingsoft WPS writes .wps in Word's binary format, which LibreOffice reads.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from ingest.decode import common_ratio
from ingest.errors import LimitExceeded, MissingTool, ParseError
from ingest.guard import ParseLimits
from ingest.models import RawDocument
from ingest.parsers import register
from ingest.parsers.docx import parse_docx

PACKAGE = "libreoffice-writer-nogui"
INSTALL_HINT = f"需要 LibreOffice 才能读取此格式:sudo apt-get install {PACKAGE}(make run / make test 会自动安装)"
PROGRAMS = ("soffice", "libreoffice")
# Share of the per-file parse time the conversion may use; the rest is for reading the DOCX it gives.
CONVERT_SHARE = 0.8
# Formats whose content LibreOffice recognises by itself; .wps is named, since its suffix alone also
# means Microsoft Works to LibreOffice.
INPUT_FILTERS = {".wps": "MS Word 97"}
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc / .wps (Compound File Binary)
# Below this share of common characters the "text" LibreOffice found is binary junk.
MIN_COMMON_RATIO = 0.5
ZIP_MAGIC = b"PK\x03\x04"  # a DOCX under an old suffix


def converter() -> str | None:
    """The LibreOffice program on PATH, or None."""
    return next((found for name in PROGRAMS if (found := shutil.which(name))), None)


@register(".doc", ".wps", ".rtf")
def parse_legacy_word(path: Path, data: bytes) -> list[RawDocument]:
    suffix = path.suffix.lower()
    if not data.strip():
        raise ParseError(str(path), "文件为空")
    # Sites often serve a DOCX, an RTF or an HTML page under a .doc name: a zip is read directly, the rest is
    # recognised by LibreOffice from the content.
    docx_bytes = data if data.startswith(ZIP_MAGIC) else to_docx(path, data)
    documents = parse_docx(path.with_suffix(".docx"), docx_bytes)
    text = "".join(block.text for document in documents for block in document.blocks)
    if text and common_ratio(text) < MIN_COMMON_RATIO:  # LibreOffice reads what it cannot recognise as text
        raise ParseError(str(path), "文件内容无法识别(不是有效的 Word/WPS/RTF 文档,或已损坏)")
    for document in documents:
        document.source, document.path, document.fmt = path.name, str(path), suffix.lstrip(".")
    return documents


def to_docx(path: Path, data: bytes, timeout: float | None = None) -> bytes:
    """The file converted to DOCX by LibreOffice; MissingTool, LimitExceeded or ParseError naming `path`."""
    program = converter()
    if program is None:
        raise MissingTool(str(path), INSTALL_HINT)
    timeout = timeout or ParseLimits.from_env().timeout * CONVERT_SHARE
    suffix = path.suffix.lower()
    with tempfile.TemporaryDirectory(prefix="redprop-office-") as folder:  # mode 0700: private to this user
        work = Path(folder)
        source = work / f"input{suffix}"
        source.write_bytes(data)
        target = "docx:MS Word 2007 XML"
        command = [program, "--headless", "--norestore", "--nologo", "--nolockcheck", "--nodefault",
                   f"-env:UserInstallation={(work / 'profile').as_uri()}"]
        if suffix in INPUT_FILTERS and data.startswith(OLE_MAGIC):
            command.append(f"--infilter={INPUT_FILTERS[suffix]}")
        command += ["--convert-to", target, "--outdir", str(work / "out"), str(source)]
        output = _run(path, command, timeout, work)
        converted = work / "out" / "input.docx"
        if not converted.exists():
            raise ParseError(str(path), f"LibreOffice 无法转换此文件(文件损坏或格式不符:{_errors(output) or '无输出'})")
        return converted.read_bytes()


def _run(path: Path, command: list[str], timeout: float, work: Path) -> str:
    environment = {**os.environ, "HOME": str(work), "TMPDIR": str(work)}
    try:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                   start_new_session=True, env=environment, cwd=work)
    except OSError as error:
        raise MissingTool(str(path), f"无法启动 LibreOffice({error});{INSTALL_HINT}") from None
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        raise LimitExceeded(str(path), f"LibreOffice 转换超过 {timeout:g} 秒,已中止") from None
    finally:
        _kill_group(process)  # LibreOffice may leave a helper behind; none outlives the file
    if process.returncode != 0:
        raise ParseError(str(path), f"LibreOffice 转换失败(退出码 {process.returncode}):{_errors(output or '')}")
    return (output or "").strip()


def _errors(output: str) -> str:
    """LibreOffice's own messages without its start-up warnings (javaldx and the like)."""
    return " ".join(line for line in output.splitlines() if line.strip() and not line.startswith("Warning:"))[-200:]


def _kill_group(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    process.wait()
