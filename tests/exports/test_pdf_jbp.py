"""The JBP summary PDF read back with pypdf: the Vietnamese client's plan in its own words,
the phases, objectives, targets, scorecard, investments by funder, calendar and sign-off;
metadata; embedded fonts; never the plan's internal notes; a page rendered to an image."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from keyplan.domain.numbers import format_decimal
from keyplan.exports.pdf.jbp import build_jbp_pdf
from keyplan.services.exporting import export_jbp_pdf, jbp_document, jbp_file_name
from keyplan.services.workspace import WorkspaceServices

TODAY = date(2026, 3, 16)  # the demo's day (tests/exports/conftest.py)
MARKER = "INTERNAL-NOTE-XY9"


def _text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


@pytest.fixture(scope="module")
def sen_viet(demo: WorkspaceServices) -> int:
    account = next(a.id for a in demo.accounts.all() if a.name == "Sen Việt E-commerce")
    plan = demo.jbp.find(account, 2026)
    assert plan is not None
    return plan


def test_the_vietnamese_plan_reads_in_its_own_words(
    demo: WorkspaceServices, sen_viet: int, tmp_path: Path
) -> None:
    path = export_jbp_pdf(demo, sen_viet, tmp_path / jbp_file_name(demo, sen_viet, ".pdf"),
                          today=TODAY)  # fmt: skip
    assert path.name == "Sen Việt E-commerce - JBP 2026.pdf"
    text = _text(path.read_bytes())
    record = demo.jbp.get(sen_viet)
    for expected in (
        "JOINT BUSINESS PLAN 2026",
        "Kế hoạch kinh doanh chung Sen Việt × Harbourline 2026",
        "Đưa Sen Việt trở thành sàn thương mại điện tử",
        "Tăng doanh thu (GMV) các ngày mua sắm lớn thêm 33 %",
        "Nguyễn Thị Hương",
        "Biên lợi nhuận %",
        "Scorecard by quarter",
        "Joint investments",
        "Livestream studio tại TP. Hồ Chí Minh",
        "Totals by funder (VND)",
        "Activity calendar",
        "Sign-off",
        "Trần Văn Đức",
        "Nguyễn Hoàng Minh",
        "12 Dec 2025",
        "4. Execute" if TODAY.month > 3 else "3. Initiative planning",
    ):
        assert expected in text, expected
    totals = record.funder_totals[0]
    assert format_decimal(totals.total, "en_US", 0) in text
    assert format_decimal(totals.client_pays, "en_US", 0) in text
    # the year's target and a quarter rolled up from its months (January and February)
    turnover = next(m for m in record.measures if m.metric == "turnover")
    assert format_decimal(turnover.target, "en_US", 0) in text  # type: ignore[arg-type]
    q1 = demo.jbp.business_review(sen_viet, "2026-Q1")
    line = next(line for line in q1.lines if line.measure_id == turnover.id)
    assert line.months_reported == 2
    assert format_decimal(line.actual, "en_US", 0) in text  # type: ignore[arg-type]
    assert "% of the year target" in text


def test_metadata_fonts_and_no_internal_notes(
    demo: WorkspaceServices, sen_viet: int, tmp_path: Path
) -> None:
    copy = tmp_path / "copy.keyplan"
    demo.save_copy(copy)
    with WorkspaceServices.open(copy) as services:
        services.jbp.update(sen_viet, {"internal_notes": f"{MARKER} Khôi wants a discount"})
        document = jbp_document(services, sen_viet, today=TODAY)
    data = build_jbp_pdf(document)
    assert MARKER not in _text(data) and MARKER.encode() not in data
    reader = PdfReader(io.BytesIO(data))
    meta = reader.metadata
    assert meta is not None
    assert meta.title == "Joint business plan 2026: Sen Việt E-commerce"
    assert meta.author == "Harbourline Partners"
    assert len(reader.pages) >= 2
    fonts = set()
    for page in reader.pages:
        resources = page["/Resources"]
        for font in resources.get("/Font", {}).values():
            descriptor = font.get_object()
            fonts.add(str(descriptor["/BaseFont"]))
    assert fonts and all("+" in name for name in fonts)  # subsets, embedded
    assert "Page 1 of" in _text(data)


def test_a_plan_with_nothing_yet_still_prints(demo: WorkspaceServices, tmp_path: Path) -> None:
    copy = tmp_path / "empty.keyplan"
    demo.save_copy(copy)
    with WorkspaceServices.open(copy) as services:
        account = next(a.id for a in services.accounts.all() if a.name == "Mapo Coffee Roasters")
        plan = services.jbp.create(account, 2027, standard_targets=False)
        text = _text(build_jbp_pdf(jbp_document(services, plan, today=TODAY)))
    assert "Joint business plan 2027" in text
    assert "Scorecard" not in text and "Joint investments" not in text  # empty parts left out
    assert "To be agreed and signed." in text


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler) not installed")
def test_the_first_page_renders_with_the_phase_stepper(
    demo: WorkspaceServices, sen_viet: int, tmp_path: Path
) -> None:
    pdf = tmp_path / "plan.pdf"
    pdf.write_bytes(build_jbp_pdf(jbp_document(demo, sen_viet, today=TODAY)))
    subprocess.run(
        ["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
        check=True,
        timeout=60,
    )
    image = Image.open(next(tmp_path.glob("page*.png"))).convert("RGB")
    brand = (0x0E, 0x5A, 0x8A)  # the demo agency's colour fills the current phase
    raw = image.tobytes()
    pixels = (raw[i : i + 3] for i in range(0, len(raw), 3))
    near = sum(1 for p in pixels if all(abs(c - b) < 30 for c, b in zip(p, brand, strict=True)))
    assert near > 200, near
    assert Decimal(near) < Decimal(image.width * image.height) / 4
