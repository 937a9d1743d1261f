"""What goes into the bundle and what is left out: read by ``qe_desktop.spec`` and checked by a test.

Modules are named here, not guessed by the spec: ``tests/unit/test_bundle_contents.py``
checks that each name is a module of this environment, so that a rename does
not silently drop a module from the bundle or an exclusion from its trimming.
"""

from __future__ import annotations

#: Packages whose every submodule goes in: imported by name at run time (Whoosh's index table of
#: contents pickles its segment and codec classes; ijson picks its backend; the app imports its
#: export writers, the PDF engine and the window's driver of the smoke test on demand).
COLLECT_ALL = ("qe_desktop", "whoosh", "ijson")

#: Imported lazily by the app (``import`` inside a function): named so that a missing one fails the
#: build's analysis loudly rather than the user's first export.
HIDDEN_IMPORTS = (
    "qe_desktop.export.pdf",
    "qe_desktop.export.markdown",
    "qe_desktop.export.odt",
    "qe_desktop.export.table",
    "qe_desktop.export.job",
    "qe_desktop.suivi.duplicates",
    "qe_desktop.smoke",
    "qe_desktop.ui.app",
    "qe_desktop.ui.smoke",
    "qe_desktop.search.build",
    "qe_desktop.importers.an_json",
    "qe_desktop.importers.an_xml",
    "qe_desktop.importers.page_text",
    "qe_desktop.importers.amo",
    "pypdf",
    "Stemmer",
    # The export dialog's preview (PDFium), imported on demand.
    "pypdfium2",
    # French hyphenation: reportlab imports it only if it is there.
    "pyphen",
)

#: Never used by the app: kept out of the analysis (PySide6 modules it never imports, test and
#: development packages that a library may import optionally).
EXCLUDED_MODULES = (
    "PySide6.QtQml",
    "PySide6.QtQuick",
    "PySide6.QtQuickWidgets",
    "PySide6.QtNetwork",
    "PySide6.QtOpenGL",
    "PySide6.QtOpenGLWidgets",
    "PySide6.QtDBus",
    "PySide6.QtSql",
    "PySide6.QtTest",
    "PySide6.QtXml",
    "PySide6.QtConcurrent",
    "PySide6.QtPrintSupport",
    "PySide6.QtDesigner",
    "PySide6.QtUiTools",
    "PySide6.QtHelp",
    "tkinter",
    "pytest",
    "_pytest",
    "hypothesis",
    "pytestqt",
    "mypy",
    "setuptools",
    "pip",
    # Pillow is imported by reportlab, but the PDF has no picture: its optional codecs and toolkit
    # bridges stay out (libavif alone is 5 MB).
    "PIL._avif",
    "PIL.AvifImagePlugin",
    "PIL._webp",
    "PIL._imagingcms",
    "PIL._imagingtk",
    "PIL.ImageTk",
    "PIL.ImageQt",
    # datasketch is the tests' reference for the identical answers' signatures (suivi/duplicates.py
    # computes them in numpy); it and the scipy it imports (about 100 MB) never ship.
    "datasketch",
    "scipy",
    "numpy.tests",
    "diff_match_patch.tests",
    "whoosh.support.bench",
)

#: Shared libraries of Qt that the app never loads (QML, Quick, 3D, WebEngine, Multimedia, PDF,
#: Designer…), matched at the start of the file name, as PyInstaller may still collect them as
#: dependencies of a plugin.
EXCLUDED_QT_LIBRARIES = (
    "libQt6Qml",
    "libQt6Quick",
    "libQt6Labs",
    "libQt63D",
    "libQt6WebEngine",
    "libQt6WebChannel",
    "libQt6WebSockets",
    "libQt6Multimedia",
    "libQt6Pdf",
    "libQt6Designer",
    "libQt6Help",
    "libQt6Lottie",
    "libQt6ShaderTools",
    "libQt6Charts",
    "libQt6DataVisualization",
    "libQt6Graphs",
    "libQt6Test",
    "libQt6Sql",
    "libQt6Network",
    "libQt6OpenGLWidgets",
    "libQt6VirtualKeyboard",
    "libQt6WaylandCompositor",
    "libQt6EglFS",
    "libQt6EglFs",
    "Qt6Qml",
    "Qt6Quick",
    "Qt6Pdf",
    "Qt6Network",
    "Qt6Designer",
)

#: Qt plugin folders the app never uses (QML tooling, SQL drivers, TLS, printing, network state,
#: Wayland compositor side, EGL device integrations, designer), and plugins it never loads, as
#: ``folder/name`` without the platform's ``lib`` prefix and suffix (``imageformats/qpdf``).
EXCLUDED_QT_PLUGINS = (
    "qmltooling",
    "qmllint",
    "sqldrivers",
    "tls",
    "printsupport",
    "networkinformation",
    "designer",
    "egldeviceintegrations",
    "wayland-graphics-integration-server",
    "vectorimageformats",
    "generic",
    "platforms/qeglfs",
    "platforms/qlinuxfb",
    "platforms/qminimalegl",
    "platforms/qvkkhrdisplay",
    "platforms/qvnc",
    # GTK's theme plugin would bring the build machine's cairo and pango next to the user's GTK.
    "platformthemes/qgtk3",
    "imageformats/qpdf",
    "imageformats/qtiff",
    "imageformats/qwebp",
    "imageformats/qtga",
    "imageformats/qwbmp",
)

#: Qt's own translations kept (the app speaks French; English is Qt's source language).
QT_LANGUAGES = ("fr", "en")

#: Hyphenation dictionaries kept when pyphen is installed (reportlab hyphenates the PDF in French).
PYPHEN_LANGUAGES = ("fr",)
