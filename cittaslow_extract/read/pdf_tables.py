"""Ruled tables: a grid of drawn rules on a PDF page, its words by cell, taken out of the page's
text flow and given back as blocks cell by cell (table_index, table_row, table_col), as the DOCX
reader gives Word's tables; a table that goes on over a page break keeps its index and rows.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace

from cittaslow_extract.models import Block
from cittaslow_extract.normalize.turkish import strip_invisible
from cittaslow_extract.read.pdf_words import (
    Rule,
    Word,
    dominant_font,
    dominant_size,
    rows_by_baseline,
    runs_of,
    word_key,
)

_RULE_THIN = 2.0  # points: a rule is at most this thick
_RULE_TOUCH = 2.5  # rules this close belong to one table
_MIN_RULE = 8.0  # shorter strokes are glyph parts or decorations
_MAX_RULES = 600  # a page with more strokes is a drawing; grouping them would cost n² pairs


@dataclass(slots=True)
class Cell:
    row: int
    col: int
    words: list[Word]


@dataclass(slots=True)
class Table:
    """A ruled table found on a page: its words by cell, taken out of the page's text flow."""

    top: float
    cells: list[Cell]  # in reading order: row by row, left to right
    columns: tuple[float, ...] = ()  # x of the vertical rules of its widest row
    rows: int = 0


