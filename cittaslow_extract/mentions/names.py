"""PLACE and ORG mentions, found by spaCy's PhraseMatcher and Matcher on the token norms the stage
sets (tokens.spacy_norm), the longest match winning (spacy.util.filter_spans).

- PLACE: the names of the gazetteer, matched on the norm of capitalised words, so "Çiğli", "ÇİĞLİ"
  and "Cigli" are one place; value is the gazetteer spelling, unit the kind of place.
- ORG: capitalised names ending with an organisation word (… Municipality, … Derneği; words of
  data/mention_patterns.toml), plus the entities of a trained pipeline when --spacy-model names one
  (rule mentions win where they overlap).  A name inside a longer name is not the organisation's: a
  group of it ("Education Commission Working Group") or a quoted title or theme ("“Crisis
  Municipality and Access to Public Services”").

The ORG Matcher runs only over a few tokens around each organisation word (a name is looked for
there), the PhraseMatcher over the whole Doc, and neither when no token may start a name.  spaCy's
EntityRuler is not used: it writes doc.ents, where a trained pipeline's entities are, while the stage
decides itself which of the two wins, and it cannot confine the ORG patterns to those windows.

Cost (bench/bench_mentions.py on samples/*.txt and the seed submission, CPU time, best of 40): the
name matching here takes 1.9 ms of a 51.2 ms run over the four documents, 4% of the end-to-end
time (the hand-written matching it replaced: 0.5 ms, 1%), well under the 20% that would justify
matching by hand.  Over whole Docs the ORG Matcher would cost three times what it does over the
windows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import compress, count
from operator import attrgetter
from typing import Any

from cittaslow_extract.mentions.found import Found, plain
from cittaslow_extract.mentions.gazetteer import Place
from cittaslow_extract.mentions.rules import norm, patterns, phrase_at
from cittaslow_extract.mentions.tokens import ORG_END, ORG_END_OF, Text, spacy_norm
from cittaslow_extract.models import Language
from cittaslow_extract.normalize.currency import currencies, currency_code
from cittaslow_extract.normalize.dates import parse_date
from cittaslow_extract.normalize.numbers import find_numbers

__all__ = ["NameMatchers", "PlaceSpan", "find_names", "find_places", "model_entities", "org_patterns", "set_norms"]

_ORG_MAX_WORDS = 8  # tokens either side of an organisation word that its name may span
_ORG_WORD, _NORM_ID = attrgetter("org_end"), attrgetter("norm_id")
# Labels of trained pipelines (OntoNotes, WikiNER, Turkish NER suites) → mention labels.
_MODEL_LABELS = {
    "GPE": "PLACE", "LOC": "PLACE", "LOCATION": "PLACE", "FAC": "PLACE",
    "ORG": "ORG", "ORGANIZATION": "ORG", "ORGANISATION": "ORG",
    "DATE": "DATE", "MONEY": "MONEY",
}
# a word of a name: only native predicates (exact values, flags), since a set or regex predicate
# is evaluated in Python on every token
_NAME_WORD: dict[str, Any] = {"IS_ALPHA": True, "IS_LOWER": False, "IS_STOP": False}


def org_patterns(english: bool) -> list[list[dict[str, Any]]]:
    """spaCy Matcher patterns of organisation names, over the norms of tokens.spacy_norm, where
    Name+ is a run of capitalised words (no stop words) and Org an organisation word:

        Name+ Org                            İzmir Metropolitan Municipality, … Belediyesi'nin
        Name+ 's Name* Org                   Children's Municipality (English)
        Org-of of [the] Name+                Ministry of Culture
        Org-of of [the] Name+ and Name+      Ministry of Culture and Tourism
        Name+ Org-of of [the] Name+          İzmir Chamber of Commerce

    >>> len(org_patterns(True)), len(org_patterns(False))
    (7, 5)
    """
    names: list[dict[str, Any]] = [{**_NAME_WORD, "OP": "+"}]
    complement: list[dict[str, Any]] = [{"NORM": "~of"}, {"NORM": "~the", "OP": "?"}, {**_NAME_WORD, "OP": "+"}]
    shapes: list[list[dict[str, Any]]] = []
    for end in (ORG_END, ORG_END_OF):
        shapes.append([*names, {"NORM": end}])
        if english:
            shapes.append([*names, {"NORM": "~'s"}, {**_NAME_WORD, "OP": "*"}, {"NORM": end}])
    of_end: dict[str, Any] = {"NORM": ORG_END_OF}
    shapes += [
        [of_end, *complement],
        [of_end, *complement, {"NORM": "~and"}, {**_NAME_WORD, "OP": "+"}],
        [*names, of_end, *complement],
    ]
    return shapes


@dataclass(frozen=True, slots=True)
class NameMatchers:
    """The name matchers of one pipeline (built once per language and kept)."""

    places: Any  # spacy PhraseMatcher on NORM, one label per place
    orgs: Any  # spacy Matcher of org_patterns
    place_of: dict[int, Place]  # PhraseMatcher label → place
    first_norms: frozenset[str]  # the norms that start a place name: a token with none starts none

    @classmethod
    def build(cls, nlp: Any, gazetteer: dict[str, Place], english: bool) -> NameMatchers:
        from spacy.matcher import Matcher, PhraseMatcher

        keys = sorted(gazetteer)
        by_norms: dict[tuple[str, ...], Any] = {}  # a name's norms → its pattern Doc
        place_docs: dict[Place, list[Any]] = {}
        for key, pattern in zip(keys, nlp.tokenizer.pipe(keys)):
            for token in pattern:
                token.norm_ = spacy_norm(norm(token.text), True)  # as a capitalised word's norm
            norms = tuple(token.norm_ for token in pattern)
            # two spellings with the same norms: the first key's place, so a match has one place
            if norms and norms not in by_norms:
                by_norms[norms] = pattern
                place_docs.setdefault(gazetteer[key], []).append(pattern)
        places = PhraseMatcher(nlp.vocab, attr="NORM")
        place_of = {}
        for place, docs in place_docs.items():
            label = f"{place.kind}\x1f{place.name}"
            places.add(label, docs)
            place_of[nlp.vocab.strings[label]] = place
        orgs = Matcher(nlp.vocab)
        orgs.add("ORG", org_patterns(english))
        return cls(places, orgs, place_of, frozenset(norms[0] for norms in by_norms))


@dataclass(frozen=True, slots=True)
class PlaceSpan:
    start: int  # token offsets
    end: int
    place: Place


def set_norms(body: Text) -> None:
    """Give the Doc's tokens the norms the matchers read (tokens.spacy_norm), in one C-level call."""
    import numpy  # spaCy's own dependency, loaded with it
    from spacy.attrs import NORM

    norms = numpy.fromiter(map(_NORM_ID, body.lex), dtype=numpy.uint64, count=len(body.lex))
    body.doc.from_array([NORM], norms.reshape(-1, 1))


