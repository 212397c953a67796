"""Text utilities every stage shares: folding, the one jieba segmenter, word lists and the synonym table."""
