"""Benchmarks: run against a fresh Azurite, print a table, write JSON to bench/results/."""
