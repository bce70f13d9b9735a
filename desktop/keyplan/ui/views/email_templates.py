"""The agency's e-mail templates (Agency profile page): subject and text per kind of document."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from keyplan.services.email_drafts import DEFAULT_TEMPLATES, Template
from keyplan.services.workspace import WorkspaceServices
from keyplan.ui.operations import ServiceCommand, WorkspaceSession
from keyplan.ui.widgets.form import FocusOutFilter


class SetTemplateCommand(ServiceCommand):
    kind = "agency"

    def __init__(
        self, text: str, services: WorkspaceServices, template_kind: str, template: Template | None
    ) -> None:
        super().__init__(text)
        self.services = services
        self.template_kind = template_kind
        self.template = template
        self.previous: Template | None = None

    def apply(self) -> None:
        self.previous = self.services.email_drafts.set_template(self.template_kind, self.template)

    def revert(self) -> None:
        self.services.email_drafts.set_template(self.template_kind, self.previous)


class EmailTemplatesBox(QGroupBox):
    def __init__(self, session: WorkspaceSession, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("E-mail templates"), parent)
        self.session = session
        self.kinds = QComboBox()
        self.kinds.setObjectName("template_kind")
        for kind, label in (
            ("estimate", self.tr("Estimate")),
            ("contact_report", self.tr("Contact report")),
            ("status_report", self.tr("Status report")),
        ):
            self.kinds.addItem(label, kind)
        self._shown_kind = ""
        self.kinds.currentIndexChanged.connect(lambda _i: self._switch())
        self.subject = QLineEdit()
        self.subject.setObjectName("template_subject")
        self.subject.editingFinished.connect(self.save)
        self.body = QPlainTextEdit()
        self.body.setObjectName("template_body")
        self.body.setMinimumHeight(140)
        self.body.installEventFilter(FocusOutFilter(self.save, self.body))
        self.reset = QPushButton(self.tr("Back to the standard text"))
        self.reset.setObjectName("template_reset")
        self.reset.clicked.connect(self.reset_to_default)
        self.error = QLabel()
        self.error.setStyleSheet("color: #C62828;")
        self.error.hide()
        hint = QLabel(
            self.tr(
                "Placeholders: {client}, {agency}, {sender}, {greeting}, {title}, {number}, "
                "{revision}, {valid_until}, {date}, {period}."
            )
        )
        hint.setWordWrap(True)
        hint.setStyleSheet("color: palette(mid);")
        top = QHBoxLayout()
        top.addWidget(self.kinds)
        top.addStretch()
        top.addWidget(self.reset)
        form = QFormLayout(self)
        form.addRow(self.tr("For"), top)
        form.addRow(self.tr("Subject"), self.subject)
        form.addRow(self.tr("Text"), self.body)
        form.addRow("", self.error)
        form.addRow("", hint)
        session.changed.connect(lambda kind: self.reload() if kind == "agency" else None)
        self.reload()

    @property
    def template_kind(self) -> str:
        return str(self.kinds.currentData())

    def _switch(self) -> None:
        """Keep what was typed for the template shown before showing another one."""
        if self._shown_kind:
            self.save(self._shown_kind)
        self.reload()

    def reload(self) -> None:
        self._shown_kind = self.template_kind
        template = self.session.services.email_drafts.template(self.template_kind)
        if self.subject.text() != template.subject:
            self.subject.setText(template.subject)
        if self.body.toPlainText() != template.body:
            self.body.setPlainText(template.body)
        self.reset.setEnabled(template != DEFAULT_TEMPLATES[self.template_kind])

    def save(self, kind: str = "") -> None:
        kind = kind or self._shown_kind or self.template_kind
        template = Template(self.subject.text(), self.body.toPlainText())
        if template == self.session.services.email_drafts.template(kind):
            return
        error = self.session.run(
            SetTemplateCommand(
                self.tr("Edit e-mail template"),
                self.session.services,
                kind,
                template,
            ),
            inline=True,
        )
        self.error.setText(error or "")
        self.error.setVisible(bool(error))

    def reset_to_default(self) -> None:
        self.session.run(
            SetTemplateCommand(
                self.tr("Reset e-mail template"), self.session.services, self.template_kind, None
            )
        )
