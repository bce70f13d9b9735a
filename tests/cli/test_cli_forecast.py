"""keyplan-cli forecast and export-forecast."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from keyplan.cli import main
from keyplan.services.records import AccountDraft
from keyplan.services.workspace import WorkspaceServices


@pytest.fixture
def workspace(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = tmp_path / "fx.keyplan"
    with WorkspaceServices.create(path, agency_name="Mekong Media") as services:
        group = services.accounts.create(AccountDraft("Aurora Group", currency="USD"))
        japan = services.accounts.create(
            AccountDraft("Aurora Japan", currency="JPY", parent_id=group)
        )
        shop = services.accounts.create(AccountDraft("Sen Việt", currency="VND"))
        forecast = services.forecast
        forecast.update_month(group, date(2026, 1, 1), "", {"target": Decimal("1000.00")})
        forecast.update_month(japan, date(2026, 1, 1), "", {"forecast": Decimal(151250)})
        forecast.update_month(shop, date(2026, 2, 1), "", {"actual": Decimal(25000000)})
        services.exchange_rates.create("USD", "JPY", Decimal("151.25"), date(2025, 1, 1), "MUFG")
    capsys.readouterr()
    return path


def test_forecast_json_has_exact_amounts_rates_and_missing_ones(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["forecast", str(workspace), "--year", "2026", "--json"]) == 0
    captured = capsys.readouterr()
    document = json.loads(captured.out)
    assert document["currency"] == "USD" and document["year"] == 2026
    assert document["account"] is None and document["complete"] is False
    assert [m["month"] for m in document["months"]][:2] == ["2026-01", "2026-02"]
    assert document["months"][0] == {
        "month": "2026-01",
        "target": "1000.00",
        "forecast": "1000.00",
        "actual": None,
    }
    assert document["months"][1] == {
        "month": "2026-02",
        "target": None,
        "forecast": None,
        "actual": None,
    }  # the VND month has no rate: no figures, never a made-up 1.0
    assert document["totals"] is None
    assert document["rates_used"] == [
        {
            "base": "USD",
            "quote": "JPY",
            "rate": "151.25",
            "valid_from": "2025-01-01",
            "source": "MUFG",
        }
    ]
    assert document["missing"] == [
        "No exchange rate VND→USD on or before 2026-02-28 (needed for 2026-02): add one under "
        "Exchange rates."
    ]
    assert captured.err == ""


def test_forecast_of_an_account_in_yen_as_a_table(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "forecast",
            str(workspace),
            "--account",
            "aurora group",
            "--year",
            "2026",
            "--currency",
            "jpy",
        ]
    )
    assert code == 0
    out = capsys.readouterr().out
    assert out.startswith("Aurora Group: revenue 2026 in JPY")
    lines = [line.split() for line in out.splitlines()]
    assert ["2026-01", "151,250", "151,250", "—"] in lines  # 1,000.00 USD target, in yen
    assert ["Total", "151,250", "151,250", "—"] in lines
    assert "Rate: 1 USD = 151.25 JPY from 2025-01-01 (MUFG)" in out
    assert main(["forecast", str(workspace), "--account", "Sen", "--year", "2026"]) == 0
    captured = capsys.readouterr()
    assert "2026-02" in captured.out and "warning: No exchange rate VND→USD" in captured.err
    assert main(["forecast", str(workspace), "--account", "Sen", "--json", "--year", "2026",
                 "--currency", "VND"]) == 0  # fmt: skip
    document = json.loads(capsys.readouterr().out)
    assert document["account"] == {"id": 3, "name": "Sen Việt"} and document["complete"]
    assert document["totals"]["actual"] == "25000000"


def test_forecast_refuses_bad_input_with_one_line(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["forecast", str(workspace), "--currency", "XYZ"]) == 1
    assert "'XYZ' is not a known currency code" in capsys.readouterr().err
    assert main(["forecast", str(workspace), "--account", "Nobody"]) == 1
    assert "No account named 'Nobody'" in capsys.readouterr().err
    assert main(["forecast", str(workspace), "--year", "1066"]) == 2
    assert main(["forecast", str(workspace.with_name("none.keyplan"))]) == 1


def test_export_forecast_writes_the_workbook(
    workspace: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    assert main(["export-forecast", str(workspace), "--year", "2026", "-o", str(out)]) == 0
    written = Path(capsys.readouterr().out.strip())
    assert written == out / "Portfolio - revenue forecast 2026.xlsx"
    book = load_workbook(written)
    assert book.sheetnames == ["Portfolio", "Aurora Group", "Aurora Japan", "Sen Việt", "Rates"]
    target = tmp_path / "japan.xlsx"
    args = ["export-forecast", str(workspace), "--account", "Aurora Japan", "--year", "2026"]
    assert main([*args, "-o", str(target)]) == 0
    assert load_workbook(Path(capsys.readouterr().out.strip())).sheetnames == [
        "Portfolio",
        "Aurora Japan",
        "Rates",
    ]
    assert main([*args, "-o", str(target)]) == 1
    assert "already exists" in capsys.readouterr().err
    assert main([*args, "-o", str(target), "--force"]) == 0
    capsys.readouterr()
    assert main([*args, "-o", str(tmp_path / "japan.pdf")]) == 1
    assert "ending in .xlsx" in capsys.readouterr().err
    assert main(["export-forecast", str(workspace), "-o", str(target)]) == 2  # --year is required
