"""`python -m bench.profile_cuts FOLDER [--files N]`: how often preparing a file cuts its text with jieba.

Preparing a document cuts it with the one segmenter for the index's words (a plain cut) and POS-tags the parts
that place and case extraction read. Counts every call of jieba's plain `cut` and of the POS tagger's `cut`
while the first N files of FOLDER are prepared (index/write/prepare.py): characters cut, as a multiple of the
documents' text, and how much of that was the same string cut again. Prints JSON.
"""
from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

import jieba
import jieba.posseg

from index.write.prepare import prepare_file


def counting(cls, counter: Counter) -> None:
    original = cls.cut

    def cut(self, text, *args, **kwargs):
        counter[text] += 1
        return original(self, text, *args, **kwargs)

    cls.cut = cut


def figures(counter: Counter, text_chars: int) -> dict:
    cut = sum(len(text) * calls for text, calls in counter.items())
    distinct = sum(len(text) for text in counter)
    return {"calls": sum(counter.values()), "chars_cut_vs_text": cut / text_chars,
            "repeated_chars_vs_text": (cut - distinct) / text_chars}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--files", type=int, default=60)
    args = parser.parse_args()
    paths = sorted(path for path in args.folder.rglob("*") if path.is_file())[: args.files]
    prepare_file(paths[0], paths[0].read_bytes())  # dictionaries loaded outside the counts
    plain, tagged = Counter(), Counter()
    counting(jieba.Tokenizer, plain)  # Tokenizer.tokenize calls cut, so the index's words are counted here
    counting(jieba.posseg.POSTokenizer, tagged)
    text_chars = 0
    for path in paths:
        for prepared in prepare_file(path, path.read_bytes()).documents:
            text_chars += len(prepared.document.title) + len(prepared.document.text)
    print(json.dumps({"files": len(paths), "text_chars": text_chars, "plain_cut": figures(plain, text_chars),
                      "pos_cut": figures(tagged, text_chars)}, indent=2))


if __name__ == "__main__":
    main()
