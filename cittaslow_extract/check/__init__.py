"""`cittaslow-extract check [FOLDER]`: run the pipeline on sample documents and compare every field
with their expected files (`<file>.expected.json`, see golden.py).

For maintainers of the rules: a change to a label, a money form or a segmenter rule shows here as
the exact projects and columns it changes, before the tables reach analysts.  Workflow: change a
rule → `check` → read the diff → `check --update` → commit the rule with the expected files.

The stages, a module each: golden.py (the expected files), diff.py (the comparison and how rows
are matched), runner.py (a folder of samples through the pipeline), report.py (the results),
render.py (text and JSON); the subcommand itself is cli/check.py.
"""

from cittaslow_extract.check.diff import compare, mentions_compared, project_labels
from cittaslow_extract.check.render import excerpt_pair, format_differences, format_json, format_text
from cittaslow_extract.check.report import CheckReport, Difference, DocumentCheck
from cittaslow_extract.check.runner import check_folder

__all__ = [
    "CheckReport",
    "Difference",
    "DocumentCheck",
    "check_folder",
    "compare",
    "excerpt_pair",
    "format_differences",
    "format_json",
    "format_text",
    "mentions_compared",
    "project_labels",
]
