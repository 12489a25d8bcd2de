"""Numbers as people write them in English and Turkish submissions, read into Decimals.

Separator rule (the same in every document, so a wrong language hint cannot change a value):

- A figure with both "." and "," uses the last one as the decimal mark: "1.250.000,50" and
  "1,250,000.50" are both 1250000.5.
- A separator that appears more than once groups thousands: "1.250.000", "1,500,000".
- A lone "." or "," followed by exactly three digits groups thousands ("500.000" = 500000,
  "1,500" = 1500); followed by any other count of digits it is the decimal mark ("2.3", "1,5").
  A lone "," + three digits is flagged ``ambiguous`` in a Turkish document (Turkish reads "1,500" as
  1.5), and either lone separator + three digits is flagged when a scale word follows ("1.500 million"
  may mean 1.5 million in English).
- Thin, no-break and plain spaces group thousands when every group after the first has three digits
  ("1 500 000").
- Scale words of both languages follow a numeral: "2.3 million", "1,5 milyon", "17 thousand",
  "156 thousand 313" (= 156313), "2 million 300 thousand", "2 buçuk milyon" (= 2500000).

The language hint only decides which reading is flagged as ambiguous (and which number words are tried
first); it never changes a value.  Dates ("10.12.2020", "03/2021", "2021-05-03") and clock times are
not numbers.  Number words come from data/numbers.toml.

>>> parse_number("1.250.000,50")
Decimal('1250000.5')
>>> parse_number("156 thousand 313")
Decimal('156313')
>>> parse_number("1,5 milyon", "tr")
Decimal('1500000')
>>> parse_number("altı")
Decimal('6')
>>> parse_number("10.12.2020") is None
True
>>> [(s.raw, s.value, s.is_year_like) for s in find_numbers("In 2020, 156 thousand 313 children")]
[('2020', Decimal('2020'), True), ('156 thousand 313', Decimal('156313'), False)]

Longer than 400 lines because digits, separators, scale words and number words are one grammar
(a figure's scale word extends it, a word number continues a figure): find_numbers, parse_number and
parse_word_number share its compiled patterns and its reading of each piece.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from cittaslow_extract.datafiles import load_data
from cittaslow_extract.models import Language
from cittaslow_extract.normalize.turkish import tr_lower

__all__ = [
    "NumberSpan",
    "find_numbers",
    "parse_number",
    "parse_word_number",
    "scale_power",
    "scale_word_pattern",
    "tidy",
    "word_number_pattern",
    "word_pattern",
]


@dataclass(frozen=True, slots=True)
class NumberSpan:
    """One number found in running text; start/end are character offsets into that text."""

    start: int
    end: int
    value: Decimal
    raw: str  # text[start:end], scale words included ("156 thousand 313")
    is_year_like: bool  # four plain digits 1900–2100, no separators or scale word
    ambiguous: bool  # the separators could be read the other way (see the module docstring)
    scale: int = 0  # power of ten of the first scale word read ("2 million" → 6), 0 when none


# --------------------------------------------------------------------------- language data
_I_CLASS = "[iıİI]"
_SPACES = "\u0020\u00a0\u202f\u2009"  # space, no-break space, narrow no-break space, thin space


def word_pattern(word: str) -> str:
    """Regex source matching `word` case-insensitively under Turkish rules (compile with re.I).

    Dotted and dotless i are one letter here, as people type them interchangeably; spaces in a
    phrase match any run of whitespace.

    >>> bool(re.fullmatch(word_pattern("milyar"), "MİLYAR", re.I))
    True
    >>> bool(re.fullmatch(word_pattern("and a half"), "and  a half", re.I))
    True
    """
    out = []
    for ch in word:
        if ch in "iıİI":
            out.append(_I_CLASS)
        elif ch.isspace():
            out.append(r"\s+")
        else:
            out.append(re.escape(ch))
    return "".join(out)


def _fold(word: str) -> str:
    """Lookup key: Turkish lower case with dotted and dotless i folded ("MILLION" = "million")."""
    return tr_lower(word).replace("ı", "i")


def _alternation(words: list[str]) -> str:
    # Longest first so "milyonluk" wins over "milyon" and "thousands" over "thousand".
    return "|".join(word_pattern(w) for w in sorted(words, key=len, reverse=True))


@dataclass(frozen=True, slots=True)
class _NumberData:
    scales: dict[str, int]  # _fold(word) → power of ten
    words: dict[str, Decimal]  # _fold(word) → value, both languages
    scale_re: re.Pattern[str]  # a scale word right after a numeral
    half_re: re.Pattern[str]  # "and a half" / "buçuk" right after a numeral
    word_number_source: str  # regex source for a number written in words


@lru_cache(maxsize=1)
def _data() -> _NumberData:
    doc = load_data("numbers.toml")
    scales = {_fold(w): int(p) for lang in doc["scales"].values() for w, p in lang.items()}
    words: dict[str, Decimal] = {}
    for table in doc["words"].values():
        for w, v in table.items():
            words[_fold(w)] = Decimal(str(v))
    halves = [h for lang in doc["halves"].values() for h in lang]
    scale_re = re.compile(rf"[{_SPACES}]*(?P<scale>{_alternation(list(scales))})(?![\w'’])", re.I)
    half_re = re.compile(rf"\s*(?:{_alternation(halves)})(?!\w)", re.I)
    word = _alternation(list(words))
    # one to three number words joined by spaces or hyphens: "twenty-five", "on iki", "bir buçuk"
    word_number = rf"(?<!\w)(?:{word})(?:[\s-]+(?:{word}))*(?:\s+(?:{_alternation(halves)}))?(?!\w)"
    return _NumberData(scales, words, scale_re, half_re, word_number)


def scale_word_pattern() -> str:
    """Regex source (compile with re.I) for one scale word of either language: "million", "milyon"."""
    return _alternation(list(_data().scales))


def scale_power(word: str) -> int | None:
    """The power of ten a scale word of either language stands for, else None.

    >>> scale_power("Milyon"), scale_power("mlr"), scale_power("frog")
    (6, 9, None)
    """
    return _data().scales.get(_fold(word))


def word_number_pattern() -> str:
    """Regex source (compile with re.I) for a number written in words: "six", "yirmi beş",
    "one and a half".  Callers read the match with parse_word_number."""
    return _data().word_number_source


# --------------------------------------------------------------------------- numerals
_NUMERAL = re.compile(
    rf"""
    (?=[0-9])                                     # cheap first test: a digit starts here
    (?<![\w.,])                                   # not the tail of a word, code or longer figure
    (?:
        [0-9]{{1,3}}(?:[{_SPACES}][0-9]{{3}})+(?![0-9])   # space-grouped: "1 500 000"
        (?:[.,][0-9]+)?                           # … with decimals: "1 500,50"
      | [0-9]+(?:[.,][0-9]+)*                     # digits joined by dots and commas
    )
    (?!(?i:st|nd|rd|th)\b)                        # not an English ordinal: 4th, 21st
    """,
    re.VERBOSE,
)
# Dates and clock times: their digits are not quantities.
_DATE_LIKE = re.compile(
    r"""
    (?=[0-9])                                    # cheap first test: a digit starts here
    (?<![\w.,/-])
    (?:
        [0-9]{1,2}[./-][0-9]{1,2}[./-][0-9]{2,4}   # 10.12.2020, 03/05/21, 3-5-2021
      | [0-9]{4}[./-][0-9]{1,2}[./-][0-9]{1,2}     # 2021-05-03
      | [0-9]{1,2}/[0-9]{4}                        # 03/2021
      | [0-9]{1,2}:[0-9]{2}                        # 10:30
    )
    (?![\w/-]|[.,][0-9])
    """,
    re.VERBOSE,
)
_SPACE_RUN = re.compile(f"[{_SPACES}]")
_CONNECTOR = re.compile(rf"[{_SPACES}]+(?:(?:and|ve)[{_SPACES}]+)?", re.I)
_PLAIN_SPACES = re.compile(rf"[{_SPACES}]+")


def tidy(value: Decimal) -> Decimal:
    """Integral values without a fractional exponent, others without trailing zeros.

    >>> tidy(Decimal("2300000.0")), tidy(Decimal("0.50")), tidy(Decimal("1E+3"))
    (Decimal('2300000'), Decimal('0.5'), Decimal('1000'))
    """
    if value == value.to_integral_value():
        return Decimal(int(value))
    return value.normalize()


def _valid_groups(groups: list[str]) -> bool:
    head = groups[0]
    if not 1 <= len(head) <= 3 or (head.startswith("0") and len(groups) > 1):
        return False
    return all(len(g) == 3 for g in groups[1:])


def _is_year(digits: str) -> bool:
    return len(digits) == 4 and digits.isdigit() and 1900 <= int(digits) <= 2100


def _read_numeral(raw: str, language: str, scaled: bool) -> tuple[Decimal, bool] | None:
    """(value, ambiguous) of one numeral token, or None when its separators make no number."""
    compact = _SPACE_RUN.sub("", raw)
    kinds = {ch for ch in compact if ch in ".,"}
    if not kinds:
        return Decimal(compact), False
    if len(kinds) == 2:
        decimal_mark = "." if compact.rfind(".") > compact.rfind(",") else ","
        group_mark = "," if decimal_mark == "." else "."
        if compact.count(decimal_mark) != 1:
            return None
        whole, fraction = compact.split(decimal_mark)
        if not _valid_groups(whole.split(group_mark)):
            return None
        return Decimal(whole.replace(group_mark, "") + "." + fraction), False
    mark = kinds.pop()
    groups = compact.split(mark)
    if len(groups) > 2:
        return (Decimal("".join(groups)), False) if _valid_groups(groups) else None
    head, tail = groups
    if _is_year(head) and _is_year(tail):
        return None  # "2019,2020" is a list of years
    if len(tail) == 3 and _valid_groups(groups):
        ambiguous = scaled or (mark == "," and language == "tr")
        return Decimal(head + tail), ambiguous
    return Decimal(head + "." + tail), False


def _integer_at(text: str, pos: int) -> tuple[re.Match[str], Decimal] | None:
    """A numeral starting exactly at `pos` that reads as a whole number."""
    hit = _NUMERAL.match(text, pos)
    if hit is None or hit.start() != pos:
        return None
    read = _read_numeral(hit.group(), "en", False)
    if read is None or read[1] or read[0] != read[0].to_integral_value():
        return None
    return hit, read[0]


def _extend(text: str, end: int, value: Decimal) -> tuple[Decimal, int, int]:
    """Add "and a half", scale words and compound parts after a numeral ending at `end`.

    Returns (value, new end, the power of ten of the scale word read, 0 when none).
    """
    data = _data()
    half = data.half_re.match(text, end)
    if half and value == value.to_integral_value():
        value, end = value + Decimal("0.5"), half.end()
    scale = data.scale_re.match(text, end)
    if scale is None:
        return value, end, 0
    power = first_power = data.scales[_fold(scale["scale"])]
    value, end = value * (Decimal(10) ** power), scale.end()
    while True:  # "2 million 300 thousand", "156 thousand 313"
        joint = _CONNECTOR.match(text, end)
        if joint is None:
            break
        nxt = _integer_at(text, joint.end())
        if nxt is None:
            break
        hit, part = nxt
        inner = data.scale_re.match(text, hit.end())
        if inner is not None:
            inner_power = data.scales[_fold(inner["scale"])]
            if inner_power >= power:
                break
            value, end, power = value + part * Decimal(10) ** inner_power, inner.end(), inner_power
            continue
        plain_join = "and" not in joint.group().lower() and " ve" not in joint.group().lower()
        if plain_join and part < Decimal(10) ** power and not _is_year(hit.group()):
            value, end = value + part, hit.end()
        break
    return value, end, first_power


def _date_ranges(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _DATE_LIKE.finditer(text)]


def find_numbers(text: str, language: Language = "en") -> list[NumberSpan]:
    """Every number written in digits in running text, scale words included in the span.

    Numbers written in words are not listed (see parse_number); dates and clock times are skipped;
    a comma-joined list of plain numbers ("2019,2020") gives one span per number.

    >>> [s.raw for s in find_numbers("906 million TL in total in 2019, 2020 and 2021")]
    ['906 million', '2019', '2020', '2021']
    >>> [(s.raw, s.ambiguous) for s in find_numbers("1,500 kişi", "tr")]
    [('1,500', True)]
    >>> find_numbers("signed on 10.12.2020 at 10:30")
    []
    """
    if not text:
        return []
    dates = _date_ranges(text)  # in text order, like the numerals: walk both together
    d = 0
    spans: list[NumberSpan] = []
    consumed = 0
    for hit in _NUMERAL.finditer(text):
        while d < len(dates) and dates[d][1] <= hit.start():
            d += 1
        if hit.start() < consumed or (d < len(dates) and dates[d][0] <= hit.start()):
            continue
        scaled_next = _data().scale_re.match(text, hit.end()) is not None
        read = _read_numeral(hit.group(), language, scaled_next)
        if read is None:
            spans.extend(_split_list(text, hit))
            consumed = hit.end()
            continue
        value, ambiguous = read
        value, end, scaled = _extend(text, hit.end(), value)
        raw = text[hit.start() : end]
        year = not scaled and _is_year(raw)
        spans.append(NumberSpan(hit.start(), end, tidy(value), raw, year, ambiguous, scaled))
        consumed = end
    return spans


def _split_list(text: str, hit: re.Match[str]) -> list[NumberSpan]:
    """A comma-joined list of plain numbers ("2019,2020", "1,2,3"); anything else gives nothing."""
    raw = hit.group()
    if "." in raw or _SPACE_RUN.search(raw):
        return []
    out = []
    pos = hit.start()
    for part in raw.split(","):
        out.append(NumberSpan(pos, pos + len(part), Decimal(part), part, _is_year(part), False))
        pos += len(part) + 1
    return out


# --------------------------------------------------------------------------- words
_WORD_SPLIT = re.compile(r"[\s-]+")
_HALF_SUFFIXES = (("and", "a", "half"), ("buçuk",))  # the phrases of [halves] in numbers.toml


def parse_word_number(text: str, language: Language = "en") -> Decimal | None:
    """A number written in words: "six", "twenty-five", "yirmi beş", "on iki", "bir buçuk",
    "one and a half", "half", optionally followed by a scale word ("iki milyon").

    Words of both languages are accepted; the hint only breaks ties.

    >>> parse_word_number("twenty-five")
    Decimal('25')
    >>> parse_word_number("bir buçuk")
    Decimal('1.5')
    >>> parse_word_number("two million")
    Decimal('2000000')
    >>> parse_word_number("the project") is None
    True
    """
    data = _data()
    tokens = [t for t in _WORD_SPLIT.split(_fold(text)) if t]
    power = 0
    if len(tokens) > 1 and tokens[-1] in data.scales:
        power = data.scales[tokens.pop()]
    half = Decimal(0)
    for suffix in _HALF_SUFFIXES:
        if len(tokens) > len(suffix) and tuple(tokens[-len(suffix) :]) == suffix:
            half, tokens = Decimal("0.5"), tokens[: -len(suffix)]
            break
    if not tokens or any(t not in data.words for t in tokens):
        return None
    values = [data.words[t] for t in tokens]
    if len(values) > 2 or (half and values[-1] != values[-1].to_integral_value()):
        return None
    # only a tens word followed by a units word combines: "twenty five", "on iki"
    if len(values) == 2 and not (values[0] % 10 == 0 and values[0] >= 10 and 0 < values[1] < 10):
        return None
    del language  # the hint cannot change a value; both languages' words are known
    return tidy((sum(values, Decimal(0)) + half) * Decimal(10) ** power)


def parse_number(text: str, language: Language = "en") -> Decimal | None:
    """The value of a text that is exactly one number (digits or words), else None.

    >>> parse_number("2.3 million")
    Decimal('2300000')
    >>> parse_number("500.000")
    Decimal('500000')
    >>> parse_number("17 thousand")
    Decimal('17000')
    >>> parse_number("5 and 6") is None
    True
    """
    try:
        stripped = _PLAIN_SPACES.sub(" ", text).strip() if text else ""
        if not stripped:
            return None
        spans = find_numbers(stripped, language)
        if spans:
            only = spans[0]
            whole = len(spans) == 1 and only.start == 0 and only.end == len(stripped)
            return only.value if whole else None
        if any(ch.isdigit() for ch in stripped):
            return None
        return parse_word_number(stripped, language)
    except (InvalidOperation, ValueError):  # defensive: a normaliser never raises
        return None
