"""The PDF fonts: Noto Sans with WenQuanYi Micro Hei as the fallback for CJK and Hangul.

Runs are checked against the fonts' own cmaps, markup is parsed by reportlab, and a small PDF
is read back with pypdf: every string comes out exactly, every font is an embedded subset.
"""

from __future__ import annotations

import io
import re
import threading
import unicodedata
from typing import Any

import pytest
from pypdf import PdfReader
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph, SimpleDocTemplate

from keyplan.exports.pdf import fonts
from keyplan.exports.pdf.fonts import (
    FALLBACK,
    MISSING,
    SANS,
    SANS_BOLD,
    clean_text,
    fit_text,
    font_runs,
    has_glyph,
    markup,
    register_fonts,
    text_width,
)

MIXED = "Nguyễn Thị Hương · 张伟 · 株式会社 · 한국어 · Дмитрий Иванов"
SCRIPTS = (
    "Nguyễn Thị Hương",
    "张伟",
    "株式会社",
    "한국어",
    "Дмитрий Иванов",
    "Tiếng Việt",
    "Ελληνικά",
)


def test_every_character_of_a_mixed_line_is_in_the_font_of_its_run() -> None:
    runs = font_runs(MIXED)
    assert "".join(run.text for run in runs) == MIXED  # nothing lost, nothing added
    assert [run.text for run in runs if run.fallback] == ["张伟", "株式会社", "한국어"]
    for run in runs:
        font = run.font(SANS)
        for char in run.text:
            assert char.isspace() or has_glyph(font, char), (char, font)
    # the fallback is needed: Noto Sans really lacks these, and WenQuanYi has them
    assert not has_glyph(SANS, "张") and has_glyph(FALLBACK, "张")
    assert not has_glyph(SANS, "한") and has_glyph(FALLBACK, "한")
    # Vietnamese, Cyrillic and Greek stay in Noto Sans
    assert not any(run.fallback for run in font_runs("Nguyễn Дмитрий Ελληνικά ₫ € ¥ ₩"))


def test_spaces_stay_inside_a_cjk_run_and_japanese_punctuation_falls_back() -> None:
    runs = font_runs("张伟 株式会社（東京）、OK")
    assert [(run.text, run.fallback) for run in runs] == [
        ("张伟 株式会社（東京）、", True),
        ("OK", False),
    ]


def test_markup_escapes_xml_and_wraps_fallback_runs() -> None:
    text = 'A & B <b>not bold</b> "q" 张伟\nline two'
    body = markup(text)
    assert body == (
        'A &amp; B &lt;b&gt;not bold&lt;/b&gt; "q" '
        f'<font name="{FALLBACK}">张伟</font><br/>line two'
    )
    # reportlab parses it, and the text it draws is the original
    paragraph = Paragraph(body, ParagraphStyle("t", fontName=SANS))
    drawn = "".join(frag.text for frag in paragraph.frags)
    assert drawn == text.replace("\n", "")


def test_clean_text_is_nfc_without_controls() -> None:
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Hương")
    assert decomposed != "Nguyễn Thị Hương"
    assert clean_text(decomposed) == "Nguyễn Thị Hương"
    assert clean_text("a\r\nb\rc\x00d\x07e\tf\u2028g") == "a\nb\ncde    f\ng"


def test_characters_no_font_has_become_a_visible_box() -> None:
    runs = font_runs("Thai ไทย ที่, emoji 👍, Arabic عربي")
    text = "".join(run.text for run in runs)
    # one box a character; the marks of a script no font has are left out with it
    assert text == f"Thai {MISSING * 3} {MISSING}, emoji {MISSING}, Arabic {MISSING * 4}"
    assert all(has_glyph(run.font(SANS), c) for run in runs for c in run.text if not c.isspace())


def test_fit_text_cuts_with_an_ellipsis_and_keeps_letters_whole() -> None:
    text = "Chiến dịch Tết Nguyên Đán trên sàn · 中秋月餅預訂網站"
    assert fit_text(text, SANS, 9, 1000) == text
    width = text_width(text, SANS, 9) / 2
    short = fit_text(text, SANS, 9, width)
    assert short.endswith("…") and text.startswith(short[:-1])
    assert text_width(short, SANS, 9) <= width
    assert not unicodedata.combining(short[-2])
    assert fit_text(text, SANS, 9, 1) == ""
    # widths count the fallback font for CJK runs
    cjk = "株式会社"
    assert text_width(cjk, SANS, 10) == pytest.approx(stringWidth(cjk, FALLBACK, 10))


def test_registering_is_idempotent_and_thread_safe() -> None:
    errors: list[BaseException] = []

    def register() -> None:
        try:
            register_fonts()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=register) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    register_fonts()
    assert has_glyph(SANS_BOLD, "ễ")


def test_a_missing_font_file_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fonts, "_registered", False)
    monkeypatch.setattr(fonts, "_font_files", lambda: {})
    with pytest.raises(FileNotFoundError, match=r"NotoSans-Regular\.ttf"):
        register_fonts()


def _pdf(paragraphs: list[Any]) -> bytes:
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, initialFontName=SANS).build(paragraphs)
    return buffer.getvalue()


def fonts_of(reader: PdfReader) -> list[Any]:
    found = []
    for page in reader.pages:
        resources = page["/Resources"]
        for ref in resources.get("/Font", {}).values():
            found.append(ref.get_object())
    return found


def test_mixed_text_in_regular_bold_and_italic_is_extracted_exactly() -> None:
    style = ParagraphStyle("t", fontName=SANS, fontSize=10, leading=14)
    bold = ParagraphStyle("b", fontName=SANS_BOLD, fontSize=10, leading=14)
    line = " | ".join(SCRIPTS)
    data = _pdf(
        [
            Paragraph(markup(line), style),
            Paragraph(f"<b>{markup(line)}</b>", style),
            Paragraph(markup(line), bold),
            Paragraph(f"<i>{markup(line)}</i>", style),
        ]
    )
    reader = PdfReader(io.BytesIO(data))
    lines = reader.pages[0].extract_text().splitlines()
    assert lines[:4] == [line] * 4
    names = set()
    for font in fonts_of(reader):
        descriptor = font["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor, font["/BaseFont"]  # embedded TrueType outlines
        assert re.fullmatch(r"/[A-Z]{6}\+\S+", font["/BaseFont"]), font["/BaseFont"]  # subset
        names.add(font["/BaseFont"].split("+", 1)[1])
    assert names == {
        "NotoSans-Regular",
        "NotoSans-Bold",
        "NotoSans-Italic",
        "WenQuanYiMicroHei-0",
    }
