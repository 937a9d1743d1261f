"""The canary: every private name of Whoosh the adapter relies on is where it was, unchanged."""

from __future__ import annotations

import ast
import importlib.metadata
from pathlib import Path

import whoosh

from qe_desktop.search import whoosh_adapter as adapter

SEARCH = Path(adapter.__file__).parent


def test_whoosh_is_the_pinned_release() -> None:
    assert importlib.metadata.version("whoosh-reloaded") == "2.7.5"
    assert whoosh.versionstring() == "2.7.5"


def test_no_private_name_of_whoosh_moved() -> None:
    # A Whoosh upgrade that changes any of them fails here, naming each one: read its new source,
    # adapt the adapter, then record the new digest in PRIVATE_API.
    assert adapter.moved() == []


def test_a_changed_private_name_is_named() -> None:
    name = next(iter(adapter.PRIVATE_API))
    patched = dict(adapter.PRIVATE_API, **{name: "0" * 16, "whoosh.writing.SegmentWriter._gone": "x"})
    original = adapter.PRIVATE_API
    adapter.PRIVATE_API = patched
    try:
        moved = adapter.moved()
    finally:
        adapter.PRIVATE_API = original
    assert any(m.startswith(f"{name} : source changée") for m in moved)
    assert "whoosh.writing.SegmentWriter._gone : introuvable (AttributeError)" in moved


def _private_uses(path: Path) -> set[str]:
    """Attributes with a leading underscore read or written on objects that are not ``self`` and
    not the project's own modules, and imported private names of Whoosh."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("whoosh"):
            found.update(a.name for a in node.names if a.name.startswith("_"))
        if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__"):
            owner = node.value
            if isinstance(owner, ast.Name) and owner.id in ("self", "adapter", "cls"):
                continue
            found.add(node.attr)
    return found


def test_whoosh_private_api_is_used_in_the_adapter_only() -> None:
    # Our own private names (module functions, our classes' attributes) are fine anywhere; Whoosh's
    # are the adapter's business.  The other modules use none of the names the adapter lists.
    listed = {name.rsplit(".", 1)[-1] for name in adapter.PRIVATE_API}
    whoosh_private = listed | {
        "_perdoc",
        "_postfile",
        "_maxid",
        "_blocklength",
        "_dataoffset",
        "_nextoffset",
        "_postwriter",
    }
    for path in sorted(SEARCH.glob("*.py")):
        if path.name == "whoosh_adapter.py":
            continue
        leaked = _private_uses(path) & whoosh_private
        assert not leaked, f"{path.name} uses Whoosh's private {sorted(leaked)}"
        source = path.read_text(encoding="utf-8")
        assert "whoosh.codec" not in source, path.name
        assert "whoosh.writing" not in source, path.name
