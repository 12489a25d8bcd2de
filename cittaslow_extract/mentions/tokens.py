"""A project's text as tokens: spaCy's tokenizer, and the stage's table of what the rules need of a
token (Lex), computed once per distinct token text and kept for the process.

A project then costs one tokenisation, one pass of a few C-level scans over its tokens (the columns
of the table, read with `operator.attrgetter`) and work per figure and per name.

spaCy is imported when the first pipeline is built (`Tokens.blank`), not when this module is.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from itertools import compress
from operator import attrgetter
from typing import Any, cast

from cittaslow_extract.errors import ConfigError
from cittaslow_extract.mentions.rules import APOSTROPHES, Rules, before_apostrophe, is_planned_word, norm, patterns
from cittaslow_extract.mentions.scope import planned_flags
from cittaslow_extract.models import Language
from cittaslow_extract.normalize.dates import month_number, parse_date

__all__ = ["ORG_END", "ORG_END_OF", "Lex", "Text", "Tokens", "load_model", "spacy_norm"]

ORG_END = "\x01org"  # NORM of a capitalised organisation word: "Municipality", "Belediyesi'nin"
ORG_END_OF = "\x01org-of"  # … one that may take an "of" complement: "Chamber", "Ministry"
_SENTENCE_ENDS = frozenset({".", "!", "?", "…"})
_CLAUSE_MARKS = frozenset({",", ";", ":", "(", ")", "–", "—"})
_NUMERIC_DATE = re.compile(r"\d{1,4}[./-]\d{1,2}(?:[./-]\d{1,4})?")  # 10.12.2020, 2021-05-03, 03/2021
_WORD_CASE = re.compile(r"^[^\W\d_][\w.]*$")
_LEX_BOUND = 200_000  # distinct token texts kept; a bound for very long runs (rebuilt as needed)


def spacy_norm(key: str, cap: bool) -> str:
    """The NORM given to spaCy for a token: the key of a capitalised word, "~key" for any other token
    (so place names match capitalised words only), and a marker for organisation words (so the ORG
    patterns test one string instead of a regular expression on every token).

    >>> spacy_norm("cigli", True), spacy_norm("of", False), spacy_norm("municipality", True) == ORG_END
    ('cigli', '~of', True)
    """
    if not cap:
        return "~" + key
    pats = patterns()
    if key in pats.org_en_of:
        return ORG_END_OF
    if key in pats.org_en_suffixes or key.startswith(pats.org_tr_prefixes):
        return ORG_END
    return key


@dataclass(frozen=True, slots=True)
class Lex:
    """What the stage needs of one distinct token text."""

    text: str
    key: str  # rules.norm(text)
    word: bool  # letters only (an apostrophe ending allowed)
    stop: bool
    cap: bool  # starts with an upper-case letter
    newline: bool
    numeric_date: str | None  # the ISO date of a numeric date token: "10.12.2020", "03/2021"
    org_end: bool  # a capitalised organisation word: "Municipality", "Belediyesi'nin"
    place: bool  # a capitalised word that may start a gazetteer name
    name: bool  # org_end or place
    month: bool  # a word that names a month (normalize.dates.month_number)
    apostrophe: bool  # holds an apostrophe: "Bornova'da"
    norm_id: int  # the string id of spacy_norm(key, cap), the NORM the name matchers read
    ends_sentence: bool
    breaks_clause: bool
    plan: bool  # a one-word planning marker: "will", "açılacak"
    done: bool  # a one-word realised marker: "currently"
    plan_start: bool  # the first word of a multi-word planning marker: "going (to)"
    done_start: bool  # the first word of a multi-word realised marker: "so (far)"
    may_plan: bool  # plan or plan_start


_ENDS_SENTENCE = attrgetter("ends_sentence")
_UNSEEN: Any = object()


class Text:
    """The joined field texts of one project as a Doc and its tokens, with sentence starts and
    planned flags computed on demand for the sentences that hold a figure."""

    def __init__(self, text: str, doc: Any, lex: list[Lex], starts: list[int], rules: Rules) -> None:
        self.text = text
        self.doc = doc  # the spaCy Doc (with a trained pipeline's entities, if any)
        self.lex = lex
        self.starts = starts  # character offset of each token
        self.rules = rules
        self._sentences: dict[int, list[bool] | None] = {}  # sentence start → planned flags
        self._sentence_starts: list[int] | None = None

    def end(self, k: int) -> int:
        return self.starts[k] + len(self.lex[k].text)

    def token_at(self, char: int) -> int:
        """Index of the token that holds character `char` (or the last one before it)."""
        return max(bisect_right(self.starts, char) - 1, 0)

    def token_from(self, char: int) -> int:
        """Index of the first token starting at or after `char`."""
        return bisect_left(self.starts, char)

    def sentence(self, k: int) -> tuple[int, int]:
        """(first token, end token) of the sentence that holds token k; its end token included."""
        starts = self._sentence_starts
        if starts is None:
            lex = self.lex
            ends = compress(range(1, len(lex) + 1), map(_ENDS_SENTENCE, lex))
            starts = self._sentence_starts = [0, *ends]
        at = bisect_right(starts, k)
        return starts[at - 1], starts[at] if at < len(starts) else len(self.lex)

    def sentence_start(self, k: int) -> int:
        return self.sentence(k)[0]

    def planned(self, k: int) -> bool:
        """Whether token k is in the scope of a plan (scope.planned_flags)."""
        s, e = self.sentence(k)
        flags = self._sentences.get(s, _UNSEEN)
        if flags is _UNSEEN:
            flags = self._sentences[s] = planned_flags(self.lex, s, e, self.rules)
        return flags is not None and flags[k - s]

    def name_end(self, last: int) -> int:
        """End of a name whose last token is `last`, without the Turkish case ending of that word
        ("Çiğli'de" → "Çiğli")."""
        head = before_apostrophe(self.lex[last].text)
        return self.starts[last] + len(head) if head else self.end(last)


class Tokens:
    """A spaCy pipeline (blank, or the trained one given with --spacy-model) for tokens, with the
    stage's word table: a Lex for each distinct token text, computed once and kept.

    `place_starts` are the norms that start a gazetteer name (names.NameMatchers.first_norms)."""

    def __init__(self, nlp: Any, language: Language, trained: bool, place_starts: frozenset[str]) -> None:
        from spacy.attrs import IDX, ORTH  # spaCy is loaded by now (the pipeline is built)

        self.nlp = nlp
        self.language = language
        self.trained = trained
        self.place_starts = place_starts
        self.make_doc = nlp.make_doc
        self._lex: dict[int, Lex] = {}
        self._columns = [ORTH, IDX]

    @staticmethod
    def blank(language: Language) -> Any:
        """A blank spaCy pipeline of a language, without the tokenizer's special cases that are not
        words or abbreviations ("Dr.", "e.g." stay): the English emoticon and punctuation cases cost
        about five times the rest of tokenising, and none of them matter to this stage."""
        import spacy  # lazy: 0.8 s to import, and the CLI's --help must stay light

        nlp = spacy.blank(language)
        tokenizer: Any = nlp.tokenizer
        tokenizer.rules = {text: tokens for text, tokens in tokenizer.rules.items() if _WORD_CASE.match(text)}
        return nlp

    def _lexeme(self, orth: int) -> Lex:
        lex = self._lex.get(orth)
        if lex is None:
            rules = patterns().rules[self.language]
            if len(self._lex) > _LEX_BOUND:
                self._lex.clear()
            lexeme = self.nlp.vocab[orth]
            text = lexeme.orth_
            key = norm(text)
            cap = text[:1].isupper()
            snorm = spacy_norm(key, cap)
            word = before_apostrophe(text).isalpha()
            plan = is_planned_word(key, word, rules)
            org_end = snorm in (ORG_END, ORG_END_OF)
            place = snorm in self.place_starts
            plan_start = key in rules.planned_phrases
            lex = self._lex[orth] = Lex(
                text=text,
                key=key,
                word=word,
                stop=lexeme.is_stop,
                cap=cap,
                newline="\n" in text,
                numeric_date=parse_date(text, self.language).iso if _NUMERIC_DATE.fullmatch(text) else None,
                org_end=org_end,
                place=place,
                name=place or org_end,
                month=word and month_number(text) is not None,
                apostrophe=any(mark in text for mark in APOSTROPHES),
                norm_id=self.nlp.vocab.strings.add(snorm),
                ends_sentence="\n" in text or text in _SENTENCE_ENDS,
                breaks_clause=text in _CLAUSE_MARKS or key in rules.clause_breaks,
                plan=plan,
                done=key in rules.realised_words,
                plan_start=plan_start,
                done_start=key in rules.realised_phrases,
                may_plan=plan or plan_start,
            )
        return lex

    def __call__(self, text: str) -> Text:
        """The text as a Doc (with a trained pipeline's entities, if any) and its tokens."""
        doc = self.nlp(text) if self.trained else self.make_doc(text)
        rules = patterns().rules[self.language]
        if len(doc) == 0:
            return Text(text, doc, [], [], rules)
        orths, starts = doc.to_array(self._columns).T.tolist()
        known = list(map(self._lex.get, orths))
        if all(known):
            return Text(text, doc, cast(list[Lex], known), starts, rules)
        lex = [x or self._lexeme(orth) for x, orth in zip(known, orths)]  # words met for the first time
        return Text(text, doc, lex, starts, rules)


def load_model(name: str) -> Any:
    """The installed trained spaCy pipeline of --spacy-model (a package name or a path)."""
    import spacy

    try:
        return spacy.load(name)
    except (OSError, ImportError, ValueError) as exc:
        reason = " ".join(str(exc).split())[:200]
        raise ConfigError(
            f"--spacy-model {name}: not an installed spaCy pipeline ({reason}); "
            "install it with pip or pass the path of a pipeline directory"
        ) from exc
