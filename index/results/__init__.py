"""A query's matches → what users see: ranking and collapse, facets, snippets, suggest, similar, explain."""
