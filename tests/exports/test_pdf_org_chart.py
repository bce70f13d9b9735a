"""The relationship map as a PDF drawing, read back with pypdf: every name in a font that has
it (Vietnamese, Chinese), the internal ratings and coverage only in the internal variant, and
the chart scaled into the room it is given."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from PIL import Image as PILImage
from pypdf import PdfReader
from reportlab.graphics import renderPDF
from reportlab.lib import colors
from reportlab.lib.rl_accel import fp_str

from keyplan.domain.relationships import STRENGTH_COLOURS, ChartPerson, layout_chart
from keyplan.exports.documents import AgencyHeader
from keyplan.exports.org_chart_document import OrgChartDocument, OrgChartNode
from keyplan.exports.pdf.layout import PageSetup, PdfDocument, tint
from keyplan.exports.pdf.org_chart import fitting_height, org_chart_drawing

TODAY = date(2026, 10, 20)
NODES = (
    OrgChartNode(1, "Trần Văn Đức", "Tổng Giám đốc (CEO)", "Decision maker", 5, 3,
                 date(2026, 10, 12)),
    OrgChartNode(2, "Nguyễn Thị Hương", "Giám đốc Marketing", "Economic buyer", 4, 5,
                 date(2026, 9, 1), overdue=True),
    OrgChartNode(3, "张伟", "市场总监", "Champion", 3, 4, None, overdue=True),
    OrgChartNode(4, "Võ Quốc Bảo", "CFO", "Blocker", 4, 1, date(2026, 10, 19)),
    OrgChartNode(5, "陳志明 (Michael Chan)", "Head of Procurement", "", None, None,
                 date(2026, 10, 18)),
)  # fmt: skip
MANAGERS = {2: 1, 3: 2, 4: 1}


def document(
    *, client_safe: bool = False, nodes: tuple[OrgChartNode, ...] = NODES
) -> OrgChartDocument:
    layout = layout_chart(
        ChartPerson(n.contact_id, n.name, MANAGERS.get(n.contact_id)) for n in nodes
    )
    if client_safe:  # as the service builds it: nothing internal in the values either
        nodes = tuple(OrgChartNode(n.contact_id, n.name, n.title) for n in nodes)
    cadence = None if client_safe else 14
    return OrgChartDocument(
        "Sen Việt E-commerce", nodes, layout, TODAY, cadence_days=cadence, client_safe=client_safe
    )


def build_pdf(chart: OrgChartDocument, height: float = 320) -> bytes:
    pdf = PdfDocument(PageSetup(AgencyHeader("Mekong Media"), title="Account plan", subject="Plan"))
    return bytes(pdf.build([pdf.paragraph("Relationship map", pdf.styles.heading),
                            org_chart_drawing(chart, pdf.width, height)]))  # fmt: skip


def text_of(data: bytes) -> tuple[str, str]:
    """The extracted text (spaces collapsed) and the decompressed page streams."""
    reader = PdfReader(io.BytesIO(data))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    raw = "\n".join(page.get_contents().get_data().decode("latin-1") for page in reader.pages)  # type: ignore[union-attr]
    return text, raw


def fill_operator(hex_colour: str) -> str:
    """How reportlab writes the box fill of a strength colour into a page stream."""
    colour = tint(colors.HexColor(hex_colour), 0.82)
    return f"{fp_str(colour.red, colour.green, colour.blue)} rg"


@pytest.fixture(scope="module")
def internal() -> tuple[str, str, bytes]:
    data = build_pdf(document())
    return (*text_of(data), data)


@pytest.fixture(scope="module")
def client() -> tuple[str, str, bytes]:
    data = build_pdf(document(client_safe=True))
    return (*text_of(data), data)


def test_every_name_and_title_is_there_in_every_script(internal: tuple[str, str, bytes]) -> None:
    text, _, data = internal
    for node in NODES:
        assert node.name in text, node.name
        assert node.title in text, node.title
    reader = PdfReader(io.BytesIO(data))
    fonts = {
        str(ref.get_object()["/BaseFont"]).split("+", 1)[-1]
        for page in reader.pages
        for ref in page["/Resources"]["/Font"].values()
    }
    assert fonts >= {"NotoSans-Regular", "NotoSans-Bold", "WenQuanYiMicroHei-0"}, fonts
    assert not any("Helvetica" in font for font in fonts)


def test_the_internal_chart_has_ratings_roles_coverage_and_a_legend(
    internal: tuple[str, str, bytes],
) -> None:
    text, raw, _ = internal
    for word in ("Decision maker", "Economic buyer", "Champion", "Blocker"):
        assert word in text
    assert "Last reached 12 Oct 2026" in text
    assert "Last reached 1 Sep 2026" in text
    assert "Never reached" in text
    assert "Relationship:" in text and "influence 1–5" in text
    assert "not reached within 14 days" in text
    for name in ("Strong", "Good", "Neutral", "Weak", "Very weak", "Not rated"):
        assert name in text
    for bucket in (1, 3, 4, 5):  # the boxes are filled in their strength's colour
        assert fill_operator(STRENGTH_COLOURS[bucket]) in raw, bucket


def test_the_client_chart_is_plain_boxes_with_names_and_titles(
    internal: tuple[str, str, bytes], client: tuple[str, str, bytes]
) -> None:
    text, raw, _ = client
    for node in NODES:
        assert node.name in text and node.title in text
    for secret in ("Decision maker", "Blocker", "Champion", "Last reached", "Never reached",
                   "Relationship:", "influence", "Strong", "Very weak", "not reached"):  # fmt: skip
        assert secret in internal[0], secret  # there is something to leave out
        assert secret not in text, secret
    for bucket in range(6):
        assert fill_operator(STRENGTH_COLOURS[bucket]) not in raw, bucket
    # no influence discs: the numbers 1-5 appear nowhere on their own
    alone = re.compile(r"(?<![\w(])[1-5](?![\w)])")
    assert alone.search(internal[0].replace("Page 1 of 1", ""))  # the discs, in the internal
    assert not alone.search(text.replace("Page 1 of 1", ""))


def test_a_big_chart_is_scaled_into_the_room_given() -> None:
    nodes = tuple(OrgChartNode(i, f"Contact {i:02} Nguyễn", "Manager") for i in range(1, 41))
    people = [ChartPerson(n.contact_id, n.name, (n.contact_id - 1) // 3 or None) for n in nodes]
    chart = OrgChartDocument("Big", nodes, layout_chart(people), TODAY, cadence_days=7)
    drawing = org_chart_drawing(chart, 480, 300)
    x0, y0, x1, y1 = drawing.getBounds()
    assert x0 >= -1 and y0 >= -1 and x1 <= 481 and y1 <= 301, (x0, y0, x1, y1)
    assert (drawing.width, drawing.height) == (480, 300)
    text, _ = text_of(build_pdf(chart, 300))
    assert "Contact 40 Nguyễn" in text and "Contact 01 Nguyễn" in text


def test_a_small_chart_is_not_blown_up_and_an_empty_one_says_so() -> None:
    one = (OrgChartNode(1, "Lê Minh Khôi", "CEO"),)
    small = org_chart_drawing(document(nodes=one, client_safe=True), 480, 300)
    x0, y0, x1, y1 = small.getBounds()  # client-safe: no legend, only the box
    assert x1 - x0 == pytest.approx(132, abs=2)  # one box at full size, not stretched
    assert y1 == pytest.approx(300, abs=1) and y1 - y0 == pytest.approx(30, abs=2)
    empty = OrgChartDocument("Empty", (), layout_chart([]), TODAY)
    text, _ = text_of(build_pdf(empty))
    assert "No contacts yet." in text


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler) is not installed")
def test_the_rendered_chart_shows_coloured_boxes(tmp_path: Path) -> None:
    path = tmp_path / "chart.pdf"
    renderPDF.drawToFile(org_chart_drawing(document(), 480, 320), str(path))
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(path), str(tmp_path / "page")], check=True)
    image = PILImage.open(next(tmp_path.glob("page*.png"))).convert("RGB")
    colours = {colour for _, colour in image.getcolors(maxcolors=1 << 20) or []}
    alert = (0xB4, 0x23, 0x18)  # the overdue dots
    assert any(sum(abs(a - b) for a, b in zip(c, alert, strict=True)) < 40 for c in colours)
    green = (0x2E, 0x8B, 0x57)  # the strong relationship's edge
    assert any(sum(abs(a - b) for a, b in zip(c, green, strict=True)) < 40 for c in colours)


@pytest.mark.parametrize("client_safe", [False, True])
def test_fitting_height_holds_the_chart_at_the_widths_scale(client_safe: bool) -> None:
    chart = document(client_safe=client_safe)
    height = fitting_height(chart, 300)
    drawing = org_chart_drawing(chart, 300, height)
    x0, y0, x1, y1 = drawing.getBounds()
    assert x1 - x0 == pytest.approx(300, abs=3)  # the width is used: the width set the scale
    assert y0 >= -1 and y1 <= height + 1
    roomy = org_chart_drawing(chart, 300, height * 2)  # more height gives no larger chart
    assert roomy.getBounds()[2] - roomy.getBounds()[0] == pytest.approx(x1 - x0, abs=1)
