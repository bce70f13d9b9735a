"""keyplan-cli: commands, JSON shapes, exit codes and one-line errors."""

from __future__ import annotations

import io
import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import keyplan
from keyplan.cli import main
from keyplan.services.workspace import WorkspaceServices

PREFIX = "keyplan-cli: error: "
ACCOUNT_KEYS = {
    "id",
    "name",
    "parent",
    "parent_name",
    "kind",
    "tier",
    "currency",
    "market",
    "status",
    "health",
    "health_reason",
    "health_date",
    "owner",
    "owner_id",
}


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One demo workspace made by the CLI, shared by the read-only tests."""
    path = tmp_path_factory.mktemp("cli") / "demo.keyplan"
    assert main(["demo", str(path)]) == 0
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    code, out, err = run(capsys, *argv)
    assert (code, err) == (0, "")
    return json.loads(out)


def assert_one_error_line(err: str, *fragments: str) -> None:
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(PREFIX)
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment in lines[0]


def has_script(text: str, low: int, high: int) -> bool:
    return any(low <= ord(ch) <= high for ch in text)


# -- demo ------------------------------------------------------------------------------------


def test_demo_creates_a_workspace_and_prints_its_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "new.keyplan"
    code, out, err = run(capsys, "demo", str(path))
    assert (code, err) == (0, "")
    assert out.strip() == str(path.resolve())
    with WorkspaceServices.open(path) as services:
        assert services.info().counts["accounts"] >= 10


def test_demo_refuses_to_overwrite_a_workspace(
    demo_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = demo_path.read_bytes()
    code, out, err = run(capsys, "demo", str(demo_path))
    assert code == 1 and out == ""
    assert_one_error_line(err, "already exists")
    assert demo_path.read_bytes() == before


def test_demo_refuses_to_overwrite_any_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "report.docx"
    path.write_bytes(b"PK\x03\x04 someone's document")
    code, _, err = run(capsys, "demo", str(path))
    assert code == 1
    assert_one_error_line(err, "already exists")
    assert path.read_bytes() == b"PK\x03\x04 someone's document"


def test_demo_in_a_missing_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "demo", str(tmp_path / "nowhere" / "demo.keyplan"))
    assert code == 1
    assert_one_error_line(err, "does not exist")
    assert not (tmp_path / "nowhere").exists()


# -- info ------------------------------------------------------------------------------------


def test_info_json_reports_what_the_services_report(
    demo_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = run_json(capsys, "info", str(demo_path), "--json")
    with WorkspaceServices.open(demo_path) as services:
        info = services.info()
        agency = services.agency.get()
    assert set(document) == {"path", "schema_version", "keyplan_version", "agency_name", "counts"}
    assert document["path"] == str(demo_path.resolve())
    assert document["schema_version"] == info.schema_version
    assert document["keyplan_version"] == keyplan.__version__
    assert document["agency_name"] == agency.name
    assert document["counts"] == info.counts
    assert document["counts"]["accounts"] >= 10
    assert document["counts"]["deleted_accounts"] == 0


def test_info_counts_follow_the_workspace(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "edited.keyplan"
    assert main(["demo", str(path)]) == 0
    with WorkspaceServices.open(path) as services:
        first = services.accounts.all()[0]
        services.accounts.delete(first.id)
        expected = services.info().counts
    capsys.readouterr()
    counts = run_json(capsys, "info", str(path), "--json")["counts"]
    assert counts == expected
    assert counts["deleted_accounts"] >= 1


def test_info_text_is_readable(demo_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "info", str(demo_path))
    assert (code, err) == (0, "")
    with WorkspaceServices.open(demo_path) as services:
        info = services.info()
    assert f"Schema version: {info.schema_version}" in out
    assert f"Accounts:       {info.counts['accounts']}" in out
    assert "Team members:" in out
    assert not out.lstrip().startswith("{")


# -- accounts --------------------------------------------------------------------------------


def test_accounts_json_matches_the_services(
    demo_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    listed = run_json(capsys, "accounts", str(demo_path), "--json")
    with WorkspaceServices.open(demo_path) as services:
        records = services.accounts.all()
    assert isinstance(listed, list)
    assert [item["id"] for item in listed] == [r.id for r in records]
    names = {r.id: r.name for r in records}
    for item, record in zip(listed, records, strict=True):
        assert set(item) == ACCOUNT_KEYS
        assert item["name"] == record.name
        assert item["parent"] == record.parent_id
        assert item["parent_name"] == (names[record.parent_id] if record.parent_id else None)
        assert (item["kind"], item["tier"], item["currency"]) == (
            record.kind,
            record.tier,
            record.currency,
        )
        assert (item["market"], item["status"], item["health"]) == (
            record.market,
            record.status,
            record.health,
        )
        assert item["owner"] == record.owner_name
        assert item["owner_id"] == record.owner_id
        assert record.health_date is not None
        assert item["health_date"] == record.health_date.isoformat()


def test_accounts_json_has_the_demo_portfolio(
    demo_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    listed = run_json(capsys, "accounts", str(demo_path), "--json")
    assert len(listed) >= 10
    assert {item["currency"] for item in listed} >= {
        "JPY", "USD", "EUR", "HKD", "TWD", "KRW", "VND", "RUB",
    }  # fmt: skip
    merchants = [
        item
        for item in listed
        if item["parent"] is None and item["market"] in {"HK", "TW", "JP", "KR"}
    ]
    assert {item["tier"] for item in merchants} >= {"Small", "Medium", "VIP", "Enterprise"}
    group = next(item for item in listed if item["kind"] == "global")
    subsidiaries = {
        (item["market"], item["currency"])
        for item in listed
        if item["parent"] == group["id"] and item["kind"] == "subsidiary"
    }
    assert {("JP", "JPY"), ("US", "USD"), ("DE", "EUR")} <= subsidiaries
    assert all(item["owner"] for item in listed)
    names = " ".join(item["name"] for item in listed)
    assert "Việt" in names
    assert has_script(names, 0x0400, 0x04FF)  # Cyrillic


def test_demo_contacts_have_names_in_many_scripts(demo_path: Path) -> None:
    with WorkspaceServices.open(demo_path) as services:
        names = " ".join(
            contact.name
            for account in services.accounts.all()
            for contact in services.contacts.for_account(account.id)
        )
    assert "Nguyễn Thị Hương" in names and "Trần Văn Đức" in names  # Vietnamese diacritics
    assert has_script(names, 0x0400, 0x04FF)  # Cyrillic
    assert has_script(names, 0x4E00, 0x9FFF)  # CJK ideographs
    assert has_script(names, 0xAC00, 0xD7A3)  # Hangul


def test_accounts_text_shows_the_tree(demo_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "accounts", str(demo_path))
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["ID", "Account", "Kind"]
    with WorkspaceServices.open(demo_path) as services:
        records = services.accounts.all()
    assert len(lines) == 1 + len(records)
    group = next(r for r in records if r.kind == "global")
    group_line = next(i for i, line in enumerate(lines) if f"  {group.name}  " in line)
    child = next(r for r in records if r.parent_id == group.id)
    child_line = next(i for i, line in enumerate(lines) if f"    {child.name}" in line)
    assert child_line > group_line


def test_json_stays_valid_when_stdout_cannot_encode_unicode(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    expected = run_json(capsys, "accounts", str(demo_path), "--json")
    buffer = io.BytesIO()
    ascii_stdout = io.TextIOWrapper(buffer, encoding="ascii")
    monkeypatch.setattr(sys, "stdout", ascii_stdout)
    assert main(["accounts", str(demo_path), "--json"]) == 0
    ascii_stdout.flush()
    assert json.loads(buffer.getvalue().decode("ascii")) == expected
    assert main(["accounts", str(demo_path)]) == 0  # the table does not crash either


# -- errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["info", "accounts"])
def test_a_file_that_is_not_a_workspace(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    path = tmp_path / "notes.keyplan"
    path.write_bytes(b"Meeting notes, not a database.\n" * 20)
    before = path.read_bytes()
    code, out, err = run(capsys, command, str(path), "--json")
    assert code == 1 and out == ""
    assert_one_error_line(err, "notes.keyplan", "not a Keyplan workspace")
    assert path.read_bytes() == before


def test_another_sqlite_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE t (x)")
    conn.close()
    before = path.read_bytes()
    code, _, err = run(capsys, "info", str(path))
    assert code == 1
    assert_one_error_line(err, "not a Keyplan workspace")
    assert path.read_bytes() == before


@pytest.mark.parametrize("command", ["info", "accounts"])
def test_a_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str) -> None:
    path = tmp_path / "missing.keyplan"
    code, out, err = run(capsys, command, str(path))
    assert code == 1 and out == ""
    assert_one_error_line(err, "missing.keyplan", "does not exist")
    assert not path.exists()


def test_a_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "accounts", str(tmp_path))
    assert code == 1
    assert_one_error_line(err, "folder")


def test_read_commands_work_while_the_app_has_the_workspace_open(
    demo_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with WorkspaceServices.open(demo_path) as app:
        app.team.create("Added while open")  # the app writes; the CLI reads beside it
        code, out, err = run(capsys, "info", str(demo_path), "--json")
        expected = app.info().counts["team_members"]
    assert code == 0, err
    assert json.loads(out)["counts"]["team_members"] == expected


def test_an_internal_error_is_one_line_with_its_own_exit_code(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(self: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.delenv("KEYPLAN_DEBUG", raising=False)
    monkeypatch.setattr("keyplan.services.accounts.AccountService.all", broken)
    code, out, err = run(capsys, "accounts", str(demo_path), "--json")
    assert code == 3 and out == ""
    assert_one_error_line(err, "internal error", "RuntimeError: boom")


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["frobnicate"],
        ["info"],
        ["accounts", "a.keyplan", "--yaml"],
        ["demo", "a.keyplan", "b.keyplan"],
        ["--nope"],
    ],
)
def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert "usage: keyplan-cli" in err
    assert "Traceback" not in err


def test_version_and_help(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--version")
    assert code == 0 and out.strip() == f"keyplan-cli {keyplan.__version__}"
    code, out, _ = run(capsys, "--help")
    assert code == 0
    for command in ("demo", "info", "accounts"):
        assert command in out


# -- the real entry point --------------------------------------------------------------------


def test_module_entry_point_runs_and_reports_a_bad_file_without_traceback(
    tmp_path: Path,
) -> None:
    bad = tmp_path / "broken.keyplan"
    bad.write_bytes(b"\x00" * 512)

    def cli(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "keyplan.cli", *argv],
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=120,
            check=False,
        )

    version = cli("--version")
    assert version.returncode == 0
    assert version.stdout.strip() == f"keyplan-cli {keyplan.__version__}"

    result = cli("info", str(bad), "--json")
    assert result.returncode == 1
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert_one_error_line(result.stderr, "broken.keyplan")
    assert bad.read_bytes() == b"\x00" * 512
