"""Engine-independent PDF layout analysis: words → lines → paragraphs → blocks.

Both PDF readers (pdf_reader.py on pdfplumber, pdfium_reader.py on pypdfium2) only turn a page into
a list of `Word`s (text, box, font size, bold) and hand it to a `LayoutBuilder`; everything else is
decided from here, so the two engines give the same blocks:

1. per page, as soon as it is read (the engine page is then released): words drawn twice on top
   of each other (fake bold) are dropped, words inside a ruled table go to the page's tables
   (pdf_tables.py), the others are grouped into rows by baseline, and the page's column gutter is
   looked for (pdf_lines.py);
2. per document, once every page is in: rows become lines in reading order (pdf_lines.py); running
   headers and footers are removed (pdf_running.py); lines are joined into paragraphs, across page
   and column breaks when the text runs on (pdf_paragraphs.py); tables are placed among the
   paragraphs where they stood.

The layout knows nothing of the checklist form: a paragraph keeps its visual `lines` and its
formatting `runs` (bold, size, font), so that the segmenter can cut it at a field label
(structure/units.py) when nothing in the geometry parted them.
"""

from __future__ import annotations

from collections import Counter

from cittaslow_extract.models import Block
from cittaslow_extract.read.pdf_lines import PageLayout, assign_columns, read_page
from cittaslow_extract.read.pdf_paragraphs import document_metrics, paragraph_block, paragraphs
from cittaslow_extract.read.pdf_running import remove_running_lines
from cittaslow_extract.read.pdf_tables import Table, continues_table, join_split_row, row_goes_on, table_blocks
from cittaslow_extract.read.pdf_words import Rule, Word, rows_by_baseline, word_key


class LayoutBuilder:
    """Collects pages one at a time, then turns the whole document into blocks.

    >>> b = LayoutBuilder()
    >>> w = lambda t, x, y, bold=False: Word(t, x, x + 6 * len(t), y - 10, y, 10.0, bold)
    >>> b.add_page(1, 600, 800, [w("OBJECTIVE", 72, 100, True), w("Grow", 72, 112), w("food.", 102, 112)])
    >>> [(blk.text, blk.gap_before, blk.bold) for blk in b.blocks()]
    [('OBJECTIVE', True, True), ('Grow food.', False, False)]
    """

    def __init__(self) -> None:
        self.pages: list[PageLayout] = []
        self.pages_without_text: list[int] = []
        self.running_text: list[str] = []  # filled by blocks(): the running headers and footers

    def add_page(
        self, number: int, width: float, height: float, words: list[Word], rules: list[Rule] | None = None
    ) -> None:
        page = read_page(number, width, height, words, rules)
        if not page.rows and not page.tables:
            self.pages_without_text.append(number)
        self.pages.append(page)

    @property
    def has_text(self) -> bool:
        return any(page.rows or page.lines or page.tables for page in self.pages)

    def blocks(self) -> list[Block]:
        assign_columns(self.pages)
        self.running_text = remove_running_lines(self.pages)
        found = paragraphs(self.pages, document_metrics(self.pages))
        known = _known_words(self.pages)
        tables = [(page.number, table) for page in self.pages for table in page.tables]
        blocks: list[Block] = []
        index = -1
        offset = 0
        last: tuple[int, Table] | None = None  # the table just emitted, if nothing came after it

        def emit_table(item: tuple[int, Table]) -> None:
            nonlocal index, offset, last
            split = False
            if last is not None and continues_table(last, item):
                # the same table, on from the previous page; its first row may be the rest of the
                # previous page's last row (a row taller than what was left of the page)
                split = row_goes_on(last[1], item[1])
                offset += last[1].rows - (1 if split else 0)
            else:
                index, offset = index + 1, 0
            new = table_blocks(item, index, not blocks, known, row_offset=offset)
            if split:
                new = join_split_row(blocks, new, index, offset)
            blocks.extend(new)
            last = item

        for paragraph in found:
            first = paragraph.lines[0]
            # a table comes before the first paragraph below it on its page, or on a later page
            while tables and (tables[0][0], tables[0][1].top) < (first.page, first.top):
                emit_table(tables.pop(0))
            blocks.append(paragraph_block(paragraph, known, first=not blocks))
            last = None
        for item in tables:
            emit_table(item)
        return blocks


def _known_words(pages: list[PageLayout]) -> Counter[str]:
    """Every word of the document (casefolded, punctuation stripped), with how often it occurs:
    the evidence for joining a word cut at a line end (hyphenated, or cut in a narrow cell)."""
    known: Counter[str] = Counter()
    for page in pages:
        for line in page.lines:
            for word in line.words:
                known[word_key(word.text)] += 1
        for table in page.tables:
            for cell in table.cells:
                # a cell line's last word may be the first piece of a cut word: not evidence
                rows = rows_by_baseline(cell.words)
                for k, row in enumerate(rows):
                    known.update(word_key(w.text) for w in (row[:-1] if k + 1 < len(rows) else row))
    return known
