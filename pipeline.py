#!/usr/bin/env python3
"""Run the pipeline from a checkout: `python pipeline.py INPUT... --out DIR` (same as `cittaslow-extract`)."""

import sys

from cittaslow_extract.pipeline import main

if __name__ == "__main__":
    sys.exit(main())
