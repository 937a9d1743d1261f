#!/usr/bin/env bash
# Install the system packages QE Desktop needs on Debian/Ubuntu (Qt's libraries,
# fonts, poppler-utils for PDF checks, xvfb for screenshots).  Uses sudo when not root.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
if ! command -v apt-get >/dev/null 2>&1; then
  echo "apt-get introuvable : installez à la main les bibliothèques de Qt 6 (voir README)." >&2
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
PACKAGES=(
  libglib2.0-0 libgl1 libegl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libfreetype6
  libdbus-1-3 libx11-xcb1 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1
  libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libxrender1 libxi6
  fonts-dejavu-core poppler-utils xvfb
)
# Debian's own python3 needs python3-venv for `python3 -m venv`.
if ! python3 -c "import ensurepip, venv" >/dev/null 2>&1; then
  PACKAGES+=(python3-venv)
fi
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}" >/dev/null
