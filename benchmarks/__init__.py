"""Benchmarks: the pipeline against its floor, on generated data (see benchmarks/bench.py)."""
