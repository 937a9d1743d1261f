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

Modules, by what they do:

- ``query``: the search box language, parsed into a tree of ``nodes`` (the project's own);
- ``matching``: that tree matched and ranked (BM25F, as Whoosh ranks) over whole posting lists;
- ``analysis``: the French analysis chain; ``schema``: the index's fields, how a question becomes
  a document, and the format's fingerprint; ``codec``: the posting blocks' format;
- ``whoosh_adapter``: the one module that uses Whoosh's private API (codec, segment writer,
  posting reader, pattern expansion), with its canary list; damage found there is IndexDamaged;
- ``index``: the index's lifecycle and searches (``state``: its files on disk; ``build``: the
  parallel rebuild; ``follow``: following an import), ``facets`` (per-document tables, counts,
  filters), ``highlight`` (spans and snippets).

Hit, SearchRequest and SearchResult live in qe_desktop.model.
"""
