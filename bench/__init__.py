"""Benchmarks of the SCN dashboard: `python -m bench.run --parts pipeline` (see bench/README.md)."""
