"""Benchmarks that print figures: import throughput, lookup latency.

Each measured step runs in a child process of its own (``python -m
regionnav.bench.child``), so that its peak memory is its own and one step's
caches do not flatter the next.
"""
