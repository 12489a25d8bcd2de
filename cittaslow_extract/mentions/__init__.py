"""Narrative mentions: quantities, money, dates, places and organisations in a project's free text.

The figures analysts report on are written in the narrative ("milk was distributed to 156 thousand 313
children in 30 districts"), so this stage lists them, one row per mention, with its value, the counted
thing (unit) and its character offsets in the field, so a reviewer can highlight it.  Precision first:
a figure that is not clearly a count of things is left out.

The modules, one concern each:

- rules.py: the word lists of data/mention_patterns.toml, as matching keys;
- lemmas.py: the unit of a QUANTITY, the dictionary form of the counted noun (unit_lemma);
- gazetteer.py: the places of data/gazetteer_izmir.toml and of --gazetteer files (load_gazetteer);
- tokens.py: spaCy's tokenizer and the stage's table of what the rules need of a token;
- scope.py: the planned flag (a planning marker in the mention's clause or an earlier one);
- counted.py, figures.py: QUANTITY and MONEY (the currency table of normalize/currency.py);
- dates.py: DATE;
- names.py: PLACE and ORG, with spaCy's PhraseMatcher, Matcher and filter_spans, and the entities of
  a trained pipeline (--spacy-model);
- found.py, extractor.py: the mentions of a project, assembled per field (MentionExtractor).

spaCy is imported when the first pipeline is built, not when this package is imported.

>>> unit_lemma("children", "en"), unit_lemma("çocuğa", "tr")
('child', 'çocuk')
"""

from cittaslow_extract.mentions.extractor import MentionExtractor
from cittaslow_extract.mentions.found import LABELS
from cittaslow_extract.mentions.gazetteer import Place, load_gazetteer
from cittaslow_extract.mentions.lemmas import unit_lemma

__all__ = ["LABELS", "MentionExtractor", "Place", "load_gazetteer", "unit_lemma"]
