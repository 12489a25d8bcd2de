"""Blocks → units: the paragraphs the decoder gives roles to, with what their text looks like.

Readers report paragraphs as they saw them and know nothing of the form.  This step is where the
label vocabulary first meets the layout:

- a paragraph that starts with a field label in bold and goes on in regular type
  ("**OBJECTIVE** Making …") is two units, the label and its value;
- a PDF paragraph whose later visual line starts with a label (the reader joined the lines
  because nothing in the geometry parted them) is cut before that line, and after a line that
  is a bare label;
- a table whose first row holds only labels (labels across the top, values beneath) is read
  column by column, so every label is followed by its value, as in a label | value table;
- a label in a narrow table cell, cut across lines in the middle of a word ("OBJECTI" / "VE"),
  is read whole.

Each unit carries its shape predicates (data/form.toml [shape.*]) and the criterion number it
may hold ("01", "1. Title", Word's automatic numbering).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from cittaslow_extract.models import Block
from cittaslow_extract.structure.vocabulary import LabelMatch, Vocabulary

_CRITERION_NUMBER = re.compile(r"^\s*(\d{1,2})\s*[.)]?\s*$")
_NUMBERED_HEADING = re.compile(
    r"""^\s*
    (?P<number>\d{1,2})        # 01, 1
    (?:[.)]\s*|\s+)            # "1." "1)" or a space: "01 Title"
    (?P<title>[^\W\d_].*)$     # the title starts with a capital letter (not "12 500 TL", "2 mobile stages")
    """,
    re.VERBOSE,
)
_SUB_NUMBERED = re.compile(
    r"""^\s*
    (?P<number>\d{1,2}\.\d{1,2})   # 1.1, 12.3
    [.)]?\s+                       # "1.1 " or "1.1. "
    (?P<title>\S.*)$
    """,
    re.VERBOSE,
)
_SENTENCE_END = ".!?;,…"  # the last character of running text (see _ends_sentence)
_BULLET_START = re.compile(
    r"""^(
        [o•●▪■◦·*\-–—]\s       # o item, • item, - item
        | [a-z][.)]\s           # a) item
        | \d{1,2}[.)]\s+[a-zçğıöşü]  # 1. first step (a numbered heading starts with a capital)
    )""",
    re.VERBOSE,
)
_CLOSING_QUOTES = "\"'”’»]"  # looked through when checking how a paragraph ends
_LONG_WORDS = 30
_FIGURE_WORDS = 4  # "Mart 2022", "500.000 TL", "18 MONTHS": a figure, not a heading
_NUMBER_TOKEN = re.compile(r"(?<!\w)\d[\d.,]*(?!\w)")  # a number standing as a word ("2022", "1.250.000"), not "P1"
# A line longer than this with no separator in its first characters cannot start with a label
# (vocabulary.py: labels are at most 60 characters, bullets and quotes before them included).
_LABEL_WINDOW = 90
# (the separators a label is followed by, ":", "：", "–", "—" and "-", are tested one by one: quicker
# than a regex)


def sentence_like(text: str) -> bool:
    """True when a paragraph reads as running text rather than a heading.

    >>> sentence_like("Strategic Plan")
    False
    >>> sentence_like("It is repeated every year.")
    True
    >>> sentence_like("Accessibility of public spaces (parks, sidewalks, beach, etc.)")
    False
    >>> sentence_like("o Press Working Group")
    True
    """
    stripped = text.strip()
    if _BULLET_START.match(stripped):
        return True
    return _ends_sentence(stripped.rstrip(_CLOSING_QUOTES))


def _ends_sentence(text: str) -> bool:
    """The text ends with one of _SENTENCE_END (as the regex `[.!?;,…]$` finds it: at the very end
    or before a final newline), without scanning the whole text."""
    last = text[-1:]
    if last == "\n":
        last = text[-2:-1]
    return bool(last) and last in _SENTENCE_END


@dataclass(slots=True)
class Unit:
    """One paragraph as the decoder sees it."""

    text: str
    block: Block  # layout evidence (for a split unit: the block it came from, with its part's runs)
    block_index: int
    label: LabelMatch | None
    gap_before: bool
    gap_after: bool = False
    shapes: frozenset[str] = frozenset()
    number: int | None = None  # the criterion number it holds (crit_no, crit_head), if any
    heading: str | None = None  # the text without its numbering ("1.1 Title" → "Title")

    @property
    def bold(self) -> bool | None:
        return self.block.bold


def build_units(blocks: list[Block], vocabulary: Vocabulary) -> list[Unit]:
    """Units in reading order, with labels matched and shapes computed."""
    units: list[Unit] = []
    for index, block in _table_order(blocks, vocabulary):
        if block.in_table and len(block.lines) > 1:
            block = _rejoin_cut_label(block, vocabulary)
        runs, lines = block.runs, block.lines
        if (len(runs) < 2 or not runs[0].bold) and (len(lines) < 2 or block.in_table):  # nothing to split
            units.append(Unit(block.text, block, index, _label(block.text, vocabulary), block.gap_before))
            continue
        for part, gap in _split(block, vocabulary):
            units.append(Unit(part.text, part, index, _label(part.text, vocabulary), gap))
    last_number: int | None = None
    for unit, following in zip(units, units[1:]):
        unit.gap_after = following.gap_before
    if units:
        units[-1].gap_after = True
    for unit in units:
        _shape(unit)
        if unit.number is not None:
            # criterion numbers count up through the document: the next one is likelier a criterion
            if unit.number == (last_number or 0) + 1:
                unit.shapes = unit.shapes | {"next_number"}
            last_number = unit.number
    _mark_label_like(units)
    return units


_LABEL_LIKE_WORDS = 6


def caps(text: str) -> bool:
    """All capitals: every cased letter upper case, and more than a few of them.

    >>> caps("BÜTÇE (TL)"), caps("Bütçe (TL)"), caps("01"), caps("AB")
    (True, False, False, False)
    """
    return len(text) > 3 and text.isupper()


def _mark_label_like(units: list[Unit]) -> None:
    """A short all-capitals paragraph in a document whose labels are written in capitals reads as
    a label the vocabulary does not know ("HEDEFLENEN ÇIKTI"): it stays in the field's text
    rather than opening a heading."""
    labels = [u for u in units if u.label is not None]
    if not labels or sum(caps(u.text) for u in labels) * 5 < len(labels) * 3:
        return
    for unit in units:
        short = len(unit.text) < _LABEL_WINDOW and len(unit.text.split()) <= _LABEL_LIKE_WORDS
        if unit.label is None and unit.number is None and short and caps(unit.text):
            unit.shapes = unit.shapes | {"label_like"}


def _label(text: str, vocabulary: Vocabulary) -> LabelMatch | None:
    """vocabulary.match_label, skipping texts that cannot start with a label (longer than a label
    with no separator after its first characters)."""
    if len(text) > _LABEL_WINDOW:
        head = text[:_LABEL_WINDOW]
        if ":" not in head and "：" not in head and "–" not in head and "—" not in head and "-" not in head:
            return None
    return vocabulary.match_label(text)


def _bare_label(text: str, vocabulary: Vocabulary) -> bool:
    match = _label(text, vocabulary)
    return match is not None and match.inline_value is None


# --------------------------------------------------------------------------- splitting
def _split(block: Block, vocabulary: Vocabulary) -> list[tuple[Block, bool]]:
    """(part, gap_before) pieces of a block: a bold label run cut from its value, PDF lines cut
    at labels."""
    run_split = _split_bold_label(block, vocabulary)
    if run_split is not None:
        return run_split
    if len(block.lines) < 2 or block.in_table:  # a cell's lines are wrapping, not paragraphs
        return [(block, block.gap_before)]
    pieces: list[list[str]] = [[block.lines[0]]]
    for previous, line in zip(block.lines, block.lines[1:]):
        starts_label = line[:1].isupper() and _label(line, vocabulary) is not None
        if starts_label or _bare_label(previous, vocabulary):
            pieces.append([line])
        else:
            pieces[-1].append(line)
    if len(pieces) == 1:
        return [(block, block.gap_before)]
    parts = []
    for k, piece in enumerate(pieces):
        text = " ".join(" ".join(piece).split())
        parts.append((replace(block, text=text, lines=tuple(piece), runs=()), block.gap_before if k == 0 else False))
    return parts


def _split_bold_label(block: Block, vocabulary: Vocabulary) -> list[tuple[Block, bool]] | None:
    """(label, value) when the paragraph starts with a bold field label and goes on in regular type."""
    runs = block.runs
    if len(runs) < 2 or not runs[0].bold:
        return None
    k = 0
    while k < len(runs) and (runs[k].bold or not runs[k].text.strip()):
        k += 1
    if k == len(runs):
        return None
    label = " ".join("".join(r.text for r in runs[:k]).split())
    if not _bare_label(label, vocabulary):
        return None
    value = " ".join("".join(r.text for r in runs[k:]).split())
    if not value or not block.text.startswith(label):
        return None
    value = block.text[len(label) :].strip() or value
    label_block = replace(block, text=label, bold=True, runs=runs[:k], lines=(), page_end=None)
    value_block = replace(block, text=value, bold=all(r.bold for r in runs[k:] if r.text.strip()), runs=runs[k:], lines=())
    return [(label_block, block.gap_before), (value_block, False)]


_MAX_CUT_LINES = 8


def _rejoin_cut_label(block: Block, vocabulary: Vocabulary) -> Block:
    """A label in a narrow table cell whose words were cut across lines without a hyphen
    ("OBJECTI" / "VE"): the joining of its lines, with or without a space at each break, that
    reads as a bare label; the block unchanged when none does."""
    lines = block.lines
    if _bare_label(block.text, vocabulary) or len(lines) > _MAX_CUT_LINES:
        return block
    for mask in range(1, 1 << (len(lines) - 1)):
        text = lines[0]
        for k, line in enumerate(lines[1:]):
            text += line if mask >> k & 1 else " " + line
        if _bare_label(text, vocabulary):
            return replace(block, text=text)
    return block


def _table_order(blocks: list[Block], vocabulary: Vocabulary) -> list[tuple[int, Block]]:
    """Blocks in reading order, a table with its labels across the top read column by column."""
    if all(block.table_index is None for block in blocks):
        return list(enumerate(blocks))
    ordered: list[tuple[int, Block]] = []
    k = 0
    while k < len(blocks):
        block = blocks[k]
        if block.table_index is None:
            ordered.append((k, block))
            k += 1
            continue
        end = k
        while end < len(blocks) and blocks[end].table_index == block.table_index:
            end += 1
        ordered.extend(_table_cells(list(enumerate(blocks[k:end], start=k)), vocabulary))
        k = end
    return ordered


def _table_cells(cells: list[tuple[int, Block]], vocabulary: Vocabulary) -> list[tuple[int, Block]]:
    rows: dict[int, dict[int, list[tuple[int, Block]]]] = {}
    for index, block in cells:
        rows.setdefault(block.table_row or 0, {}).setdefault(block.table_col or 0, []).append((index, block))
    row_numbers = sorted(rows)
    if len(row_numbers) < 2:
        return cells
    header = rows[row_numbers[0]]
    header_labels = [all(_bare_label(b.text, vocabulary) for _, b in parts) for parts in header.values()]
    if len(header) < 2 or not all(header_labels):
        return cells
    below = [b for r in row_numbers[1:] for parts in rows[r].values() for _, b in parts]
    if sum(_bare_label(b.text, vocabulary) for b in below) * 2 >= len(below):
        return cells  # labels in every row: not a header row
    ordered: list[tuple[int, Block]] = []
    for r in row_numbers[1:]:
        for col in sorted(header):
            for n, (index, block) in enumerate(header[col]):
                ordered.append((index, replace(block, gap_before=True) if n == 0 else block))
            for n, (index, block) in enumerate(rows[r].get(col, [])):
                ordered.append((index, replace(block, gap_before=False) if n == 0 else block))
    return ordered


# --------------------------------------------------------------------------- shapes
def _shape(unit: Unit) -> None:
    if unit.label is not None:
        unit.shapes = _LABEL_SHAPES
        return
    text = unit.text.strip()
    shapes: set[str] = set()
    bullet = _BULLET_START.match(text)
    if bullet or _ends_sentence(text.rstrip(_CLOSING_QUOTES)):  # sentence_like, on the stripped text
        shapes.add("sentence")
    if bullet:
        shapes.add("bullet")
    words = len(text.split(maxsplit=_LONG_WORDS))  # the number of words, up to one more than _LONG_WORDS
    if words > _LONG_WORDS:
        shapes.add("long")
    if words <= _FIGURE_WORDS and _NUMBER_TOKEN.search(text):
        shapes.add("figure")
    first = text[0] if text and text[0].isalpha() else next((c for c in text if c.isalpha()), "")
    if first and first.islower():
        shapes.add("lowercase_start")
    block = unit.block
    digit = text[:1].isdecimal()  # every numbering pattern starts with a digit (\d: a decimal)
    number = _CRITERION_NUMBER.match(text) if digit else None
    if number:
        shapes.add("number_only")
        unit.number = int(number[1])
    elif block.list_label is not None and block.list_level is not None:
        # Word's automatic numbering: "01" before a level-0 heading, "1.1" before a level-1 one
        label = block.list_label.strip().rstrip(".)")
        if re.fullmatch(r"\d{1,2}", label):
            shapes.add("numbered_heading")
            unit.number, unit.heading = int(label), text
        elif re.fullmatch(r"\d{1,2}\.\d{1,2}", label):
            shapes.add("sub_numbered")
            unit.heading = text
    elif digit:
        sub = _SUB_NUMBERED.match(text)
        head = _NUMBERED_HEADING.match(text)
        if sub:
            shapes.add("sub_numbered")
            unit.heading = sub["title"].strip()
        elif head and head["title"][0].isupper():
            shapes.add("numbered_heading")
            unit.number, unit.heading = int(head["number"]), head["title"].strip()
    unit.shapes = frozenset(shapes)


_LABEL_SHAPES = frozenset({"label"})
