"""keyplan-cli contact-reports, export-contact-report, export-status-report and email-draft."""

from __future__ import annotations

import email
import email.policy
import json
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader

from keyplan.cli import main
from keyplan.services.workspace import WorkspaceServices


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli-reports") / "demo.keyplan"
    assert main(["demo", str(path)]) == 0
    return path


@pytest.fixture
def demo(demo_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = tmp_path / "demo.keyplan"
    path.write_bytes(demo_file.read_bytes())
    capsys.readouterr()
    return path


def _report_id(path: Path, account: str, title_part: str) -> int:
    with WorkspaceServices.open(path, read_only=True) as services:
        account_id = next(a.id for a in services.accounts.all() if a.name == account)
        return next(
            r.id for r in services.contact_reports.for_account(account_id) if title_part in r.title
        )


def test_contact_reports_lists_states_and_owed(
    demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["contact-reports", str(demo), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {row["state"] for row in rows} >= {"sent", "overdue", "upcoming"}
    overdue = [row for row in rows if row["state"] == "overdue"]
    assert [row["account"] for row in overdue] == ["Sen Việt E-commerce"]
    assert overdue[0]["starts_at"].endswith("+07:00")  # the meeting's own time
    assert main(["contact-reports", str(demo), "--owed", "--account", "Sen Việt"]) == 0
    out = capsys.readouterr().out
    assert "OVERDUE" in out and "Họp tiến độ" in out and "Khởi động" not in out


def test_export_contact_report_writes_the_clients_pdf(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report_id = _report_id(demo, "Sen Việt E-commerce", "Livestream")
    assert main(["export-contact-report", str(demo), str(report_id), "-o", str(tmp_path)]) == 0
    written = Path(capsys.readouterr().out.strip())
    assert written.parent == tmp_path and written.suffix == ".pdf"
    text = "".join(page.extract_text() for page in PdfReader(written).pages)
    assert "Nguyễn Thị Hương" in text and "Họp tiến độ Livestream 11.11" in text
    # never over an existing file without --force
    assert main(["export-contact-report", str(demo), str(report_id), "-o", str(written)]) == 1
    assert "exists" in capsys.readouterr().err
    assert main(["export-contact-report", str(demo), "9999", "-o", str(tmp_path)]) == 1


def test_export_status_report_client_and_internal(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with WorkspaceServices.open(demo, read_only=True) as services:
        account = next(a for a in services.accounts.all() if a.name == "Aurora Consumer Brands")
        report = services.contact_reports.for_account(account.id)[0]
        period = report.local_start.strftime("%Y-%m")
    client = tmp_path / "client.pdf"
    internal = tmp_path / "internal.pdf"
    base = ["export-status-report", str(demo), str(account.id), "--period", period]
    assert main([*base, "-o", str(client)]) == 0
    assert main([*base, "--audience", "internal", "-o", str(internal)]) == 0
    client_text = "".join(p.extract_text() for p in PdfReader(client).pages)
    internal_text = "".join(p.extract_text() for p in PdfReader(internal).pages)
    assert "Aurora Consumer Brands" in client_text and report.title in client_text
    assert "INTERNAL" not in client_text.upper().replace("INTERNATIONAL", "")
    assert "INTERNAL" in internal_text.upper()
    assert main([*base[:3], "--period", "2026-Q9", "-o", str(tmp_path / "x.pdf")]) == 1
    assert "not a period" in capsys.readouterr().err


def test_email_draft_attaches_the_pdf_for_the_reports_attendees(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with WorkspaceServices.open(demo) as services:
        account = next(a for a in services.accounts.all() if a.name == "Sen Việt E-commerce")
        huong = next(c for c in services.contacts.for_account(account.id) if "Hương" in c.name)
        assert huong.email  # the demo's contacts have addresses
    report_id = _report_id(demo, "Sen Việt E-commerce", "Livestream")
    output = tmp_path / "draft.eml"
    assert (
        main(["email-draft", str(demo), "--contact-report", str(report_id), "-o", str(output)]) == 0
    )
    message = email.message_from_bytes(output.read_bytes(), policy=email.policy.default)
    assert message["X-Unsent"] == "1"
    assert huong.email in str(message["To"])
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert (tmp_path / attachment.get_filename()).read_bytes() == attachment.get_content()
    assert message["Subject"].startswith("Contact report: Họp tiến độ")

    estimate = tmp_path / "estimate.eml"
    args = ["email-draft", str(demo), "--estimate", "HLP-2026-0001", "-o", str(estimate)]
    assert main(args) == 1  # an estimate has no default recipients
    assert "--to" in capsys.readouterr().err
    assert not list(tmp_path.glob("*HLP-2026-0001*"))  # refused before any file is written
    assert main([*args, "--to", huong.email]) == 0
    message = email.message_from_bytes(estimate.read_bytes(), policy=email.policy.default)
    assert "HLP-2026-0001" in message["Subject"]
    assert [p.get_content_type() for p in message.iter_attachments()] == ["application/pdf"]
    assert main(["email-draft", str(demo), "-o", str(tmp_path / "none.eml")]) == 1


def test_a_status_report_draft_carries_only_the_client_variant(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with WorkspaceServices.open(demo, read_only=True) as services:
        account = next(a for a in services.accounts.all() if a.name == "Aurora Consumer Brands")
        report = services.contact_reports.for_account(account.id)[0]
        period = report.local_start.strftime("%Y-%m")
        contact = next(c for c in services.contacts.for_account(account.id) if c.email)
        project = services.projects.for_account(account.id)[0]
        [variance] = services.actuals.project_variance(project.id)
    output = tmp_path / "status.eml"
    args = ["email-draft", str(demo), "--status-report", account.name, "--period", period]
    assert main([*args, "--to", contact.email, "-o", str(output)]) == 0
    raw = output.read_bytes()
    message = email.message_from_bytes(raw, policy=email.policy.default)
    [attachment] = list(message.iter_attachments())
    pdf = tmp_path / attachment.get_filename()
    text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    for leaked in (
        f"{variance.figures.actual_cost:,.2f}",
        f"{variance.figures.estimated_cost:,.2f}",
        "INTERNAL",
        "Budget versus actual",
    ):
        assert leaked not in text and leaked not in body.get_content()
    assert "INTERNAL" not in pdf.name.upper()


def test_an_existing_draft_is_refused_before_any_pdf_is_written(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report_id = _report_id(demo, "Sen Việt E-commerce", "Livestream")
    output = tmp_path / "draft.eml"
    output.write_text("keep me")
    args = ["email-draft", str(demo), "--contact-report", str(report_id), "-o", str(output)]
    assert main(args) == 1
    assert "exists" in capsys.readouterr().err
    assert not list(tmp_path.glob("*.pdf"))
    assert output.read_text() == "keep me"


def test_an_unknown_locale_is_a_user_error(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    finance = tmp_path / "finance.csv"
    finance.write_text('No.,Date,Cost\n1.1,2026-11-20,"1,5"\n', "utf-8")
    args = ["import-actuals", str(demo), "HLP-2026-0002", str(finance), "--locale", "xx_YY"]
    assert main(args) == 1
    assert "not a known locale" in capsys.readouterr().err


def test_pipeline_json_totals_per_stage(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["pipeline", str(demo), "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    stages = {row["stage"] for row in document["opportunities"]}
    assert stages == {"identified", "qualified", "proposal", "negotiation", "won", "lost"}
    for total in document["by_stage"]:
        rows = [
            row
            for row in document["opportunities"]
            if (row["stage"], row["currency"]) == (total["stage"], total["currency"])
        ]
        assert total["count"] == len(rows)
        assert sum(Decimal(r["weighted"]) for r in rows) == Decimal(total["weighted"])
    assert main(["pipeline", str(demo), "--account", "Sen Việt"]) == 0
    assert "Livestream 12.12" in capsys.readouterr().out
