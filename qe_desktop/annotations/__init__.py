"""The user's own work: annotations, tags, dossiers, saved searches, in ``user.sqlite``.

Qt-free.  The window reaches it through its own writer (one thread owning a
:class:`UserStore`) and reader connections:

- ``store``: :class:`UserStore` (open, check, back up, read, :meth:`UserStore.apply`);
- ``edits``: the edits as data, each applied with its inverse (undo/redo);
- ``anchoring``: selectors made from a selection, placed again on changed texts;
- ``panemap``: reader pane positions <-> plain-text offsets;
- ``webannotation``: export and import as W3C Web Annotation JSON-LD;
- ``backup``: the copies in ``sauvegardes/``.
"""
