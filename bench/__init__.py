"""Benchmarks (`make bench`); results are printed as tables and written under var/bench/."""
