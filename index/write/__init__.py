"""The write path: files → ingest/ (in worker processes) → engine and store, one batch at a time."""
