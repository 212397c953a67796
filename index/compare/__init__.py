"""Comparing regulations: the clause matrix across places (matrix.py), clause-by-clause diffs between two versions
(diff.py) and clause lineage across regulations (lineage.py), over the store and today's search."""
