#!/usr/bin/env sh
# Add QE Desktop to this user's applications menu: run it from the unpacked « QE Desktop » folder.
#   ./_internal/resources/linux/install.sh            (or: sh install.sh --remove)
# Nothing is copied but the menu entry and the icon; the app stays where it was unpacked.
set -eu
here="$(cd "$(dirname "$0")" && pwd)"
app="$(cd "$here/../../.." && pwd)/qe-desktop"
data="${XDG_DATA_HOME:-$HOME/.local/share}"
desktop="$data/applications/qe-desktop.desktop"
icon="$data/icons/hicolor/scalable/apps/qe-desktop.svg"
if [ "${1:-}" = "--remove" ]; then
  rm -f "$desktop" "$icon"
  echo "QE Desktop retiré du menu des applications."
  exit 0
fi
if [ ! -x "$app" ]; then
  echo "Introuvable : $app (lancez ce script depuis le dossier « QE Desktop » déplié)." >&2
  exit 1
fi
mkdir -p "$(dirname "$desktop")" "$(dirname "$icon")"
cp "$here/../icons/qe-desktop.svg" "$icon"
# The menu entry runs this copy of the app (a path with spaces is quoted as the spec requires).
sed -e "s|^Exec=.*|Exec=\"$app\"|" -e "s|^TryExec=.*|TryExec=$app|" "$here/qe-desktop.desktop" > "$desktop"
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$(dirname "$desktop")" || true
echo "QE Desktop ajouté au menu des applications ($desktop)."
