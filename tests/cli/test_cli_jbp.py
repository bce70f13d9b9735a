"""keyplan-cli jbp and export-jbp on the demo: the business review as text and JSON, the
workbook or the PDF chosen by the suffix, and one-line errors."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from keyplan.services.workspace import WorkspaceServices

from .conftest import PREFIX, run


def test_the_business_review_of_a_quarter_as_json(
    demo_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        capsys, "jbp", str(demo_path), "Sen Việt E-commerce", "--year", "2026",
        "--period", "2026-Q1", "--json",
    )  # fmt: skip
    assert (code, err) == (0, "")
    document = json.loads(out)
    plan = document["jbp"]
    assert (plan["account"], plan["year"], plan["status"], plan["currency"]) == (
        "Sen Việt E-commerce",
        2026,
        "signed",
        "VND",
    )
    assert plan["client_signed_on"] == "2025-12-12"
    [review] = document["reviews"]
    assert (review["period"], review["label"], review["kind"], review["planned"]) == (
        "2026-Q1",
        "Q1 2026",
        "quarter",
        True,
    )
    with WorkspaceServices.open(demo_path, read_only=True) as services:
        expected = services.jbp.business_review(plan["id"], "2026-Q1")
    turnover = review["lines"][0]
    line = expected.lines[0]
    assert turnover["measure"] == "Doanh thu (GMV)" == line.name
    assert turnover["target"] == f"{line.target}" and turnover["actual"] == f"{line.actual}"
    assert turnover["variance"] == f"{line.variance}"
    assert turnover["actual_source"] == "months" and turnover["months_reported"] == 2
    assert turnover["rag"] == line.rag and turnover["achieved_percent"] == str(
        line.achieved_percent.normalize()  # type: ignore[union-attr]
    )
    margin = next(item for item in review["lines"] if item["metric"] == "margin_pct")
    assert margin["target"] == "16" and "." in margin["actual"]  # ratios: no trailing zeros


def test_every_quarter_as_text(demo_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "jbp", str(demo_path), "Aurora Consumer Brands", "--year", "2025")
    assert (code, err) == (0, "")
    assert "Aurora × Harbourline joint business plan 2025" in out
    assert "Closed" in out and "phase: Monitor and renew" in out
    for quarter in ("Q1 2025", "Q2 2025", "Q3 2025", "Q4 2025"):
        assert quarter in out
    assert "Turnover" in out and "behind" in out  # the last quarter fell 10 % short
    code, out, _ = run(
        capsys, "jbp", str(demo_path), "Aurora Consumer Brands", "--year", "2025", "--json"
    )
    assert code == 0 and len(json.loads(out)["reviews"]) == 4


def test_errors_are_one_line(demo_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "jbp", str(demo_path), "Mapo Coffee Roasters", "--year", "2026")
    assert code == 1 and out == ""
    assert err == f"{PREFIX}Mapo Coffee Roasters has no joint business plan for 2026.\n"
    code, _, err = run(
        capsys, "jbp", str(demo_path), "Sen Việt", "--year", "2026", "--period", "2025-Q1"
    )
    assert code == 1 and "not in the plan's year 2026" in err
    code, _, err = run(capsys, "jbp", str(demo_path), "Sen Việt", "--year", "2026",
                       "--period", "2026-13")  # fmt: skip
    assert code == 1 and err.startswith(PREFIX) and err.count("\n") == 1
    code, _, err = run(capsys, "jbp", str(demo_path), "Sen Việt")
    assert code == 2  # --year is required


def export_jbp(
    capsys: pytest.CaptureFixture[str], demo_path: Path, target: Path, *extra: str
) -> tuple[int, str, str]:
    """export-jbp of the demo's Sen Việt plan for 2026 to ``target``."""
    return run(
        capsys, "export-jbp", str(demo_path), "Sen Việt E-commerce", "--year", "2026",
        "-o", str(target), *extra,
    )  # fmt: skip


def test_export_a_workbook_and_a_pdf(
    demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    workbook = tmp_path / "plan.xlsx"
    code, out, err = export_jbp(capsys, demo_path, workbook)
    assert (code, err, out.strip()) == (0, "", str(workbook))
    assert load_workbook(workbook).sheetnames[:3] == ["Summary", "Targets", "Scorecard"]
    pdf = tmp_path / "plan.PDF"
    code, out, err = export_jbp(capsys, demo_path, pdf)
    assert (code, err) == (0, "")
    reader = PdfReader(io.BytesIO(pdf.read_bytes()))
    assert "Kế hoạch kinh doanh chung" in reader.pages[0].extract_text()
    # never replaced without --force; --force replaces
    before = pdf.read_bytes()
    code, _, err = export_jbp(capsys, demo_path, pdf)
    assert code == 1 and "already exists" in err and pdf.read_bytes() == before
    code, _, _ = export_jbp(capsys, demo_path, pdf, "--force")
    assert code == 0


def test_export_refuses_another_suffix(
    demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "plan.docx"
    code, out, err = export_jbp(capsys, demo_path, target)
    assert code == 1 and out == "" and not target.exists()
    assert err == (
        f"{PREFIX}plan.docx: write the JBP to a file ending in .xlsx (the workbook) "
        "or .pdf (the summary).\n"
    )


def test_export_to_a_folder_names_the_folder(
    demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``-o .`` (or any folder, even one named like a file) is refused with the folder's
    name, not an empty one (": write the JBP ...")."""
    folder = tmp_path / "exports.pdf"
    folder.mkdir()
    for target in (tmp_path, folder):
        code, out, err = run(
            capsys, "export-jbp", str(demo_path), "Sen Việt E-commerce", "--year", "2026",
            "-o", str(target),
        )  # fmt: skip
        assert code == 1 and out == ""
        assert err == (
            f"{PREFIX}{target} is a folder: write the JBP to a file ending in .xlsx "
            "(the workbook) or .pdf (the summary).\n"
        )
    assert list(folder.iterdir()) == []
