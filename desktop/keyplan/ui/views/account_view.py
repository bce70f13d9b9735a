"""One account as a workspace: a header and the tabs of what exists for it."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from keyplan.domain.accounts import countries
from keyplan.domain.errors import NotFoundError
from keyplan.services.records import AccountRecord
from keyplan.ui.dialogs.status_report_dialog import StatusReportDialog
from keyplan.ui.labels import health_labels, kind_labels, status_labels
from keyplan.ui.operations import WorkspaceSession
from keyplan.ui.views.account_overview import AccountOverview
from keyplan.ui.views.account_plan_panel import AccountPlanPanel
from keyplan.ui.views.action_items_panel import ActionItemsPanel
from keyplan.ui.views.contact_reports_panel import ContactReportsPanel
from keyplan.ui.views.contacts_panel import ContactsPanel
from keyplan.ui.views.estimates_view import EstimatesView
from keyplan.ui.views.forecast_panel import ForecastPanel
from keyplan.ui.views.jbp_panel import JbpPanel
from keyplan.ui.views.notes_panel import NotesPanel
from keyplan.ui.views.opportunities_panel import OpportunitiesPanel
from keyplan.ui.views.projects_panel import ProjectsPanel
from keyplan.ui.views.relationship_map import RelationshipMapView, reveal_contact
from keyplan.ui.widgets.headings import page_title
from keyplan.ui.widgets.rag_badge import RagBadge


class AccountView(QWidget):
    account_gone = Signal()  # the account shown was deleted (or its creation undone)
    open_estimate = Signal(int)  # a revision id from the Estimates tab

    def __init__(self, session: WorkspaceSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.account: AccountRecord | None = None

        self.title = page_title()
        self.title.setObjectName("account_title")
        self.badge = RagBadge()
        self.subtitle = QLabel()
        self.subtitle.setObjectName("account_subtitle")
        self.subtitle.setStyleSheet("color: palette(mid);")
        self.status_report_button = QPushButton(self.tr("Status report…"))
        self.status_report_button.setObjectName("status_report")
        self.status_report_button.setToolTip(
            self.tr("The account's status report for a week, month or quarter, as a PDF")
        )
        self.status_report_button.clicked.connect(lambda: self.open_status_report())
        header = QHBoxLayout()
        header.addWidget(self.title)
        header.addWidget(self.badge)
        header.addStretch()
        header.addWidget(self.status_report_button)

        self.overview = AccountOverview(session)
        self.contacts = ContactsPanel(session)
        self.notes = NotesPanel(session)
        self.estimates: EstimatesView | None = None  # built per account (it filters by it)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("account_tabs")
        # the contacts as a table and as an org chart: two tabs inside this one
        self.relationship_map = RelationshipMapView(session)
        self.contacts_tabs = QTabWidget()
        self.contacts_tabs.setObjectName("contacts_tabs")
        self.contacts_tabs.setDocumentMode(True)
        self.contacts_tabs.addTab(self.contacts, self.tr("Contacts"))
        self.contacts_tabs.addTab(self.relationship_map, self.tr("Relationship map"))
        self.relationship_map.open_contact.connect(
            lambda contact_id: reveal_contact(self.contacts_tabs, self.contacts, contact_id)
        )
        self.plan = AccountPlanPanel(session)
        self.jbp = JbpPanel(session)
        self.opportunities = OpportunitiesPanel(session)
        self.opportunities.open_estimate.connect(self.open_estimate)
        self.forecast = ForecastPanel(session)
        self.projects = ProjectsPanel(session)
        self.estimates_holder = QWidget()
        QVBoxLayout(self.estimates_holder).setContentsMargins(0, 0, 0, 0)
        work = QSplitter(Qt.Orientation.Vertical)
        work.setObjectName("projects_estimates_splitter")
        work.addWidget(self.projects)
        work.addWidget(self.estimates_holder)
        work.setStretchFactor(1, 2)
        self.reports = ContactReportsPanel(session)
        self.action_items = ActionItemsPanel(session)
        # the order of UX.md: know the client, plan with them, sell, deliver, report
        for page, title in (
            (self.overview, self.tr("Overview")),
            (self.contacts_tabs, self.tr("Contacts && relationship map")),
            (self.plan, self.tr("Account plan")),
            (self.jbp, self.tr("JBP")),
            (self.opportunities, self.tr("Opportunities")),
            (self.forecast, self.tr("Forecast")),
            (work, self.tr("Projects && estimates")),
            (self.reports, self.tr("Contact reports")),
            (self.action_items, self.tr("Action items")),
            (self.notes, self.tr("Notes")),
        ):
            self.tabs.addTab(page, title)

        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.subtitle)
        layout.addWidget(self.tabs)
        session.changed.connect(self._changed)

    def show_account(self, account_id: int) -> bool:
        try:
            account = self.session.services.accounts.get(account_id)
        except NotFoundError:
            self.account = None
            return False
        self.account = account
        self._show_header(account)
        self.overview.show_account(account)
        self.contacts.show_account(account.id)
        self.relationship_map.show_account(account.id)
        self.notes.show_account(account.id)
        self.projects.show_account(account.id)
        self.opportunities.show_account(account.id)
        self.forecast.show_account(account.id)
        self.reports.show_account(account.id)
        self.action_items.show_account(account.id)
        self.plan.show_account(account.id)
        self.jbp.show_account(account.id)
        if self.estimates is None or self.estimates.account_id != account.id:
            if self.estimates is not None:
                self.estimates.deleteLater()
            self.estimates = EstimatesView(self.session, account_id=account.id)
            self.estimates.open_estimate.connect(self.open_estimate)
            layout = self.estimates_holder.layout()
            assert layout is not None
            layout.addWidget(self.estimates)
        return True

    def open_status_report(self) -> StatusReportDialog | None:
        """The status report dialog for this account (returned for tests; modal for users)."""
        if self.account is None:
            return None
        dialog = StatusReportDialog(self.session, self.account.id, self)
        if QGuiApplication.platformName() != "offscreen":
            dialog.exec()
        return dialog

    def _show_header(self, account: AccountRecord) -> None:
        self.title.setText(account.name)
        health = health_labels().get(account.health, account.health)
        self.badge.set_health(account.health, health, account.health_reason)
        parts = [
            kind_labels().get(account.kind, account.kind),
            account.tier,
            countries().get(account.market, ""),
            account.currency,
            status_labels().get(account.status, account.status),
        ]
        if account.owner_name:
            parts.append(self.tr("Owner: %1").replace("%1", account.owner_name))
        self.subtitle.setText("  ·  ".join(p for p in parts if p))

    def _changed(self, kind: str) -> None:
        if self.account is None or not self.isVisible():
            return
        if kind in ("account", "team", "workspace"):
            if not self.show_account(self.account.id):
                self.account_gone.emit()
        elif kind == "contact":  # names, titles and time zones in reports and action items
            self.contacts.reload()
            self.reports.reload()
            self.action_items.reload()
        elif kind == "note":
            self.notes.reload()
        elif kind == "contact_report":
            self.reports.reload()
            self.action_items.reload()
        elif kind == "project":  # the project a report is about
            self.reports.reload()
