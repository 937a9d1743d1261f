#!/usr/bin/env bash
# Set up the environment, then open the window (on the bundled sample corpus the first time).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
exec .venv/bin/qe-desktop "$@"