def find_places(body: Text, matchers: NameMatchers) -> list[PlaceSpan]:
    """The gazetteer names of the text (its norms set by set_norms), the longest first."""
    from spacy.util import filter_spans

    spans = filter_spans(matchers.places(body.doc, as_spans=True))
    return [PlaceSpan(s.start, s.end, matchers.place_of[s.label]) for s in spans]


def find_names(body: Text, matchers: NameMatchers, places: list[PlaceSpan]) -> list[Found]:
    """ORG mentions, then PLACE mentions of the place spans.  A place inside an organisation name
    ("İzmir" in "İzmir Bar Association") is not one of its own, nor is one the name runs into (an
    organisation matched up to the first word of a place): mentions never overlap."""
    orgs = _organisations(body, matchers)
    org_spans = [(f.start, f.end) for f in orgs]
    out = list(orgs)
    for span in places:
        start, end = body.starts[span.start], body.name_end(span.end - 1)
        if end > start and not any(a < end and start < b for a, b in org_spans):
            out.append(Found("PLACE", start, end, span.place.name, span.place.kind, False))
    return out


def _organisations(body: Text, matchers: NameMatchers) -> list[Found]:
    """ORG mentions: the ORG Matcher run over the tokens around each organisation word."""
    from spacy.util import filter_spans

    n = len(body.lex)
    windows: list[list[int]] = []
    for k in compress(count(), map(_ORG_WORD, body.lex)):
        a, b = max(0, k - _ORG_MAX_WORDS), min(n, k + _ORG_MAX_WORDS)
        if windows and a <= windows[-1][1]:
            windows[-1][1] = b
        else:
            windows.append([a, b])
    doc = body.doc
    spans = [span for a, b in windows for span in matchers.orgs(doc[a:b], as_spans=True)]
    out = []
    for span in filter_spans(spans):
        start, stop = body.starts[span.start], body.name_end(span.end - 1)
        if stop > start and not _not_an_organisation(body, start, stop, span.end):
            out.append(Found("ORG", start, stop, None, None, False))
    return out


