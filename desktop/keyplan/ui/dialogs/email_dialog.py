"""Email to client…: choose the recipients, read the subject and text, make the draft.

The draft is an ``.eml`` file written beside the exported document and opened in the system's
mail program, where it waits (``X-Unsent: 1``) until the user sends it: Keyplan never sends
mail itself and needs no network.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from keyplan.domain.errors import DomainError
from keyplan.exports.email_draft import EmailDraft, EmailDraftError
from keyplan.services.workspace import WorkspaceServices
from keyplan.ui.dialogs.base_dialog import BaseDialog

CONTACT_ROLE = Qt.ItemDataRole.UserRole + 1


def free_path(path: Path) -> Path:
    """``path``, or ``name (2).ext``, ``name (3).ext``… when it exists: never overwrite."""
    candidate = path
    number = 2
    while candidate.exists():
        candidate = path.with_name(f"{path.stem} ({number}){path.suffix}")
        number += 1
    return candidate


class EmailDraftDialog(BaseDialog):
    """Recipients from the account's contacts; subject and text from the agency's template."""

    def __init__(
        self,
        services: WorkspaceServices,
        kind: str,
        account_id: int,
        values: Mapping[str, str],
        attachments: Sequence[Path],
        *,
        chosen: Sequence[int] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.kind = kind
        self.account_id = account_id
        self.values = dict(values)
        self.attachments = tuple(attachments)
        self.draft: EmailDraft | None = None
        self._edited = False
        self.setWindowTitle(self.tr("Email to client"))

        self.recipients = QListWidget()
        self.recipients.setObjectName("email_recipients")
        for address in services.email_drafts.addresses(account_id):
            text = f"{address.name} <{address.email}>"
            if address.title:
                text = f"{address.name} · {address.title} <{address.email}>"
            item = QListWidgetItem(text)
            item.setData(CONTACT_ROLE, address.contact_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            checked = address.contact_id in chosen
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            self.recipients.addItem(item)
        self.recipients.itemChanged.connect(lambda _item: self._fill_text())
        self.no_addresses = QLabel(
            self.tr(
                "No contact of this account has an e-mail address: add one on the Contacts tab."
            )
        )
        self.no_addresses.setWordWrap(True)
        self.no_addresses.setVisible(self.recipients.count() == 0)

        self.subject = QLineEdit()
        self.subject.setObjectName("email_subject")
        self.subject.textEdited.connect(self._mark_edited)
        self.body = QPlainTextEdit()
        self.body.setObjectName("email_body")
        self.body.textChanged.connect(self._body_changed)
        files = QLabel("\n".join(path.name for path in self.attachments) or self.tr("(none)"))
        files.setObjectName("email_attachments")
        files.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error = QLabel()
        self.error.setObjectName("email_error")
        self.error.setStyleSheet("color: #C62828;")
        self.error.setWordWrap(True)
        self.error.hide()

        form = QFormLayout()
        form.addRow(self.tr("To"), self.recipients)
        form.addRow("", self.no_addresses)
        form.addRow(self.tr("Subject"), self.subject)
        form.addRow(self.tr("Text"), self.body)
        form.addRow(self.tr("Attached"), files)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Create draft"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        note = QLabel(
            self.tr(
                "The draft opens in your mail program; nothing is sent until you send it there."
            )
        )
        note.setWordWrap(True)
        note.setStyleSheet("color: palette(mid);")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(note)
        layout.addWidget(self.buttons)
        self._setting_text = False
        self._fill_text(force=True)
        if not self.has_saved_geometry:
            self.resize(620, 560)

    def chosen_contacts(self) -> list[int]:
        return [
            self.recipients.item(row).data(CONTACT_ROLE)
            for row in range(self.recipients.count())
            if self.recipients.item(row).checkState() == Qt.CheckState.Checked
        ]

    def set_chosen(self, contact_ids: Sequence[int]) -> None:
        for row in range(self.recipients.count()):
            item = self.recipients.item(row)
            wanted = item.data(CONTACT_ROLE) in contact_ids
            item.setCheckState(Qt.CheckState.Checked if wanted else Qt.CheckState.Unchecked)

    def _mark_edited(self, *_args: object) -> None:
        self._edited = True

    def _body_changed(self) -> None:
        if not self._setting_text:
            self._edited = True

    def _fill_text(self, *, force: bool = False) -> None:
        """The template's subject and text for the chosen recipients (the greeting depends on
        them), until the user edits either."""
        if self._edited and not force:
            return
        template = self.services.email_drafts.template(self.kind)
        contacts = self.chosen_contacts()
        try:
            draft = self.services.email_drafts.draft(
                self.kind, self.account_id, contacts, self.values, self.attachments
            )
            subject, body = draft.subject, draft.body
        except DomainError:  # no recipient yet: show the template with what is known
            subject, body = template.subject, template.body
            for name, value in self.values.items():
                subject = subject.replace("{" + name + "}", value)
                body = body.replace("{" + name + "}", value)
        self._setting_text = True
        self.subject.setText(subject)
        self.body.setPlainText(body)
        self._setting_text = False

    def accept(self) -> None:
        try:
            draft = self.services.email_drafts.draft(
                self.kind, self.account_id, self.chosen_contacts(), self.values, self.attachments
            )
        except (DomainError, EmailDraftError) as exc:
            self.error.setText(str(exc))
            self.error.show()
            return
        self.draft = EmailDraft(
            to=draft.to,
            subject=self.subject.text(),
            body=self.body.toPlainText(),
            attachments=draft.attachments,
            sender=draft.sender,
        )
        super().accept()


def write_and_open(services: WorkspaceServices, draft: EmailDraft, path: Path) -> Path:
    """Write the draft (never over an existing file) and open it in the mail program."""
    written = services.email_drafts.write(draft, free_path(path))
    if QGuiApplication.platformName() != "offscreen":  # tests and headless runs: no mail program
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(written)))
    return written
