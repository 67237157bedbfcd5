"""Benchmarks of the matching engine and the main pages, run with `python -m bench`."""
