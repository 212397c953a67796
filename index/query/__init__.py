"""Query text → engine query nodes: syntax, expansion (synonyms, sub-words, places), filters."""
