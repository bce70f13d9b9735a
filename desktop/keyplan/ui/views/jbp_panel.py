"""The account's JBP tab: its joint business plans, one per year.

At the top: the year, "New JBP…", export (workbook or PDF) and delete; the plan's title and
status; the phase stepper (the five phases, the current one filled: a click moves the plan
there, undoably). Under it the pages: Overview & sign-off, Objectives, Targets & KPIs,
Investments, Calendar, Scorecard, Periods (QBPs and MBPs) and Business review. Every edit is
saved at once and can be undone; the pages refresh from the session's ``changed("jbp")``.
"""

from __future__ import annotations

from datetime import date
from functools import partial
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMenu,
    QPushButton,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from keyplan.domain.errors import NotFoundError
from keyplan.services.exporting import (
    export_jbp_pdf,
    export_jbp_xlsx,
    jbp_file_name,
)
from keyplan.services.jbp import JbpRecord
from keyplan.ui import sending
from keyplan.ui.commands import CreateCommand, DeleteCommand
from keyplan.ui.operations import WorkspaceSession
from keyplan.ui.views.jbp_review import BusinessReviewTab, PeriodsTab, ScorecardTab
from keyplan.ui.views.jbp_tabs import (
    CalendarTab,
    InvestmentsTab,
    MeasuresTab,
    ObjectivesTab,
    OverviewTab,
)
from keyplan.ui.views.jbp_widgets import (
    KIND,
    PhaseStepper,
    phase_labels,
    status_labels,
    update_command,
)
from keyplan.ui.widgets.rag_badge import RagBadge

_STATUS_HEALTH = {  # the badge's colour for a status
    "draft": "",
    "in_negotiation": "amber",
    "signed": "green",
    "active": "green",
    "closed": "",
}


