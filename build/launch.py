"""The frozen app's entry point (build/qe_desktop.spec): ``qe-desktop`` as PyInstaller runs it.

``multiprocessing.freeze_support()`` comes first, before anything of the app is
imported: a worker of the parallel index rebuild is this executable started
again (spawn), and it must become that worker, not a second app.
"""

import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()
    from qe_desktop.cli import main

    sys.exit(main())
