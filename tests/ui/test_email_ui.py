"""E-mail templates on the Agency profile page and the Email to client dialog."""

from __future__ import annotations

import email
import email.policy
from pathlib import Path

from PySide6.QtWidgets import QDialogButtonBox

from keyplan.services.email_drafts import DEFAULT_TEMPLATES
from keyplan.services.records import ContactDraft
from keyplan.services.workspace import WorkspaceServices
from keyplan.ui.dialogs.email_dialog import EmailDraftDialog, free_path, write_and_open
from keyplan.ui.main_window import MainWindow
from keyplan.ui.views.agency_view import AgencyView


def _services(window: MainWindow) -> WorkspaceServices:
    assert window.session is not None
    return window.session.services


def test_a_template_is_edited_on_the_agency_page_and_undone(opened: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    page = opened.pages["agency"]
    assert isinstance(page, AgencyView)
    box = page.templates
    box.kinds.setCurrentIndex(box.kinds.findData("contact_report"))
    assert box.subject.text() == DEFAULT_TEMPLATES["contact_report"].subject
    assert not box.reset.isEnabled()
    box.subject.setText("Biên bản họp: {title}")
    box.subject.editingFinished.emit()
    drafts = _services(opened).email_drafts
    assert drafts.template("contact_report").subject == "Biên bản họp: {title}"
    assert box.reset.isEnabled()
    assert opened.session is not None
    opened.session.undo_stack.undo()
    assert drafts.template("contact_report") == DEFAULT_TEMPLATES["contact_report"]
    assert box.subject.text() == DEFAULT_TEMPLATES["contact_report"].subject
    opened.session.undo_stack.redo()
    box.reset.click()
    assert drafts.template("contact_report") == DEFAULT_TEMPLATES["contact_report"]


def test_the_dialog_offers_contacts_with_addresses_and_keeps_the_users_text(
    opened: MainWindow, qtbot, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    services = _services(opened)
    account = next(a.id for a in services.accounts.all() if a.name == "Aurora Japan")
    tanaka = next(c.id for c in services.contacts.for_account(account) if c.name == "田中 太郎")
    services.contacts.update(tanaka, {"email": "tanaka@aurora.example"})
    sato = services.contacts.create(
        account, ContactDraft("Satō Hanako", email="sato@aurora.example")
    )
    report = tmp_path / "report.pdf"
    report.write_bytes(b"%PDF-1.7 test")
    dialog = EmailDraftDialog(
        services,
        "contact_report",
        account,
        {"title": "Kick-off", "date": "2026-11-23"},
        [report],
        chosen=[tanaka],
    )
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.recipients.count() == 2  # the contact without an address is not offered
    assert dialog.chosen_contacts() == [tanaka]
    assert dialog.subject.text() == "Contact report: Kick-off (2026-11-23)"
    assert dialog.body.toPlainText().startswith("Dear 田中 太郎,")
    # ticking a second recipient re-greets, until the user edits the text
    dialog.set_chosen([tanaka, sato])
    assert dialog.body.toPlainText().startswith("Dear all,")
    dialog.body.setPlainText("Dear both,\n\nAttached.\n")
    dialog.set_chosen([sato])
    assert dialog.body.toPlainText().startswith("Dear both,")

    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert dialog.draft is not None
    written = write_and_open(services, dialog.draft, tmp_path / "draft.eml")
    again = write_and_open(services, dialog.draft, tmp_path / "draft.eml")
    assert (written.name, again.name) == ("draft.eml", "draft (2).eml")  # never overwritten
    message = email.message_from_bytes(written.read_bytes(), policy=email.policy.default)
    assert str(message["To"]) == "Satō Hanako <sato@aurora.example>"
    body = message.get_body(preferencelist=("plain",))
    assert body is not None and body.get_content().startswith("Dear both,")
    assert [p.get_filename() for p in message.iter_attachments()] == ["report.pdf"]


def test_no_recipient_is_refused_in_the_dialog(opened: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    services = _services(opened)
    account = next(a.id for a in services.accounts.all() if a.name == "Aurora Group")
    dialog = EmailDraftDialog(services, "estimate", account, {}, [])
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.no_addresses.isHidden()
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert dialog.draft is None and dialog.isVisible()
    assert dialog.error.text()


def test_free_path_counts_up(tmp_path: Path) -> None:
    target = tmp_path / "Sen Việt - report.pdf"
    assert free_path(target) == target
    target.write_text("x")
    (tmp_path / "Sen Việt - report (2).pdf").write_text("x")
    assert free_path(target).name == "Sen Việt - report (3).pdf"


def test_switching_the_template_keeps_what_was_typed(opened: MainWindow) -> None:
    page = opened.pages["agency"]
    assert isinstance(page, AgencyView)
    box = page.templates
    box.kinds.setCurrentIndex(box.kinds.findData("status_report"))
    box.body.setPlainText("Kính gửi {greeting},\n\nBáo cáo {period} đính kèm.")
    box.kinds.setCurrentIndex(box.kinds.findData("estimate"))  # by wheel: no focus change
    saved = _services(opened).email_drafts.template("status_report")
    assert saved.body.startswith("Kính gửi {greeting}")
    assert box.body.toPlainText() == DEFAULT_TEMPLATES["estimate"].body
