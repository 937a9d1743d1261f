"""``python -m qe_desktop`` is the ``qe-desktop`` command."""

import sys

from qe_desktop.cli import main

sys.exit(main())
