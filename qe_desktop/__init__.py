"""QE Desktop: offline research in the French parliament's written questions."""

__version__ = "0.1.0"
