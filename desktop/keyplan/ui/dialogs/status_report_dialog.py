"""Status report…: choose the period and the audience, then export the PDF or e-mail it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from keyplan.domain.periods import Period, PeriodKind, containing
from keyplan.services.exporting import export_status_report_pdf, status_report_file_name
from keyplan.ui import sending
from keyplan.ui.dialogs.base_dialog import BaseDialog
from keyplan.ui.operations import WorkspaceSession

PERIODS_OFFERED = 8


def recent_periods(kind: PeriodKind, today: date, count: int = PERIODS_OFFERED) -> list[Period]:
    """The current period of ``kind`` and the ones before it, newest first."""
    periods = [containing(kind, today)]
    while len(periods) < count:
        periods.append(periods[-1].previous())
    return periods


class StatusReportDialog(BaseDialog):
    def __init__(
        self,
        session: WorkspaceSession,
        account_id: int,
        parent: QWidget | None = None,
        *,
        today: date | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.account_id = account_id
        self.today = today or date.today()
        account = session.services.accounts.get(account_id)
        self.setWindowTitle(self.tr("Status report"))
        heading = QLabel(account.name)
        font = heading.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.3)
        heading.setFont(font)

        self.kind = QComboBox()
        self.kind.setObjectName("period_kind")
        for kind, label in (
            (PeriodKind.MONTH, self.tr("Month")),
            (PeriodKind.QUARTER, self.tr("Quarter")),
            (PeriodKind.WEEK, self.tr("Week")),
        ):
            self.kind.addItem(label, kind)
        self.period = QComboBox()
        self.period.setObjectName("period")
        self.kind.currentIndexChanged.connect(lambda _i: self._fill_periods())
        period_row = QHBoxLayout()
        period_row.addWidget(self.kind)
        period_row.addWidget(self.period, 1)

        self.client = QRadioButton(self.tr("For the client"))
        self.client.setObjectName("audience_client")
        self.internal = QRadioButton(
            self.tr("Internal: with budgets, margins and internal notes (marked INTERNAL)")
        )
        self.internal.setObjectName("audience_internal")
        self.client.setChecked(True)
        audience = QButtonGroup(self)
        audience.addButton(self.client)
        audience.addButton(self.internal)
        self.internal.toggled.connect(lambda on: self.email_button.setEnabled(not on))
        audience_column = QVBoxLayout()
        audience_column.addWidget(self.client)
        audience_column.addWidget(self.internal)

        # the headline goes to the client: it starts empty, beside the team's own health note
        self.headline = QPlainTextEdit()
        self.headline.setObjectName("headline")
        self.headline.setPlaceholderText(
            self.tr("For the client, one paragraph: is the account on track, what matters now?")
        )
        self.headline.setMaximumHeight(110)
        self.health_note = QLabel(
            self.tr("Team's health note (internal report only): %1").replace(
                "%1", account.health_reason
            )
        )
        self.health_note.setObjectName("health_note")
        self.health_note.setWordWrap(True)
        self.health_note.setStyleSheet("color: #8A5A00;")
        self.health_note.setVisible(bool(account.health_reason))

        form = QFormLayout()
        form.addRow(self.tr("Period"), period_row)
        form.addRow(self.tr("For"), audience_column)
        form.addRow(self.tr("Headline"), self.headline)
        form.addRow("", self.health_note)

        self.pdf_button = QPushButton(self.tr("Export PDF…"))
        self.pdf_button.setObjectName("status_pdf")
        self.pdf_button.clicked.connect(lambda: self.export_pdf())
        self.email_button = QPushButton(self.tr("Email to client…"))
        self.email_button.setObjectName("status_email")
        self.email_button.clicked.connect(lambda: self.email_to_client())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.pdf_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.email_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self._fill_periods()
        if not self.has_saved_geometry:
            self.resize(560, self.sizeHint().height())

    def _fill_periods(self) -> None:
        self.period.clear()
        for period in recent_periods(PeriodKind(self.kind.currentData()), self.today):
            self.period.addItem(f"{period.label}  ({period.code})", period)

    @property
    def chosen_period(self) -> Period:
        period = self.period.currentData()
        assert isinstance(period, Period)
        return period

    @property
    def audience(self) -> str:
        return "internal" if self.internal.isChecked() else "client"

    def _writer(self, audience: str) -> sending.Writer:
        services = self.session.services
        period, headline = self.chosen_period, self.headline.toPlainText().strip()
        account_id = self.account_id

        def write(path: Path, overwrite: bool) -> Path:
            return export_status_report_pdf(
                services,
                account_id,
                period,
                path,
                audience=audience,  # type: ignore[arg-type]
                overwrite=overwrite,
                headline=headline,
            )

        return write

    def export_pdf(self, path: Path | None = None) -> Path | None:
        name = status_report_file_name(
            self.session.services,
            self.account_id,
            self.chosen_period,
            self.audience,  # type: ignore[arg-type]
        )
        return sending.export_file(
            self, self.session, self._writer(self.audience), name, self.tr("Export PDF"), path
        )

    def email_to_client(self, *, confirm: bool = True) -> Path | None:
        """Only the client variant is ever e-mailed to the client."""
        period = self.chosen_period
        return sending.email_document(
            self,
            self.session,
            "status_report",
            self.account_id,
            {"period": period.label},
            self._writer("client"),
            status_report_file_name(self.session.services, self.account_id, period, "client"),
            confirm=confirm,
        )
