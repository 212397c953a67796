"""Files → clean, structured documents: parsers, cleaning, articles, clauses, metadata, cases."""
