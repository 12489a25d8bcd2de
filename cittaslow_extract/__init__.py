"""cittaslow-extract: Cittaslow Metropolis checklist submissions → clean tables."""

__version__ = "0.1.0"
