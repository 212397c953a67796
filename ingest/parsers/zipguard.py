"""Checks an Office (zip) container before any library unpacks it: not a zip, a zip bomb, or unsafe names.

A DOCX is a zip; python-docx would inflate whatever it is given, so sizes and compression ratios are read
from the zip directory first and a file that would inflate to an unreasonable size is refused.
"""
from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import PurePosixPath

from ingest.errors import LimitExceeded, ParseError

MAX_TOTAL_BYTES = 200 * 1024 * 1024  # all members inflated; real Word files are far smaller
MAX_MEMBERS = 5000
MAX_RATIO = 200  # inflated / compressed per member; XML compresses ~10x, bombs ~1000x
RATIO_FLOOR_BYTES = 1024 * 1024  # tiny members may have any ratio


def check_zip(path: str, data: bytes, kind: str) -> zipfile.ZipFile:
    """The opened archive, or ParseError (not a zip / corrupt) or LimitExceeded (bomb, unsafe names)."""
    if not data:
        raise ParseError(path, "文件为空")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError) as error:
        raise ParseError(path, f"不是有效的 {kind} 文件(不是 zip 压缩包或已损坏:{error})") from None
    if len(members) > MAX_MEMBERS:
        raise LimitExceeded(path, f"{kind} 压缩包内文件过多({len(members)} 个),拒绝解压")
    total = 0
    for member in members:
        name = PurePosixPath(member.filename.replace("\\", "/"))
        if name.is_absolute() or ".." in name.parts or ":" in member.filename:
            raise LimitExceeded(path, f"{kind} 压缩包含有不安全的路径 {member.filename!r},拒绝解压")
        total += member.file_size
        if member.file_size > RATIO_FLOOR_BYTES and member.file_size > MAX_RATIO * max(1, member.compress_size):
            raise LimitExceeded(path, f"{kind} 压缩包中 {member.filename} 的压缩比异常(疑似压缩炸弹),拒绝解压")
    if total > MAX_TOTAL_BYTES:
        raise LimitExceeded(path, f"{kind} 解压后共 {total // (1024 * 1024)} MB,超过上限 {MAX_TOTAL_BYTES // (1024 * 1024)} MB")
    broken = _first_corrupt(archive)
    if broken:
        raise ParseError(path, f"{kind} 文件已损坏(压缩包成员校验失败:{broken})")
    return archive


def _first_corrupt(archive: zipfile.ZipFile) -> str | None:
    try:
        return archive.testzip()
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError) as error:
        return str(error)
