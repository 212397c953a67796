"""SQLite store (the source of truth), cases, and the protocol that keeps the engine in step with it."""
