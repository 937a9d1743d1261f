"""Full-text search: everything Whoosh lives here (no Qt).

Library API (the reading window calls it from a worker thread)::

    index = SearchIndex.open(paths, store, progress=..., cancelled=...)  # checks, rebuilds if needed
    result = index.search(SearchRequest(query="hôpital -privé", filters=(("legislature", "13"),)))
    result.total, result.facets, result.hits[0].question_snippet, result.interpretation, result.warnings
    index.similar("13-101851QE", limit=10)
    index.update(uids)            # after each committed import batch (import_paths(on_changed=...))
    index.rebuild(progress, cancelled)
    index.check() -> IndexHealth
    highlight_spans(text, query, pane="question") -> [(start, end), ...]   # reader panes, PDF export

Modules: analysis (French analysis chain), schema (fields, SCHEMA_VERSION), query
(the search box language), highlight (spans and snippets), facets (per-document
tables, facet counts and filters), writer (fast segment writer), index (lifecycle,
search, similar).  Hit, SearchRequest and SearchResult live in qe_desktop.model.
"""
