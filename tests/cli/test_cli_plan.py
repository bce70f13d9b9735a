"""keyplan-cli plans and export-plan: the plans with their completeness (table and JSON), the
one-pager PDF client-safe by default or --internal, a folder for the suggested name, one-line
errors, never an overwrite without --force."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from keyplan.services.workspace import WorkspaceServices

from .conftest import PREFIX, run, text_of

AURORA = "Aurora Consumer Brands"


def test_plans_lists_every_plan_with_its_completeness(
    demo_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "plans", str(demo_path))
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].split() == ["Id", "Account", "Year", "Status", "Complete", "Gaps"]
    assert any(AURORA in line and "2026" in line and "active" in line for line in lines)
    assert any("Sen Việt E-commerce" in line and "100 %" in line for line in lines)


def test_plans_json_is_stable(demo_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "plans", str(demo_path), "--account", AURORA, "--json")
    assert code == 0
    plans = json.loads(out)
    assert [p["year"] for p in plans] == [2026, 2025]
    current = plans[0]
    assert set(current) == {
        "id", "account_id", "account", "year", "status", "template", "completeness", "missing",
        "snapshots", "updated_at",
    }  # fmt: skip
    assert current["account"] == AURORA and current["template"] == "Strategic account"
    assert current["snapshots"] == 1 and 0 <= current["completeness"] <= 100
    assert isinstance(current["missing"], list)
    code, out, _ = run(capsys, "plans", str(demo_path), "--year", "2025", "--json")
    assert [(p["account"], p["status"]) for p in json.loads(out)] == [(AURORA, "archived")]


def test_export_plan_writes_the_client_safe_pdf_by_default(
    demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "aurora.pdf"
    code, out, err = run(
        capsys, "export-plan", str(demo_path), AURORA, "--year", "2026", "-o", str(target)
    )
    assert (code, err) == (0, "")
    assert out.strip() == str(target)
    text = text_of(target)
    assert "ACCOUNT PLAN 2026" in text and AURORA in text
    assert "INTERNAL" not in text and "Top risks" not in text
    assert "Blended margin" not in text  # the demo plan's internal note


def test_export_plan_internal_into_a_folder(
    demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        capsys,
        "export-plan", str(demo_path), "Sen Việt", "--year", "2026", "--internal",
        "-o", str(tmp_path),
    )  # fmt: skip
    assert (code, err) == (0, "")
    written = Path(out.strip())
    assert written.parent == tmp_path
    assert written.name == "Sen Việt E-commerce - account plan 2026 - INTERNAL.pdf"
    text = text_of(written)
    assert "INTERNAL" in text and "Top risks" in text and "Revenue target VND" in text


def test_export_plan_of_a_snapshot(
    demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, _ = run(capsys, "plans", str(demo_path), "--account", AURORA, "--json")
    plan_id = json.loads(out)[0]["id"]
    with WorkspaceServices.open(demo_path, read_only=True) as services:
        [snapshot] = services.plans.snapshots(plan_id)
    target = tmp_path / "frozen.pdf"
    code, _, err = run(
        capsys,
        "export-plan", str(demo_path), AURORA, "--year", "2026", "--snapshot", str(snapshot.id),
        "-o", str(target),
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert f"Snapshot of {snapshot.taken_on.isoformat()}: {snapshot.label}" in text_of(target)


def test_export_plan_errors_are_one_line_and_nothing_is_overwritten(
    demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "keep.pdf"
    target.write_bytes(b"keep")
    code, out, err = run(
        capsys, "export-plan", str(demo_path), AURORA, "--year", "2026", "-o", str(target)
    )
    assert code == 1 and out == ""
    assert err.startswith(PREFIX) and "already exists" in err and err.count("\n") == 1
    assert target.read_bytes() == b"keep"
    code, _, _ = run(
        capsys, "export-plan", str(demo_path), AURORA, "--year", "2026", "-o", str(target),
        "--force",
    )  # fmt: skip
    assert code == 0 and target.read_bytes().startswith(b"%PDF-")

    cases = [
        (["--year", "2031", "-o", str(tmp_path / "x.pdf")], "has no plan for 2031"),
        (["--year", "2026", "-o", str(tmp_path / "x.txt")], "file ending in .pdf"),
        (["--year", "2026", "-o", str(tmp_path / "missing" / "x.pdf")], "does not exist"),
    ]
    for extra, message in cases:
        code, out, err = run(capsys, "export-plan", str(demo_path), AURORA, *extra)
        assert code == 1 and out == "", extra
        assert err.startswith(PREFIX) and message in err, err
    code, _, err = run(capsys, "export-plan", str(demo_path), "Nobody", "--year", "2026", "-o", ".")
    assert code == 1 and "No account named 'Nobody'" in err
    code, _, err = run(capsys, "export-plan", str(demo_path), AURORA, "-o", str(tmp_path))
    assert code == 2 and "--year" in err  # usage error: the year is required