def _not_an_organisation(body: Text, start: int, end: int, after: int) -> bool:
    """An organisation name that is part of a longer name: of one of its groups ("Education
    Commission Working Group"), or of a quoted title, theme or slogan ("“Crisis Municipality and
    Access to Public Services”").  A quotation of the name alone still names the organisation."""
    if after < len(body.lex) and phrase_at(body.lex, after, patterns().org_groups):
        return True
    text = body.text
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    for quote in _QUOTED.finditer(text, line_start, len(text) if line_end == -1 else line_end):
        inner = "double" if quote["double"] is not None else "single"
        q_start, q_end = quote.span(inner)
        if q_start <= start and end <= q_end:
            rest = text[q_start:start] + _CASE_ENDING.sub("", text[end:q_end], count=1)
            return _WORD_CHAR.search(rest) is not None
    return False


# Quotations, for _not_an_organisation: double quotes of any style, paired on one line, and single
# quotes that open after a non-letter and close before one (an apostrophe inside a word, as in
# "Children’s", does not close a quotation).  Each branch starts with the quote mark itself, so a
# search skips to quote marks at C speed.
_QUOTED = re.compile(
    r"""
    [“„«"] (?P<double> [^“”„«»"\n]+ ) [”“»"]                      # “…”, „…“, «…», "…"
  | [‘'] (?<![^\W\d_][‘'])                                       # ‘ or ' not after a letter
    (?P<single> (?: [^‘’'\n] | [’'](?=[^\W\d_]) )+ )             # … text, apostrophes in words
    [’'] (?![^\W\d_])                                             # … closed before a non-letter
    """,
    re.VERBOSE,
)
_CASE_ENDING = re.compile(r"^['’][^\W\d_]+")  # "İzmir Barosu’nun": the ending is part of the name
_WORD_CHAR = re.compile(r"[^\W_]")


def model_entities(body: Text, taken: list[Found], lang: Language) -> list[Found]:
    """The entities of a trained pipeline's Doc (--spacy-model) that no mention of `taken` overlaps,
    as mentions; a DATE or MONEY entity needs a value the stage can read."""
    spans = [(f.start, f.end) for f in taken]
    out = []
    for ent in body.doc.ents:
        label = _MODEL_LABELS.get(ent.label_)
        start, end = body.starts[ent.start], body.name_end(ent.end - 1)
        if label is None or end <= start or any(a < end and start < b for a, b in spans):
            continue
        value, unit = None, None
        if label == "DATE":
            value = parse_date(ent.text, lang).iso
            if value is None:
                continue
        elif label == "MONEY":
            figures = find_numbers(ent.text, lang)
            if len(figures) != 1:
                continue
            value = plain(figures[0].value)
            cur = currencies().after.match(ent.text[figures[0].end :])
            unit = currency_code(cur["cur"]) if cur else None
        planned = label in ("DATE", "MONEY") and body.planned(body.token_at(start))
        out.append(Found(label, start, end, value, unit, planned))
    return out
