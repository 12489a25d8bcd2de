"""Rows already serialised for the table files: what a worker sends instead of records."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RenderedRows:
    """A document's rows already serialised for the table files, by the worker that read it, so the
    process writing the tables only joins them (export.writers.table_from_parts).  `parts` maps a
    table to its part per kind: "csv" (CSV lines, no header) and "json" (JSON lines, for Parquet)."""

    neutralize_formulas: bool  # how the CSV lines were written
    parts: dict[str, dict[str, bytes]]
