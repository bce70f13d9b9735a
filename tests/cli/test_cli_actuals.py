"""keyplan-cli variance and import-actuals on the demo workspace."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from keyplan.cli import main
from keyplan.services.workspace import WorkspaceServices

NUMBER = "HLP-2026-0002"  # the approved USD estimate with an approved change order


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "demo.keyplan"
    assert main(["demo", str(path)]) == 0
    return path


@pytest.fixture
def demo(demo_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = tmp_path / "demo.keyplan"
    path.write_bytes(demo_file.read_bytes())
    capsys.readouterr()
    return path


def _entries(path: Path) -> list[tuple[str, Decimal, str]]:
    with WorkspaceServices.open(path, read_only=True) as services:
        estimate_id = services.estimates.document(services.estimates.find(NUMBER)).estimate_id
        return [(e.ref, e.cost, e.reference) for e in services.actuals.entries(estimate_id)]


def test_variance_json_is_the_services_figures(
    demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["variance", str(demo), NUMBER, "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["basis"] == "Revision 2 (approved) + change order 1"
    booked = sum((cost for _ref, cost, _r in _entries(demo)), Decimal(0))
    assert Decimal(document["total"]["actual_cost"]) == booked
    lines = [line for section in document["sections"] for line in section["lines"]]
    assert Decimal(document["total"]["estimated_cost"]) == sum(
        (Decimal(line["estimated_cost"]) for line in lines if not line["optional"]), Decimal(0)
    )
    assert [s["ref"] for s in document["sections"]][-1] == "CO1-1"
    assert all(isinstance(v, str | type(None)) for v in document["total"].values())
    net = Decimal(document["contracted_net"])
    assert Decimal(document["actual_margin"]) == net - booked


def test_variance_text_lists_lines_sections_and_the_total(
    demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["variance", str(demo), NUMBER]) == 0
    out = capsys.readouterr().out
    assert "Compared with: Revision 2 (approved) + change order 1" in out
    assert "\n1.1 " in out and "CO1-1.1" in out and "TOTAL" in out
    assert "(booked to the section)" in out
    assert main(["variance", str(demo), "HLP-2026-0999"]) == 1
    assert "No estimate numbered HLP-2026-0999" in capsys.readouterr().err


def test_import_actuals_previews_books_and_skips_what_is_already_booked(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    finance = tmp_path / "finance.csv"
    finance.write_text(
        "Job no;No.;Posting date;Hours;Amount;Document\n"
        f"{NUMBER};3.1;2026-11-20;8;1.760,50;TS-9001\n"
        "HLP-2026-0099;1.1;2026-11-20;8;880,00;TS-9002\n"
        f"{NUMBER};CO1-1.1;2026-11-21;;300;INV-77\n",
        encoding="utf-8",
    )
    before = _entries(demo)
    assert main(["import-actuals", str(demo), NUMBER, str(finance), "--locale", "de_DE"]) == 0
    out = capsys.readouterr().out
    assert "2 rows, 2,060.50 USD; 1 row of other estimates skipped" in out
    assert "Nothing booked yet" in out
    assert _entries(demo) == before

    argv = ["import-actuals", str(demo), NUMBER, str(finance), "--locale", "de_DE", "--apply"]
    assert main(argv) == 0
    assert f"{NUMBER}: 2 actuals booked" in capsys.readouterr().out
    added = [entry for entry in _entries(demo) if entry not in before]
    assert sorted(added) == [
        ("3.1", Decimal("1760.50"), "TS-9001"),
        ("CO1-1.1", Decimal("300.00"), "INV-77"),
    ]

    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "already imported" in out and "0 actuals booked, 2 already imported rows skipped" in out
    assert len(_entries(demo)) == len(before) + 2


def test_a_bad_row_refuses_the_whole_file(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    finance = tmp_path / "finance.csv"
    finance.write_text("No.,Date,Cost\n1.1,2026-11-20,100\n1.2,2026-13-01,5\n", "utf-8")
    before = _entries(demo)
    assert main(["import-actuals", str(demo), NUMBER, str(finance), "--apply"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("keyplan-cli: error: Nothing was imported.")
    assert "CSV!B3" in err and "not a real date" in err
    assert _entries(demo) == before
