"""The data folder of word lists (dictionary, stop words, synonyms) and how its files are read."""
from __future__ import annotations

from pathlib import Path

DATA_DIR = Path(__file__).parent / "data"


def read_word_list(path: Path) -> list[str]:
    """Lines of a data file without comments and blanks."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
