"""Blocks → checklist structure: units, the per-document style profile, the form grammar
(data/form.toml), the whole-document decoder, the label vocabulary and the document's identity."""
