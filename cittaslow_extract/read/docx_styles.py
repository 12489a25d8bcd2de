"""DOCX styles (styles.xml): every style resolved once per document, through its basedOn chain,
into a small record (`Style`), and the readers of WordprocessingML's run and paragraph properties
that the styles and the paragraphs share (bold, size, font, spacing, indent, numbering).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_HEADING_NAME = re.compile(r"^heading\s*(\d)$", re.IGNORECASE)
_ON = {"1", "true", "on"}


def val(element: Any, attribute: str = "val") -> str | None:
    return None if element is None else element.get(W + attribute)


def flag(element: Any) -> bool | None:
    """A WordprocessingML on/off property: present without val means on."""
    if element is None:
        return None
    value = element.get(W + "val")
    return value is None or value.lower() in _ON


@dataclass(frozen=True, slots=True)
class Style:
    name: str
    heading_level: int | None
    bold: bool | None
    caps: bool | None
    size: float | None  # points
    space_before: float | None  # points
    contextual_spacing: bool | None
    hidden: bool | None
    italic: bool | None = None
    font: str | None = None
    space_after: float | None = None
    align: str | None = None
    indent: float | None = None
    numbering: tuple[str, int] | None = None  # (numId, level) from the style's w:numPr


@dataclass(slots=True)
class Styles:
    by_id: dict[str, Style]
    default_paragraph: str | None
    default_bold: bool
    default_size: float
    default_space_before: float

    def paragraph(self, style_id: str | None) -> Style | None:
        return self.by_id.get(style_id or self.default_paragraph or "")


def load_styles(styles_element: Any) -> Styles:
    """Every style resolved through its basedOn chain, once per document."""
    from docx.styles import BabelFish

    raw: dict[str, tuple[Any, str | None]] = {}
    default_paragraph = None
    default_bold, default_size, default_space = False, 10.0, 0.0
    if styles_element is not None:
        for style in styles_element.iterchildren(W + "style"):
            style_id = style.get(W + "styleId")
            if style_id is None:
                continue
            raw[style_id] = (style, val(style.find(W + "basedOn")))
            if style.get(W + "type") == "paragraph" and _flag_attr(style.get(W + "default")):
                default_paragraph = style_id
        defaults = styles_element.find(W + "docDefaults")
        if defaults is not None:
            rpr = defaults.find(f"{W}rPrDefault/{W}rPr")
            if rpr is not None:
                default_bold = bool(flag(rpr.find(W + "b")))
                size = val(rpr.find(W + "sz"))
                default_size = int(size) / 2 if size and size.isdigit() else default_size
            spacing = defaults.find(f"{W}pPrDefault/{W}pPr/{W}spacing")
            before = val(spacing, "before")
            default_space = int(before) / 20 if before and before.lstrip("-").isdigit() else 0.0

    resolved: dict[str, Style] = {}

    def resolve(style_id: str, depth: int = 0) -> Style:
        if style_id in resolved:
            return resolved[style_id]
        element, parent_id = raw[style_id]
        parent = resolve(parent_id, depth + 1) if parent_id in raw and depth < 20 else None
        name_element = element.find(W + "name")
        name = BabelFish.internal2ui(val(name_element) or style_id)
        ppr, rpr = element.find(W + "pPr"), element.find(W + "rPr")
        heading = _HEADING_NAME.match(name)
        level: int | None = 0 if name.lower() == "title" else int(heading[1]) if heading else None
        outline = val(ppr.find(W + "outlineLvl")) if ppr is not None else None
        if level is None and outline is not None and outline.isdigit() and int(outline) < 9:
            level = int(outline) + 1
        if level is None and parent is not None:
            level = parent.heading_level
        spacing = ppr.find(W + "spacing") if ppr is not None else None
        style = Style(
            name=name,
            heading_level=level,
            bold=first_of(rpr_flag(rpr, "b"), parent.bold if parent else None),
            caps=first_of(rpr_flag(rpr, "caps"), parent.caps if parent else None),
            size=first_of(rpr_size(rpr), parent.size if parent else None),
            space_before=first_of(spacing_before(spacing), parent.space_before if parent else None),
            contextual_spacing=first_of(
                flag(ppr.find(W + "contextualSpacing")) if ppr is not None else None,
                parent.contextual_spacing if parent else None,
            ),
            hidden=first_of(rpr_flag(rpr, "vanish"), parent.hidden if parent else None),
            italic=first_of(rpr_flag(rpr, "i"), parent.italic if parent else None),
            font=first_of(rpr_font(rpr), parent.font if parent else None),
            space_after=first_of(spacing_after(spacing), parent.space_after if parent else None),
            align=first_of(val(ppr.find(W + "jc")) if ppr is not None else None, parent.align if parent else None),
            indent=first_of(indent_of(ppr), parent.indent if parent else None),
            numbering=first_of(numbering_of(ppr), parent.numbering if parent else None),
        )
        resolved[style_id] = style
        return style

    for style_id in raw:
        resolve(style_id)
    return Styles(resolved, default_paragraph, default_bold, default_size, default_space)


def _flag_attr(value: str | None) -> bool:
    return value is not None and value.lower() in _ON


def first_of(*values: Any) -> Any:
    for value in values:
        if value is not None:
            return value
    return None


def rpr_flag(rpr: Any, name: str) -> bool | None:
    return None if rpr is None else flag(rpr.find(W + name))


def rpr_size(rpr: Any) -> float | None:
    value = None if rpr is None else val(rpr.find(W + "sz"))
    return int(value) / 2 if value and value.isdigit() else None


def rpr_font(rpr: Any) -> str | None:
    fonts = None if rpr is None else rpr.find(W + "rFonts")
    if fonts is None:
        return None
    name = fonts.get(W + "ascii") or fonts.get(W + "hAnsi") or fonts.get(W + "cs")
    return None if name is None else str(name)


def spacing_after(spacing: Any) -> float | None:
    if spacing is None:
        return None
    if _flag_attr(spacing.get(W + "afterAutospacing")):
        return 14.0
    after = spacing.get(W + "after")
    if after is not None and after.lstrip("-").isdigit():
        return int(after) / 20
    return None


def indent_of(ppr: Any) -> float | None:
    ind = None if ppr is None else ppr.find(W + "ind")
    if ind is None:
        return None
    left = ind.get(W + "left") or ind.get(W + "start")
    return int(left) / 20 if left is not None and left.lstrip("-").isdigit() else None


def numbering_of(ppr: Any) -> tuple[str, int] | None:
    num_pr = None if ppr is None else ppr.find(W + "numPr")
    if num_pr is None:
        return None
    num_id = val(num_pr.find(W + "numId"))
    level = val(num_pr.find(W + "ilvl"))
    if num_id is None:
        return None
    return num_id, int(level) if level and level.isdigit() else 0


def spacing_before(spacing: Any) -> float | None:
    if spacing is None:
        return None
    if _flag_attr(spacing.get(W + "beforeAutospacing")):
        return 14.0  # "auto" spacing, as Word shows it
    before = spacing.get(W + "before")
    if before is not None and before.lstrip("-").isdigit():
        return int(before) / 20
    lines = spacing.get(W + "beforeLines")
    if lines is not None and lines.lstrip("-").isdigit():
        return int(lines) / 100 * 12
    return None
