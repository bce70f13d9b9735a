"""keyplan-cli import-rates and import-estimate: all or nothing, clear one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from keyplan.cli import main
from keyplan.services.workspace import WorkspaceServices


@pytest.fixture
def demo(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = tmp_path / "demo.keyplan"
    assert main(["demo", str(path)]) == 0
    capsys.readouterr()
    return path


def _rates(path: Path) -> dict[str, list[tuple[str, str]]]:
    with WorkspaceServices.open(path, read_only=True) as services:
        return {
            card.name: [(r.role, str(r.bill_rate)) for r in services.rate_cards.rates(card.id)]
            for card in services.rate_cards.cards()
        }


def test_import_rates_adds_roles_and_refuses_a_bad_file_whole(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "rates.csv"
    good.write_text(
        "Role;Unit;Bill rate;Cost rate;Valid from\nMotion designer;hour;210,50;100;2026-01-01\n",
        encoding="utf-8",
    )
    assert main(["import-rates", str(demo), str(good), "--locale", "de_DE", "--dry-run"]) == 0
    assert "add" in capsys.readouterr().out
    before = _rates(demo)
    assert main(["import-rates", str(demo), str(good), "--locale", "de_DE"]) == 0
    assert "1 added" in capsys.readouterr().out
    after = _rates(demo)
    assert any(("Motion designer", "210.50") in rows for rows in after.values())
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "Role;Unit;Bill rate;Cost rate;Valid from\n"
        "Producer;hour;150;80;2026-01-01\n"
        "Editor;hour;=1+1;80;2026-01-01\n",
        encoding="utf-8",
    )
    assert main(["import-rates", str(demo), str(bad)]) == 1
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "CSV!C3" in error and "formula" in error
    assert _rates(demo) == after  # the good Producer row was not imported either
    assert before != after


def test_import_estimate_shows_then_applies_a_client_edit(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    number = "HLP-2026-0006"
    workbook = tmp_path / "client.xlsx"
    assert main(["export-estimate", str(demo), number, "-o", str(workbook)]) == 0
    book = load_workbook(workbook)
    sheet = book["Estimate"]
    row = next(
        r
        for r in range(1, sheet.max_row + 1)
        if isinstance(sheet[f"D{r}"].value, int | float) and sheet[f"A{r}"].value
    )
    sheet[f"D{row}"].value += 2
    book.save(workbook)
    capsys.readouterr()
    assert main(["import-estimate", str(demo), number, str(workbook)]) == 0
    shown = capsys.readouterr().out
    assert "quantity" in shown and "--apply" in shown
    with WorkspaceServices.open(demo, read_only=True) as services:
        assert services.estimates.document(services.estimates.find(number)).revision == 1
    assert main(["import-estimate", str(demo), number, str(workbook), "--apply"]) == 0
    assert "revision 2 (draft)" in capsys.readouterr().out
    with WorkspaceServices.open(demo, read_only=True) as services:
        latest = services.estimates.document(services.estimates.find(number))
        assert (latest.revision, latest.status) == (2, "draft")
    assert main(["import-estimate", str(demo), "HLP-2026-0001", str(workbook)]) == 1
    assert "not HLP-2026-0001" in capsys.readouterr().err


def test_import_estimate_refuses_an_unknown_line_reference_in_one_line(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    number = "HLP-2026-0006"
    workbook = tmp_path / "client.xlsx"
    assert main(["export-estimate", str(demo), number, "-o", str(workbook)]) == 0
    book = load_workbook(workbook)
    sheet = book["Estimate"]
    row = next(r for r in range(1, sheet.max_row + 1) if sheet[f"A{r}"].value == "1.1")
    sheet[f"A{row}"].value = "9.9"
    book.save(workbook)
    capsys.readouterr()
    assert main(["import-estimate", str(demo), number, str(workbook)]) == 1
    error = capsys.readouterr().err
    assert error.count("\n") == 1
    assert f"sheet 'Estimate', row {row}, column A (No.): '9.9' is not a line of" in error
