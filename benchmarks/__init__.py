"""Reproducible benchmarks and the synthetic corpus generator (not shipped with the app)."""