def find_tables(rules: list[Rule], words: list[Word]) -> tuple[list[Table], list[Word]]:
    """Ruled tables (a grid of at least 2 horizontal and 2 vertical rules) and the words outside them.

    Rows lie between consecutive horizontal rules; in each row, cells lie between the vertical
    rules that cross it, so merged cells come out whole.  A word belongs to the cell holding its
    centre.
    """
    horizontal = [r for r in rules if r.bottom - r.top <= _RULE_THIN and r.x1 - r.x0 >= _MIN_RULE]
    vertical = [r for r in rules if r.x1 - r.x0 <= _RULE_THIN and r.bottom - r.top >= _MIN_RULE]
    candidates = horizontal + vertical
    if len(horizontal) < 2 or len(vertical) < 2 or len(candidates) > _MAX_RULES:
        return [], words  # no grid, or a drawing (a chart, a map) rather than a form's tables
    # connected groups of touching rules
    parent = list(range(len(candidates)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, a in enumerate(candidates):
        for j in range(i + 1, len(candidates)):
            b = candidates[j]
            if (
                a.x0 - _RULE_TOUCH <= b.x1 and b.x0 - _RULE_TOUCH <= a.x1
                and a.top - _RULE_TOUCH <= b.bottom and b.top - _RULE_TOUCH <= a.bottom
            ):
                parent[find(i)] = find(j)
    groups: dict[int, list[Rule]] = {}
    for i, rule in enumerate(candidates):
        groups.setdefault(find(i), []).append(rule)
    tables: list[Table] = []
    taken: set[int] = set()
    for group in groups.values():
        hs = [r for r in group if r in horizontal]
        vs = [r for r in group if r in vertical]
        if len(hs) < 2 or len(vs) < 2:
            continue
        table = _grid_table(hs, vs, words, taken)
        if table is not None:
            tables.append(table)
    tables.sort(key=lambda tb: tb.top)
    return tables, [w for k, w in enumerate(words) if k not in taken]


def _merge_positions(values: list[float]) -> list[float]:
    merged: list[float] = []
    for v in sorted(values):
        if merged and v - merged[-1] <= _RULE_TOUCH:
            continue
        merged.append(v)
    return merged


def _grid_table(hs: list[Rule], vs: list[Rule], words: list[Word], taken: set[int]) -> Table | None:
    ys = _merge_positions([(r.top + r.bottom) / 2 for r in hs])
    if len(ys) < 2:
        return None
    left = min(r.x0 for r in hs + vs)
    right = max(r.x1 for r in hs + vs)
    cells: dict[tuple[int, int], Cell] = {}
    for k, word in enumerate(words):
        cx, cy = (word.x0 + word.x1) / 2, (word.top + word.bottom) / 2
        if not (left <= cx <= right and ys[0] <= cy <= ys[-1]):
            continue
        row = next(i for i in range(len(ys) - 1) if ys[i] <= cy <= ys[i + 1])
        middle = (ys[row] + ys[row + 1]) / 2
        xs = _merge_positions([(v.x0 + v.x1) / 2 for v in vs if v.top - _RULE_TOUCH <= middle <= v.bottom + _RULE_TOUCH])
        if len(xs) < 2 or not xs[0] <= cx <= xs[-1]:
            continue
        col = next(i for i in range(len(xs) - 1) if xs[i] <= cx <= xs[i + 1])
        cells.setdefault((row, col), Cell(row, col, [])).words.append(word)
        taken.add(k)
    if not cells:
        return None
    ordered = [cells[key] for key in sorted(cells)]
    columns = max(
        (tuple(_merge_positions([(v.x0 + v.x1) / 2 for v in vs if v.top <= (a + b) / 2 <= v.bottom])) for a, b in zip(ys, ys[1:])),
        key=len,
    )
    return Table(ys[0], ordered, columns, len(ys) - 1)


def _cell_text(lines: list[list[Word]], known: Counter[str]) -> str:
    """A cell paragraph's lines joined.  In a narrow cell a word too long for the cell is cut
    without a hyphen ("INFOR" / "MATIO" / "N"): a line-end piece that is not a word of the
    document is joined to the pieces after it when together they make one that is.  Other cuts
    ("Approxima" / "tely") cannot be told from a wrap without a dictionary and stay cut; the
    segmenter retries labels cut this way (structure/units.py)."""
    pieces = [w for line in lines for w in line]
    ends = {sum(len(line) for line in lines[: k + 1]) - 1 for k in range(len(lines) - 1)}
    out: list[str] = []
    k = 0
    while k < len(pieces):
        word = pieces[k].text
        if k in ends and word_key(word) not in known:
            joined, j = word, k
            while j in ends and j + 1 < len(pieces) and j - k < 3:
                j += 1
                joined += pieces[j].text
                if word_key(joined) in known:
                    word, k = joined, j
                    break
        out.append(word)
        k += 1
    return " ".join(out)


def _cell_paragraphs(words: list[Word]) -> list[list[list[Word]]]:
    """A cell's words as paragraphs of lines: a new paragraph where the gap between two lines is
    wider than a third of a line (paragraph spacing inside the cell)."""
    rows = rows_by_baseline(words)
    paragraphs: list[list[list[Word]]] = []
    previous: list[Word] | None = None
    for row in rows:
        if previous is None:
            paragraphs.append([row])
        else:
            size = dominant_size(row) or 10.0
            gap = min(w.top for w in row) - max(w.bottom for w in previous)
            if gap > 0.35 * size:
                paragraphs.append([row])
            else:
                paragraphs[-1].append(row)
        previous = row
    return paragraphs


def table_blocks(
    item: tuple[int, Table], index: int, first: bool, known: Counter[str], row_offset: int = 0
) -> list[Block]:
    """A table's cells as blocks, row by row: the first paragraph of a row's first cell (or of a
    cell after an empty one) with gap_before, as the DOCX reader does."""
    page, table = item
    blocks: list[Block] = []
    previous: Cell | None = None
    for cell in table.cells:
        new_row = previous is None or previous.row != cell.row
        gap = new_row or previous is None or previous.col != cell.col - 1
        for k, lines in enumerate(_cell_paragraphs(cell.words)):
            words = [w for line in lines for w in line]
            texts = [" ".join(w.text for w in line) for line in lines]
            text = " ".join(strip_invisible(_cell_text(lines, known)).split())
            if not text:
                continue
            runs = runs_of(words)
            blocks.append(
                Block(
                    text=text,
                    page=page,
                    gap_before=(gap and k == 0) or (first and not blocks),
                    bold=all(w.bold for w in words),
                    font_size=dominant_size(words) or None,
                    font=dominant_font(words),
                    in_table=True,
                    table_index=index,
                    table_row=cell.row + row_offset,
                    table_col=cell.col,
                    lines=tuple(texts) if len(texts) > 1 else (),
                    runs=runs if len(runs) > 1 else (),
                )
            )
        previous = cell
    return blocks


def row_goes_on(before: Table, after: Table) -> bool:
    """The first row of a table's next-page part is the rest of the previous part's last row: it
    only fills columns that row filled, and some cell of it starts in lower case."""
    last_row = max(cell.row for cell in before.cells)
    filled = {cell.col for cell in before.cells if cell.row == last_row}
    first = [cell for cell in after.cells if cell.row == 0]
    return bool(first) and {c.col for c in first} <= filled and any(
        rows_by_baseline(c.words)[0][0].text[:1].islower() for c in first
    )


def join_split_row(emitted: list[Block], new: list[Block], index: int, row: int) -> list[Block]:
    """The blocks of a row split across a page: each cell's first piece joined to the text it goes
    on from, with a space when it starts in lower case (one paragraph cut by the page)."""
    kept: list[Block] = []
    seen: set[int | None] = set()
    for block in new:
        if block.table_row != row or block.table_col in seen:
            kept.append(block)
            continue
        seen.add(block.table_col)
        k = next((k for k in range(len(emitted) - 1, -1, -1)
                  if emitted[k].table_index == index and emitted[k].table_row == row
                  and emitted[k].table_col == block.table_col), None)
        if k is None or not block.text[:1].islower():
            kept.append(replace(block, gap_before=False) if k is not None else block)
            continue
        previous = emitted[k]
        emitted[k] = replace(previous, text=f"{previous.text} {block.text}", page_end=block.page,
                             lines=previous.lines + block.lines, runs=())
    return kept


def continues_table(before: tuple[int, Table], after: tuple[int, Table]) -> bool:
    """A table going on at the top of the next page: the same column rules."""
    (page_a, a), (page_b, b) = before, after
    if page_b != page_a + 1 or len(a.columns) != len(b.columns):
        return False
    return all(abs(x - y) <= _RULE_TOUCH for x, y in zip(a.columns, b.columns))
