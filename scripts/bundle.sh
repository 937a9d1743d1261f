#!/usr/bin/env bash
# Build the installable app: dist/QE Desktop/ (one folder) and its archive, then run its smoke test.
#   ./scripts/bundle.sh               build (PyInstaller's cache in build/pyinstaller-work is reused)
#   ./scripts/bundle.sh --clean       build from scratch
# VENV=/path/to/venv picks another environment than .venv (it must have the app installed).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${VENV:-.venv}"
PY="$VENV/bin/python"
if [ ! -x "$PY" ]; then
  ./scripts/setup.sh
fi
PYINSTALLER_PIN="$(sed -n 's/^bundle = \["\(pyinstaller==[^"]*\)"\]/\1/p' pyproject.toml)"
if [ "$("$PY" -m PyInstaller --version 2>/dev/null)" != "${PYINSTALLER_PIN#pyinstaller==}" ]; then
  echo "Installation de $PYINSTALLER_PIN…"
  "$PY" -m pip install --quiet --disable-pip-version-check "$PYINSTALLER_PIN"
fi

VERSION="$("$PY" -c 'import sys; sys.path.insert(0, "."); from qe_desktop import __version__; print(__version__)')"
case "$(uname -s)" in
  Linux) PLATFORM=linux ;;
  Darwin) PLATFORM=macos ;;
  *) PLATFORM="$(uname -s | tr '[:upper:]' '[:lower:]')" ;;
esac
ARCHIVE="dist/qe-desktop-$VERSION-$PLATFORM-$(uname -m).tar.gz"

started=$(date +%s)
# The spec draws the icons with Qt: offscreen, with or without a display.
QT_QPA_PLATFORM=offscreen "$PY" -m PyInstaller --noconfirm --log-level WARN ${1:+"$1"} \
  --distpath dist --workpath build/pyinstaller-work build/qe_desktop.spec
echo "Construit en $(( $(date +%s) - started )) s : dist/QE Desktop/"

if [ "$PLATFORM" = macos ]; then
  APP="dist/QE Desktop.app/Contents/MacOS/QE Desktop"
  tar -C dist -czf "$ARCHIVE" "QE Desktop.app"
else
  APP="dist/QE Desktop/qe-desktop"
  tar -C dist -czf "$ARCHIVE" "QE Desktop"
fi
echo "Taille : $(du -sh "dist/QE Desktop" | cut -f1) dépliée, archive $(du -h "$ARCHIVE" | cut -f1) ($ARCHIVE)"

# The frozen app checks itself: no display, a temporary data folder, every step (see qe_desktop/smoke.py).
"$APP" --smoke-test
