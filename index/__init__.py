"""Chinese analysis, the SQLite store and the Whoosh index, and search over them."""
