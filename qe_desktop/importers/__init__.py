"""Importers, one module per source format, chosen by sniffing the content.

Each module exposes ``FORMAT`` (a short id stored with every record),
``LABEL`` (French, for messages), ``sniff(head, name) -> bool`` and
``parse(source) -> Iterator[ParsedItem]``: a pure parser that reads one
Source and yields Questions (or AMO Actors/Organes) and a Rejection for
every record or file it cannot read.  Imports are static so that
PyInstaller sees every importer.
"""

from __future__ import annotations

from collections.abc import Iterator
from types import ModuleType
from typing import Protocol

from qe_desktop.importers import amo as amo
from qe_desktop.importers import an_json as an_json
from qe_desktop.importers import an_xml as an_xml
from qe_desktop.importers import page_text as page_text
from qe_desktop.importers.sources import Source
from qe_desktop.model import ParsedItem


class Importer(Protocol):
    FORMAT: str
    LABEL: str

    def sniff(self, head: bytes, name: str) -> bool: ...

    def parse(self, source: Source) -> Iterator[ParsedItem]: ...


#: Most specific first: page_text accepts any text, so it comes last.
IMPORTERS: tuple[ModuleType, ...] = (amo, an_json, an_xml, page_text)


def sniff(source: Source, head: bytes | None = None) -> ModuleType | None:
    """The importer that can read this source, or None."""
    if head is None:
        head = source.head()
    for module in IMPORTERS:
        if module.sniff(head, source.basename):
            return module
    return None