class JbpPanel(QWidget):
    def __init__(self, session: WorkspaceSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.account_id: int | None = None
        self.record: JbpRecord | None = None
        self.wanted_year: int | None = None  # the year to show after a reload

        self.year_combo = QComboBox()
        self.year_combo.setObjectName("jbp_year")
        self.year_combo.setToolTip(self.tr("The year of the plan shown"))
        self.year_combo.activated.connect(self._year_chosen)
        self.new_button = QPushButton(self.tr("New JBP…"))
        self.new_button.setObjectName("new_jbp")
        self.new_button.clicked.connect(lambda: self.ask_new())
        self.export_button = QToolButton()
        self.export_button.setObjectName("export_jbp")
        self.export_button.setText(self.tr("Export"))
        self.export_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.export_button)
        menu.addAction(self.tr("Workbook (.xlsx)…"), lambda: self.export("xlsx"))
        menu.addAction(self.tr("PDF summary…"), lambda: self.export("pdf"))
        self.export_button.setMenu(menu)
        self.delete_button = QPushButton(self.tr("Delete"))
        self.delete_button.setObjectName("delete_jbp")
        self.delete_button.setToolTip(self.tr("Delete this plan (it can be restored)"))
        self.delete_button.clicked.connect(self.delete_plan)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Year")))
        top.addWidget(self.year_combo)
        top.addWidget(self.new_button)
        top.addStretch()
        top.addWidget(self.export_button)
        top.addWidget(self.delete_button)

        self.title = QLabel()
        self.title.setObjectName("jbp_title")
        font = self.title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.title.setFont(font)
        self.title.setWordWrap(True)
        self.status_badge = RagBadge()
        self.status_badge.setObjectName("jbp_status")
        heading = QHBoxLayout()
        heading.addWidget(self.title, 1)
        heading.addWidget(self.status_badge, 0, Qt.AlignmentFlag.AlignTop)
        self.stepper = PhaseStepper()
        self.stepper.phase_clicked.connect(self.move_to_phase)

        self.overview = OverviewTab(session)
        self.objectives = ObjectivesTab(session)
        self.measures = MeasuresTab(session)
        self.investments = InvestmentsTab(session)
        self.calendar = CalendarTab(session)
        self.scorecard = ScorecardTab(session)
        self.periods = PeriodsTab(session)
        self.review = BusinessReviewTab(session)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("jbp_tabs")
        self.tabs.setDocumentMode(True)
        self.tabs.setUsesScrollButtons(True)
        for page, title in (
            (self.overview, self.tr("Overview && sign-off")),
            (self.objectives, self.tr("Objectives")),
            (self.measures, self.tr("Targets && KPIs")),
            (self.investments, self.tr("Investments")),
            (self.calendar, self.tr("Calendar")),
            (self.scorecard, self.tr("Scorecard")),
            (self.periods, self.tr("Periods")),
            (self.review, self.tr("Business review")),
        ):
            self.tabs.addTab(page, title)
        self.pages = (
            self.overview,
            self.objectives,
            self.measures,
            self.investments,
            self.calendar,
            self.scorecard,
            self.periods,
            self.review,
        )
        self.empty = QLabel()
        self.empty.setObjectName("jbp_empty")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(heading)
        layout.addWidget(self.stepper)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.empty, 1)
        session.changed.connect(self._changed)

    # -- showing -------------------------------------------------------------------------------

    def show_account(self, account_id: int) -> None:
        if account_id != self.account_id:
            self.wanted_year = None
        self.account_id = account_id
        self.reload()

    def reload(self) -> None:
        if self.account_id is None:
            return
        plans = self.session.services.jbp.for_account(self.account_id)
        years = [plan.year for plan in plans]
        year = self.wanted_year
        if year not in years:
            this_year = date.today().year
            year = this_year if this_year in years else (years[0] if years else None)
        self.year_combo.blockSignals(True)
        self.year_combo.clear()
        for plan in plans:
            self.year_combo.addItem(str(plan.year), plan.id)
        self.year_combo.setCurrentIndex(years.index(year) if year in years else -1)
        self.year_combo.blockSignals(False)
        self.wanted_year = year
        record = None
        if year is not None:
            try:
                record = self.session.services.jbp.get(plans[years.index(year)].id)
            except NotFoundError:
                record = None
        self._show(record)

    def _show(self, record: JbpRecord | None) -> None:
        self.record = record
        has_plan = record is not None
        for widget in (self.tabs, self.stepper, self.title, self.status_badge):
            widget.setVisible(has_plan)
        self.empty.setVisible(not has_plan)
        self.year_combo.setEnabled(has_plan)
        self.export_button.setEnabled(has_plan)
        self.delete_button.setEnabled(has_plan)
        if record is None:
            self.empty.setText(
                self.tr(
                    "No joint business plan for this account yet. A JBP is agreed with the "
                    "client for a year: joint objectives, growth targets, who funds what, an "
                    "activity calendar and a scorecard. Start one with New JBP…"
                )
            )
        else:
            self.title.setText(record.title)
            status = status_labels().get(record.status, record.status)
            self.status_badge.set_health(_STATUS_HEALTH.get(record.status, ""), status)
            self.stepper.set_phase(record.phase)
        for page in self.pages:
            page.show_plan(record)

    def _year_chosen(self, index: int) -> None:
        text = self.year_combo.itemText(index)
        self.wanted_year = int(text) if text.isdigit() else None
        self.reload()

    def _changed(self, kind: str) -> None:
        if kind in (KIND, "workspace", "account") and self.account_id is not None:
            self.reload()

    # -- the plan ------------------------------------------------------------------------------

    def ask_new(self) -> int | None:
        """Ask for the year (this year unless it has a plan) and create the plan."""
        if self.account_id is None:
            return None
        taken = {int(self.year_combo.itemText(i)) for i in range(self.year_combo.count())}
        year = date.today().year
        while year in taken:
            year += 1
        if QGuiApplication.platformName() != "offscreen":
            chosen, ok = QInputDialog.getInt(
                self, self.tr("New JBP"), self.tr("The plan's year"), year, 1990, 2200
            )
            if not ok:
                return None
            year = chosen
        return self.new_plan(year)

    def new_plan(self, year: int, title: str = "") -> int | None:
        """Create the account's JBP for ``year`` (undoable) and show it."""
        if self.account_id is None:
            return None
        jbps, account_id = self.session.services.jbp, self.account_id
        command = CreateCommand(
            self.tr("New JBP %1").replace("%1", str(year)),
            KIND,
            lambda forced: jbps.create(account_id, year, title, jbp_id=forced),
            jbps.purge,
        )
        self.wanted_year = year
        if self.session.run(command) is not None:
            return None
        return command.entity_id

    def delete_plan(self) -> None:
        if self.record is None:
            return
        jbps = self.session.services.jbp
        self.session.run(
            DeleteCommand(
                self.tr("Delete %1").replace("%1", self.record.title),
                KIND,
                partial(jbps.delete, self.record.id),
                jbps.restore,
            )
        )

    def move_to_phase(self, phase: str) -> str | None:
        """Move the plan to ``phase`` (undoable)."""
        if self.record is None:
            return None
        label = phase_labels().get(phase, phase)
        return update_command(
            self.session,
            self.tr("Move the JBP to %1").replace("%1", label),
            partial(self.session.services.jbp.update, self.record.id),
            {"phase": phase},
        )

    # -- export --------------------------------------------------------------------------------

    def export(self, kind: str, path: Path | None = None) -> Path | None:
        """Write the plan as a workbook ("xlsx") or PDF ("pdf"); asks where unless ``path``."""
        if self.record is None:
            return None
        services, jbp_id = self.session.services, self.record.id
        pdf = kind == "pdf"
        write = export_jbp_pdf if pdf else export_jbp_xlsx
        suffix = ".pdf" if pdf else ".xlsx"
        return sending.export_file(
            self,
            self.session,
            lambda target, overwrite: write(services, jbp_id, target, overwrite=overwrite),
            jbp_file_name(services, jbp_id, suffix),
            self.tr("Export the JBP as PDF") if pdf else self.tr("Export the JBP workbook"),
            path,
            suffix=suffix,
        )
