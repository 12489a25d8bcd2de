"""Every warning code the pipeline writes, with its meaning: the README's data dictionary lists these.

Codes are short, stable, lower_snake_case strings; a warnings cell joins them with ";".
A test checks that every code used in the code base is listed here and in the README.
"""

from __future__ import annotations

WARNING_CODES: dict[str, str] = {
    # segmentation (extract/segmenter.py)
    "no_checklist_title": "The document has no 'Cittaslow Metropolis Checklist: …' title line.",
    "no_projects": "No project (a title followed by field labels) was found in the document.",
    "missing_title": "A project's field labels have no title paragraph before them.",
    "orphan_text": "Text between headings that belongs to no project field was left out.",
    "criterion_out_of_order": "Criterion numbers do not increase through the document.",
}
