"""What build/qe_desktop.spec puts in and leaves out names things that exist (no bundle is built here:
CI builds it with scripts/bundle.sh and runs its smoke test)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / "build"


def _contents() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bundle_contents", BUILD / "bundle_contents.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


contents = _contents()


def _exists(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:  # its parent package is missing
        return False


@pytest.mark.parametrize("name", [*contents.COLLECT_ALL, *contents.HIDDEN_IMPORTS])
def test_every_module_put_in_exists(name: str) -> None:
    assert _exists(name), f"{name} n'existe pas : renommé ? (build/bundle_contents.py)"


@pytest.mark.parametrize("name", contents.EXCLUDED_MODULES)
def test_every_module_left_out_exists(name: str) -> None:
    assert _exists(name), f"{name} n'existe pas : l'exclusion ne sert à rien (build/bundle_contents.py)"


def test_no_module_the_app_imports_is_left_out() -> None:
    app_modules = {name for name in sys.modules if name.startswith("qe_desktop")}
    for excluded in contents.EXCLUDED_MODULES:
        assert not excluded.startswith("qe_desktop"), excluded
    assert "PySide6.QtCore" not in contents.EXCLUDED_MODULES
    assert "PySide6.QtGui" not in contents.EXCLUDED_MODULES
    assert "PySide6.QtWidgets" not in contents.EXCLUDED_MODULES
    assert app_modules.isdisjoint(contents.EXCLUDED_MODULES)


def test_every_qt_plugin_left_out_is_a_plugin_of_this_qt() -> None:
    spec = importlib.util.find_spec("PySide6")
    assert spec is not None
    assert spec.submodule_search_locations
    plugins = Path(next(iter(spec.submodule_search_locations))) / "Qt" / "plugins"
    if not plugins.is_dir() and not sys.platform.startswith("linux"):
        pytest.skip("PySide6 sans dossier Qt/plugins (macOS, Windows : autre disposition)")
    assert plugins.is_dir(), plugins  # the Linux wheel has it: the bundle's exclusions are checked here
    present = [f"{p.parent.relative_to(plugins)}/{p.name.removeprefix('lib')}" for p in plugins.rglob("*")]
    present += [str(p.relative_to(plugins)) for p in plugins.iterdir()]
    for name in contents.EXCLUDED_QT_PLUGINS:
        assert any(p.startswith(name) for p in present), f"plugin Qt inconnu : {name}"


def test_the_qt_plugins_the_window_needs_are_kept() -> None:
    for needed in ("platforms/qxcb", "platforms/qwayland", "platforms/qoffscreen", "iconengines/qsvgicon"):
        assert not needed.startswith(contents.EXCLUDED_QT_PLUGINS), needed
    assert not "libQt6Svg".startswith(contents.EXCLUDED_QT_LIBRARIES)  # the window's SVG icon


def test_the_spec_is_python_and_uses_only_paths_relative_to_itself() -> None:
    source = (BUILD / "qe_desktop.spec").read_text(encoding="utf-8")
    compile(source, "qe_desktop.spec", "exec")
    assert "SPECPATH" in source
    assert "/work/" not in source
    assert "/home/" not in source
    compile((BUILD / "launch.py").read_text(encoding="utf-8"), "launch.py", "exec")
    assert "freeze_support()" in (BUILD / "launch.py").read_text(encoding="utf-8")
