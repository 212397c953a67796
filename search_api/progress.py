"""A progress bar for long CLI runs: tqdm on stderr, only when stderr is a terminal and output is not JSON."""
from __future__ import annotations

import sys

from tqdm import tqdm

MIN_ITEMS = 2  # a bar for a single file is noise


def progress_bar(total: int, enabled: bool = True, unit: str = "个文件") -> tqdm:
    """tqdm(...) that writes through `.write()` to stdout cleanly; disabled (a no-op bar) when not wanted."""
    show = enabled and total >= MIN_ITEMS and sys.stderr.isatty()
    return tqdm(total=total, unit=unit, file=sys.stderr, disable=not show, dynamic_ncols=True, leave=False)
