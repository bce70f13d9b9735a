"""Export PDF and Email to client for contact reports and status reports, driven in the app."""

from __future__ import annotations

import email
import email.policy
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from keyplan.domain.periods import PeriodKind
from keyplan.services.workspace import WorkspaceServices
from keyplan.ui import sending
from keyplan.ui.dialogs.status_report_dialog import StatusReportDialog, recent_periods
from keyplan.ui.main_window import MainWindow


@pytest.fixture
def demo(
    window: MainWindow, demo_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[MainWindow]:
    path = tmp_path / "Sending.keyplan"
    path.write_bytes(demo_file.read_bytes())
    exports = tmp_path / "exports"
    exports.mkdir()
    monkeypatch.setattr(sending, "export_folder", lambda: exports)
    assert window.open_workspace(path), window.errors  # type: ignore[attr-defined]
    yield window


def _services(window: MainWindow) -> WorkspaceServices:
    assert window.session is not None
    return window.session.services


def _account(window: MainWindow, name: str) -> int:
    return next(a.id for a in _services(window).accounts.all() if a.name == name)


def _text(path: Path) -> str:
    return "".join(page.extract_text() for page in PdfReader(path).pages)


def test_a_contact_report_is_exported_and_emailed_to_its_attendees(
    demo: MainWindow, tmp_path: Path
) -> None:
    account = _account(demo, "Sen Việt E-commerce")
    assert demo.show_account(account) is not False
    view = demo.account_view
    assert view is not None
    panel = view.reports
    services = _services(demo)
    report = next(
        r for r in services.contact_reports.for_account(account) if "Livestream" in r.title
    )
    panel.list.setCurrentIndex(panel.model.index(panel.model.row_of(report.id), 0))
    assert panel.current_id == report.id and panel.send_button.isEnabled()

    written = panel.export_pdf(tmp_path / "report.pdf")
    assert written is not None and "Nguyễn Thị Hương" in _text(written)

    draft = panel.email_to_client(confirm=False)
    assert draft is not None and draft.suffix == ".eml"
    message = email.message_from_bytes(draft.read_bytes(), policy=email.policy.default)
    attendees = services.contact_reports.get(report.id).attendees
    emails = {
        c.email
        for c in services.contacts.for_account(account)
        if any(a.ref.contact_id == c.id for a in attendees) and c.email
    }
    assert emails and all(address in str(message["To"]) for address in emails)
    [attachment] = list(message.iter_attachments())
    assert (draft.parent / attachment.get_filename()).read_bytes() == attachment.get_content()


def test_the_status_report_dialog_exports_both_audiences(
    demo: MainWindow, tmp_path: Path, qtbot
) -> None:  # type: ignore[no-untyped-def]
    account = _account(demo, "Aurora Consumer Brands")
    demo.show_account(account)
    assert demo.account_view is not None
    dialog = demo.account_view.open_status_report()
    assert isinstance(dialog, StatusReportDialog)
    qtbot.addWidget(dialog)
    assert dialog.period.count() == 8
    assert dialog.chosen_period == recent_periods(PeriodKind.MONTH, date.today())[0]
    client = dialog.export_pdf(tmp_path / "client.pdf")
    assert client is not None
    dialog.internal.setChecked(True)
    assert not dialog.email_button.isEnabled()  # an internal report is never e-mailed
    internal = dialog.export_pdf(tmp_path / "internal.pdf")
    assert internal is not None
    assert "INTERNAL" in _text(internal).upper()
    assert "Aurora Consumer Brands" in _text(client)
    dialog.kind.setCurrentIndex(dialog.kind.findData(PeriodKind.QUARTER))
    assert dialog.chosen_period.kind is PeriodKind.QUARTER


def test_recent_periods_count_back_from_today() -> None:
    months = recent_periods(PeriodKind.MONTH, date(2026, 2, 10), 3)
    assert [p.code for p in months] == ["2026-02", "2026-01", "2025-12"]


def test_an_estimate_is_emailed_as_its_pdf_quote(demo: MainWindow) -> None:
    services = _services(demo)
    summary = next(s for s in services.estimates.summaries() if s.number == "HLP-2026-0001")
    assert demo.show_estimate(summary.revision_id)
    editor = demo.estimate_editor
    assert editor is not None
    contact = next(c for c in services.contacts.for_account(summary.account_id) if c.email)
    draft = editor.email_to_client(confirm=False, chosen=[contact.id])
    assert draft is not None
    message = email.message_from_bytes(draft.read_bytes(), policy=email.policy.default)
    assert contact.email in str(message["To"]) and "HLP-2026-0001" in message["Subject"]
    [attachment] = list(message.iter_attachments())
    pdf = draft.parent / attachment.get_filename()
    assert pdf.suffix == ".pdf" and f"{summary.totals.total:,.0f}" in _text(pdf)
    # without a recipient the dialog stays open and nothing is left behind
    before = sorted(p.name for p in draft.parent.iterdir())
    assert editor.email_to_client(confirm=False) is None
    assert sorted(p.name for p in draft.parent.iterdir()) == before
