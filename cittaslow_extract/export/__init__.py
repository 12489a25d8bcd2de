"""The tables: their columns derived from the record dataclasses (schema.py), the CSV, Parquet and
Excel writers, and the atomic replacement of a whole set of tables (outputs.py, atomic.py)."""
