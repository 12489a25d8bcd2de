"""MentionExtractor: a project's field texts → its mentions, one row each (models.Mention).

The fields are read as one spaCy Doc, joined by blank lines (which end sentences), so the pipeline
runs once per project; offsets are given back per field.  One blank pipeline per language is built
on first use and kept for the process.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from operator import attrgetter
from pathlib import Path
from typing import Any

from cittaslow_extract.mentions.dates import find_dates, has_numeric_date
from cittaslow_extract.mentions.figures import find_figures, quantity_or_money
from cittaslow_extract.mentions.found import LABELS, Found, dedupe
from cittaslow_extract.mentions.gazetteer import load_gazetteer
from cittaslow_extract.mentions.names import NameMatchers, find_names, find_places, model_entities, set_norms
from cittaslow_extract.mentions.rules import LANGUAGES
from cittaslow_extract.mentions.tokens import Text, Tokens, load_model
from cittaslow_extract.models import Language, Mention

__all__ = ["BUDGET_FIELD", "MentionExtractor", "Pipeline"]

BUDGET_FIELD = "budget_text"
_SEPARATOR = "\n\n"
_LABEL_ORDER = {label: n for n, label in enumerate(LABELS)}
_NAME, _PLACE = attrgetter("name"), attrgetter("place")  # columns of the token table (C-level scans)


@dataclass(frozen=True, slots=True)
class _Field:
    name: str
    start: int  # offsets in the joined text
    end: int


@dataclass(frozen=True, slots=True)
class Pipeline:
    """The spaCy pipeline of one language with the stage's word table and name matchers."""

    tokens: Tokens
    names: NameMatchers

    @property
    def nlp(self) -> Any:
        return self.tokens.nlp


class MentionExtractor:
    """Finds mentions in project field texts.  Build one per worker process: the spaCy pipelines are
    built on first use for each language and kept.

    ``gazetteer_files`` add places to the shipped İzmir gazetteer (ConfigError naming the file and line
    when one is bad); ``spacy_model`` names an installed trained pipeline (package name or path) whose
    entities are added for documents of its language (ConfigError when it cannot be loaded).

    >>> found = MentionExtractor().extract("p1", [("completed", "3 parks in Buca")], "en")
    >>> [(m.label, m.text, m.value, m.unit) for m in found]
    [('QUANTITY', '3 parks', '3', 'park'), ('PLACE', 'Buca', 'Buca', 'district')]
    """

    def __init__(self, gazetteer_files: tuple[Path, ...] = (), spacy_model: str | None = None) -> None:
        self.places = load_gazetteer(tuple(gazetteer_files))
        self.spacy_model = spacy_model
        self._pipelines: dict[str, Pipeline] = {}
        self._model: Any = load_model(spacy_model) if spacy_model else None

    def pipeline(self, language: Language) -> Pipeline:
        """The pipeline of a language, built on first use."""
        lang: Language = language if language in LANGUAGES else "en"
        pipe = self._pipelines.get(lang)
        if pipe is None:
            trained = self._model is not None and self._model.lang == lang
            nlp = self._model if trained else Tokens.blank(lang)
            names = NameMatchers.build(nlp, self.places, english=lang == "en")
            pipe = self._pipelines[lang] = Pipeline(Tokens(nlp, lang, trained, names.first_norms), names)
        return pipe

    def extract(self, project_id: str, fields: list[tuple[str, str | None]], language: Language) -> list[Mention]:
        """Mentions of one project, in field order (as given), then start_char, then label."""
        lang: Language = language if language in LANGUAGES else "en"
        parts = [(name, text) for name, text in fields if text and text.strip()]
        if not parts:
            return []
        joined, bounds = _join(parts)
        pipe = self.pipeline(lang)
        body = pipe.tokens(joined)
        return _assemble(project_id, fields, body, bounds, _mentions(pipe, body, bounds, lang))


def _mentions(pipe: Pipeline, body: Text, bounds: list[_Field], lang: Language) -> list[Found]:
    """Dates, then quantities and money, then organisations and places (and a trained pipeline's
    entities); a span is given once, the first mention of it winning."""
    lex = body.lex
    numbers = find_figures(body.text, [(f.start, f.end) for f in bounds], lang)
    found = find_dates(body, numbers, lang) if numbers or has_numeric_date(body) else []
    taken = [(f.start, f.end) for f in found]
    names_may_start = any(map(_NAME, lex))  # a place or an organisation may stand in the text
    if names_may_start:
        set_norms(body)
    places = find_places(body, pipe.names) if names_may_start and any(map(_PLACE, lex)) else []
    place_tokens = {i for span in places for i in range(span.start, span.end)}
    budget = [(f.start, f.end) for f in bounds if f.name == BUDGET_FIELD]
    for number in numbers:
        at = number.start
        if taken and any(a <= at < b for a, b in taken):
            continue
        in_budget = bool(budget) and any(a <= at < b for a, b in budget)
        figure = quantity_or_money(body, number, in_budget, lang, place_tokens)
        if figure is not None:
            found.append(figure)
    found = dedupe(found)
    if not names_may_start and not pipe.tokens.trained:
        return found
    names = find_names(body, pipe.names, places)
    entities = model_entities(body, found + names, lang) if pipe.tokens.trained else []
    return found + dedupe(names + entities, [(f.start, f.end) for f in found])


def _join(parts: list[tuple[str, str]]) -> tuple[str, list[_Field]]:
    """The texts joined by a blank line, with each field's span in the joined text."""
    bounds = []
    pos = 0
    for name, text in parts:
        bounds.append(_Field(name, pos, pos + len(text)))
        pos += len(text) + len(_SEPARATOR)
    return _SEPARATOR.join(text for _, text in parts), bounds


def _assemble(
    project_id: str, fields: list[tuple[str, str | None]], body: Text, bounds: list[_Field], found: list[Found]
) -> list[Mention]:
    """The found mentions as Mention rows with offsets in their field, in field order (as given),
    then start_char, then label."""
    order = {name: n for n, (name, _) in enumerate(fields)}
    field_starts = [f.start for f in bounds]
    out = []
    for f in found:
        field = bounds[bisect_right(field_starts, f.start) - 1]
        if f.end > field.end:
            continue  # never across fields (the separator is a sentence break)
        text = body.text[f.start : f.end]
        out.append(Mention(project_id, field.name, f.label, text, f.value, f.unit,
                           f.start - field.start, f.end - field.start, f.planned))
    out.sort(key=lambda m: (order[m.field], m.start_char, _LABEL_ORDER[m.label], m.end_char))
    return out
