"""The PDF fonts: Noto Sans for Latin, Vietnamese, Cyrillic and Greek, WenQuanYi Micro Hei for
what Noto Sans lacks (Chinese, Japanese kana and kanji, Korean Hangul, CJK punctuation).

Both ship with the app under ``resources/fonts`` (found through :mod:`keyplan.resources`) and are
TrueType, which reportlab embeds as subsets. :func:`register_fonts` registers them once per
process: Noto Sans as the family :data:`SANS` (regular, bold, italic, bold italic) and WenQuanYi
as :data:`FALLBACK`, a family whose four faces are all the one regular face (it has no bold or
italic: CJK text in a bold or italic run stays regular, and never loses a glyph).

reportlab has no automatic font fallback: a character missing from the font a text is set in is
drawn as an empty box. So text is split into *runs* by which font has the glyph
(:func:`font_runs`, from each font's ``cmap``), and

- :func:`markup` turns text into reportlab ``Paragraph`` markup: XML special characters escaped
  (``&`` ``<`` ``>``), line breaks as ``<br/>``, fallback runs wrapped in
  ``<font name="KeyplanCJK">``;
- :func:`draw_text` and :func:`text_width` draw and measure text run by run on a canvas
  (running headers and footers), and :func:`fit_text` shortens text with an ellipsis to a width.

Text is normalised first (:func:`clean_text`): Unicode NFC, so "Nguyễn" is drawn with the
precomposed letters the fonts have (and is extracted as the same string), and control characters
other than line breaks and tabs are dropped. A character neither font has is drawn as
a box (:data:`MISSING`): the shipped fonts do not cover Thai, Arabic, Hebrew, Devanagari or
emoji.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from reportlab.pdfbase import pdfmetrics  # type: ignore[import-untyped]
from reportlab.pdfbase.ttfonts import TTFont  # type: ignore[import-untyped]

from keyplan import resources

__all__ = [
    "FALLBACK",
    "MISSING",
    "SANS",
    "SANS_BOLD",
    "SANS_BOLD_ITALIC",
    "SANS_ITALIC",
    "Run",
    "clean_text",
    "draw_text",
    "fit_text",
    "font_runs",
    "has_glyph",
    "markup",
    "needs_cjk_wrap",
    "register_fonts",
    "text_width",
]

SANS = "KeyplanSans"
SANS_BOLD = "KeyplanSans-Bold"
SANS_ITALIC = "KeyplanSans-Italic"
SANS_BOLD_ITALIC = "KeyplanSans-BoldItalic"
FALLBACK = "KeyplanCJK"
MISSING = "\u25a1"  # □, drawn for a character no shipped font has (the CJK font has it)

_FACES: Mapping[str, str] = {
    SANS: "NotoSans-Regular.ttf",
    SANS_BOLD: "NotoSans-Bold.ttf",
    SANS_ITALIC: "NotoSans-Italic.ttf",
    SANS_BOLD_ITALIC: "NotoSans-BoldItalic.ttf",
}
_FALLBACK_FILE = "wqy-microhei.ttc"

_lock = threading.Lock()
_registered = False
_cmaps: dict[str, frozenset[int]] = {}

# C0/C1 controls except tab and line feed (CR is turned into a line break first)
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff]")
_LINE_BREAKS = re.compile("\r\n|\r|\u2028|\u2029|\x0b|\x0c|\x85")


def _font_files() -> dict[str, str]:
    """Font file name -> path, from the shipped resources."""
    return {path.name: str(path) for path in resources.fonts()}


def register_fonts() -> None:
    """Register the shipped fonts with reportlab (once; safe from any thread).

    Raises ``FileNotFoundError`` naming the file when a shipped font is missing.
    """
    global _registered
    if _registered:
        return
    with _lock:
        if _registered:
            return
        files = _font_files()
        for name, file_name in (*_FACES.items(), (FALLBACK, _FALLBACK_FILE)):
            if file_name not in files:
                raise FileNotFoundError(f"The font {file_name} is missing from Keyplan's fonts.")
            if file_name.endswith(".ttc"):
                font = TTFont(name, files[file_name], subfontIndex=0)
            else:
                font = TTFont(name, files[file_name])
            pdfmetrics.registerFont(font)
            _cmaps[name] = frozenset(font.face.charToGlyph)
        pdfmetrics.registerFontFamily(
            SANS, normal=SANS, bold=SANS_BOLD, italic=SANS_ITALIC, boldItalic=SANS_BOLD_ITALIC
        )
        # no bold or italic CJK face: <b> and <i> around fallback text keep the regular one
        pdfmetrics.registerFontFamily(
            FALLBACK, normal=FALLBACK, bold=FALLBACK, italic=FALLBACK, boldItalic=FALLBACK
        )
        _registered = True


def has_glyph(font_name: str, char: str) -> bool:
    """Whether the registered font ``font_name`` has a glyph for ``char``."""
    register_fonts()
    return ord(char) in _cmaps[font_name]


def clean_text(text: str) -> str:
    """``text`` as it is drawn: NFC, line breaks as ``\\n``, tabs as spaces, no controls."""
    text = unicodedata.normalize("NFC", text)
    text = _LINE_BREAKS.sub("\n", text).replace("\t", "    ")
    return _CONTROLS.sub("", text)


@dataclass(frozen=True, slots=True)
class Run:
    """A stretch of text drawn in one font: ``fallback`` is true for the CJK font."""

    text: str
    fallback: bool

    def font(self, main: str) -> str:
        """The font this run is drawn in when the text is set in ``main``."""
        return FALLBACK if self.fallback else main


def font_runs(text: str) -> list[Run]:
    """``text`` (already cleaned) split by font: runs the main font can draw, and runs of
    characters only the fallback font has.

    Spaces and combining marks stay in the run they are in, so "张伟 株式会社" is one run;
    spaces between a CJK run and the text after it go with that text.
    A character neither font has (Thai, Arabic, an emoji) becomes :data:`MISSING`, a box
    that shows something is not drawn, rather than an invisible gap; marks and format
    characters of such scripts are left out. The main font's coverage is the regular face's
    (the bold and italic faces cover the same scripts).
    """
    register_fonts()
    main, fallback = _cmaps[SANS], _cmaps[FALLBACK]
    runs: list[Run] = []
    current: list[str] = []
    in_fallback = False
    for char in text:
        code = ord(char)
        if code not in main and code not in fallback and not char.isspace():
            if unicodedata.category(char)[0] in "MC":
                continue  # a mark or format character of a script no font has: nothing to draw
            char, code = MISSING, ord(MISSING)  # a visible box, not an invisible gap
        if char.isspace() or unicodedata.combining(char):
            wants = in_fallback if current else False
        else:
            wants = code not in main and code in fallback
        if wants != in_fallback and current:
            carried: list[str] = []
            if in_fallback:  # spaces between CJK and Latin text go with the Latin text
                while current and current[-1].isspace():
                    carried.insert(0, current.pop())
            if current:
                runs.append(Run("".join(current), in_fallback))
            current = carried
        in_fallback = wants
        current.append(char)
    if current:
        runs.append(Run("".join(current), in_fallback))
    return runs


def markup(text: str) -> str:
    """``text`` as reportlab Paragraph markup, every glyph in a font that has it.

    Special characters are escaped, line breaks become ``<br/>``, runs only the CJK font can
    draw are wrapped in ``<font name="KeyplanCJK">``. The result goes inside any ``<b>`` or
    ``<i>`` the caller adds.
    """
    parts = []
    for run in font_runs(clean_text(text)):
        body = escape(run.text).replace("\n", "<br/>")
        parts.append(f'<font name="{FALLBACK}">{body}</font>' if run.fallback else body)
    return "".join(parts)


def needs_cjk_wrap(text: str) -> bool:
    """Whether ``text`` has wide (CJK) characters: then a line may break between any two of
    them (reportlab's ``wordWrap="CJK"``), as Chinese and Japanese have no spaces."""
    return any(unicodedata.east_asian_width(char) in "WF" for char in text)


def text_width(text: str, font_name: str, size: float) -> float:
    """Width in points of one line of ``text`` set in ``font_name`` with fallback runs."""
    return sum(
        float(pdfmetrics.stringWidth(run.text, run.font(font_name), size))
        for run in font_runs(clean_text(text).replace("\n", " "))
    )


def fit_text(text: str, font_name: str, size: float, width: float) -> str:
    """One line of ``text`` no wider than ``width`` points: cut at the end with "…"."""
    line = " ".join(clean_text(text).split())
    if text_width(line, font_name, size) <= width:
        return line
    low, high = 0, len(line)
    while low < high:  # the longest prefix that fits with the ellipsis
        middle = (low + high + 1) // 2
        if text_width(line[:middle].rstrip() + "…", font_name, size) <= width:
            low = middle
        else:
            high = middle - 1
    while 0 < low < len(line) and unicodedata.combining(line[low]):
        low -= 1  # never strip a letter of its marks
    return line[:low].rstrip() + "…" if low else ""


def draw_text(
    canvas: Any,
    x: float,
    y: float,
    text: str,
    font_name: str,
    size: float,
    *,
    align: str = "left",
) -> float:
    """Draw one line of ``text`` at baseline ``y`` on a reportlab canvas; returns its width.

    ``align`` is "left" (``x`` is the start), "right" (``x`` is the end) or "centre".
    """
    line = clean_text(text).replace("\n", " ")
    width = text_width(line, font_name, size)
    if align == "right":
        x -= width
    elif align == "centre":
        x -= width / 2
    for run in font_runs(line):
        font = run.font(font_name)
        canvas.setFont(font, size)
        canvas.drawString(x, y, run.text)
        x += pdfmetrics.stringWidth(run.text, font, size)
    return width
