#!/usr/bin/env python3
"""Run the pipeline from a checkout: `python pipeline.py INPUT... --out DIR` (same as `cittaslow-extract`)."""

from cittaslow_extract.cli import cli

if __name__ == "__main__":
    cli()
