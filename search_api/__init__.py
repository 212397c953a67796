"""HTTP API, web pages and the `redprop` command line over the ingest and index packages."""
