"""The account's Account plan tab: one plan per year, started from a template.

Top: the year (each plan with its status and completeness), "New plan…", the status, a
completeness bar whose tooltip lists what is still empty, "Export PDF…" (client-safe by
default, or internal), "Templates…" and "Delete plan". Below, the sections as tabs: Summary,
SWOT, Objectives & KPIs, Actions, Whitespace, Risks, Relationships, Reviews & snapshots.

Every edit is saved at once as one undoable command (:mod:`plan_commands`); a value the plan
refuses is shown in red where it was typed, with the reason, and nothing is saved.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import (
    QColor,
    QGuiApplication,
    QResizeEvent,
    QShowEvent,
    QStandardItemModel,
)
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLayout,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from keyplan.domain.errors import DomainError, NotFoundError, ValidationError
from keyplan.domain.plans import SwotQuadrant
from keyplan.services.exporting import export_plan_pdf, plan_file_name
from keyplan.services.plan_records import PlanRecord
from keyplan.services.workspace import WorkspaceError
from keyplan.ui import sending
from keyplan.ui.commands import DeleteCommand, UpdateCommand
from keyplan.ui.formatting import date_text, money_text, quantity_text, read_decimal
from keyplan.ui.models.record_table_model import Column, choice_column, date_column
from keyplan.ui.operations import WorkspaceSession
from keyplan.ui.views.plan_commands import (
    KIND,
    CreatePlanCommand,
    DeleteSnapshotCommand,
    SnapshotCommand,
)
from keyplan.ui.views.plan_dialogs import (
    ExportPlanDialog,
    NewPlanDialog,
    SnapshotDialog,
    TemplatesDialog,
)
from keyplan.ui.views.plan_labels import (
    BAND_COLOURS,
    action_status_labels,
    objective_status_labels,
    plan_status_labels,
    risk_band_labels,
    risk_status_labels,
    swot_labels,
)
from keyplan.ui.views.plan_tables import SectionTable, decimal_parser
from keyplan.ui.views.plan_whitespace import WhitespacePanel
from keyplan.ui.widgets.form import Form
from keyplan.ui.widgets.headings import section_title
from keyplan.ui.widgets.read_only_table import read_only_table, row_items

_RELOAD_ON = frozenset({KIND, "plan_template", "team", "contact", "account", "workspace"})
_PROGRESS_GOOD = ("#DCEFD9", "#1B5E20")
_PROGRESS_LOW = ("#FCE8B2", "#3D2C00")


def _interactive() -> bool:
    return QGuiApplication.platformName() != "offscreen"


class _SwotGrid(QWidget):
    """The four quadrants: 2 x 2 when there is room, one under the other when narrow."""

    def __init__(self, quadrants: list[SectionTable], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.quadrants = quadrants
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        # the grid gives way when narrow (one column) instead of holding the page wide
        self.grid.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        self.columns = 0
        self._arrange(2)

    def minimumSizeHint(self) -> QSize:
        widest = max(q.minimumSizeHint().width() for q in self.quadrants)
        return QSize(widest, 4 * 150 if self.columns == 1 else 2 * 150)

    def _arrange(self, columns: int) -> None:
        if columns == self.columns:
            return
        self.columns = columns
        for quadrant in self.quadrants:
            self.grid.removeWidget(quadrant)
        for index, quadrant in enumerate(self.quadrants):
            self.grid.addWidget(quadrant, index // columns, index % columns)
        for row in range(4):
            self.grid.setRowStretch(row, 1 if row < 4 // columns else 0)
        self.updateGeometry()

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._arrange(2 if event.size().width() >= 640 else 1)
        super().resizeEvent(event)


class AccountPlanPanel(QWidget):
    def __init__(
        self, session: WorkspaceSession, parent: QWidget | None = None, *, today: date | None = None
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.today = today
        self.account_id: int | None = None
        self.plan_id: int | None = None
        self.plan: PlanRecord | None = None
        self._members: list[tuple[str, int]] = []
        self._contacts: dict[int, str] = {}
        self._stale = False  # changed while hidden
        self._build_top()
        self._build_sections()
        layout = QVBoxLayout(self)
        layout.addLayout(self.top)
        layout.addLayout(self.actions_row)
        layout.addWidget(self.empty)
        layout.addWidget(self.tabs, 1)
        session.changed.connect(self._changed)

    def _today(self) -> date:
        return self.today or date.today()

    # -- building ------------------------------------------------------------------------------

    def _build_top(self) -> None:
        self.year = QComboBox()
        self.year.setObjectName("plan_year")
        self.year.setToolTip(self.tr("The plan year"))
        self.year.activated.connect(lambda _i: self._year_chosen())
        self.status = QComboBox()
        self.status.setObjectName("plan_status")
        for key, text in plan_status_labels().items():
            self.status.addItem(text, key)
        self.status.activated.connect(lambda _i: self.set_status(self.status.currentData()))
        self.completeness = QProgressBar()
        self.completeness.setObjectName("plan_completeness")
        self.completeness.setRange(0, 100)
        self.completeness.setFormat(self.tr("%p % complete"))
        self.completeness.setMinimumWidth(90)
        self.top = QHBoxLayout()
        self.top.addWidget(self.year)
        self.top.addWidget(self.status)
        self.top.addWidget(self.completeness, 1)

        self.new_button = QPushButton(self.tr("New plan…"))
        self.new_button.setObjectName("new_plan")
        self.new_button.clicked.connect(lambda: self.open_new_plan())
        self.export_button = QPushButton(self.tr("Export PDF…"))
        self.export_button.setObjectName("export_plan")
        self.export_button.setToolTip(self.tr("The plan on one page: client-safe or internal"))
        self.export_button.clicked.connect(lambda: self.export_pdf())
        self.templates_button = QPushButton(self.tr("Templates…"))
        self.templates_button.setObjectName("plan_templates")
        self.templates_button.clicked.connect(lambda: self.open_templates())
        self.delete_button = QPushButton(self.tr("Delete plan"))
        self.delete_button.setObjectName("delete_plan")
        self.delete_button.clicked.connect(self.delete_plan)
        self.actions_row = QHBoxLayout()
        for button in (
            self.new_button,
            self.export_button,
            self.templates_button,
            self.delete_button,
        ):
            self.actions_row.addWidget(button)
        self.actions_row.addStretch()

        self.empty = QLabel(
            self.tr(
                "This account has no plan yet. Start one with New plan…: a template fills in "
                "the usual objectives, services and risks for you to adapt."
            )
        )
        self.empty.setObjectName("plan_empty")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)

    def _build_sections(self) -> None:
        self.tabs = QTabWidget()
        self.tabs.setObjectName("plan_tabs")
        self.tabs.setDocumentMode(True)
        self.tabs.setUsesScrollButtons(True)
        self.tabs.addTab(self._build_summary(), self.tr("Summary"))
        self.tabs.addTab(self._build_swot(), self.tr("SWOT"))
        self.tabs.addTab(self._build_objectives(), self.tr("Objectives && KPIs"))
        self.actions_table = self._actions_table()
        self.tabs.addTab(self.actions_table, self.tr("Actions"))
        self.whitespace = WhitespacePanel(self.session)
        self.tabs.addTab(self.whitespace, self.tr("Whitespace"))
        self.risks = self._risks_table()
        self.tabs.addTab(self.risks, self.tr("Risks"))
        self.goals = self._goals_table()
        self.tabs.addTab(self.goals, self.tr("Relationships"))
        self.tabs.addTab(self._build_reviews(), self.tr("Reviews && snapshots"))

    def _build_summary(self) -> QWidget:
        self.form = Form()
        self.form.add_text("situation", self.tr("Situation"))
        self.form.add_text("vision", self.tr("Vision"))
        self.form.add_text("strategies", self.tr("Strategies (one per line)"))
        self.form.add_line("revenue_target", self.tr("Revenue target"))
        self.form.add_text("internal_notes", self.tr("Internal notes (never in the client PDF)"))
        self.form.commit.connect(self._commit)
        self.form.check.connect(self._check)
        scroll = QScrollArea()
        scroll.setObjectName("plan_summary")
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.form)
        return scroll

    def _build_swot(self) -> QWidget:
        labels = swot_labels()
        self.swot: dict[str, SectionTable] = {}
        for quadrant in SwotQuadrant:
            table = SectionTable(
                self.session,
                "swot",
                [Column("text", labels[quadrant], editor="text")],
                name=f"swot_{quadrant.value}",
                new_values=lambda q=quadrant.value: {"quadrant": q, "text": self.tr("New item")},
                open_key="text",
                title=labels[quadrant],
            )
            table.table.horizontalHeader().hide()
            self.swot[quadrant.value] = table
        scroll = QScrollArea()
        scroll.setObjectName("plan_swot")
        scroll.setWidgetResizable(True)
        scroll.setWidget(_SwotGrid(list(self.swot.values())))
        return scroll

    def _owner_column(self, key: str = "owner_id") -> Column:
        return Column(
            key,
            self.tr("Owner"),
            editor="choice",
            display=lambda r: r.owner_name,
            choices=lambda _r: [(self.tr("(nobody)"), None), *self._members],
        )

    def _objective_column(self) -> Column:
        return Column(
            "objective_id",
            self.tr("Objective"),
            editor="choice",
            display=self._objective_name,
            choices=lambda _r: [(self.tr("(none)"), None), *self._objective_choices()],
        )

    def _build_objectives(self) -> QWidget:
        statuses = objective_status_labels()
        self.objectives = SectionTable(
            self.session,
            "objective",
            [
                Column("statement", self.tr("Objective"), editor="text"),
                self._owner_column(),
                date_column("due", self.tr("Due")),
                choice_column("status", self.tr("Status"), statuses),
            ],
            name="objectives",
            new_values=lambda: {"statement": self.tr("New objective")},
            open_key="statement",
            title=self.tr("Objectives"),
            add_text=self.tr("Add objective"),
        )
        numbers = {key: decimal_parser(key) for key in ("baseline", "target", "actual")}
        self.kpis = SectionTable(
            self.session,
            "kpi",
            [
                Column("metric", self.tr("KPI"), editor="text"),
                self._objective_column(),
                Column("unit", self.tr("Unit"), editor="text"),
                Column("period", self.tr("Period"), editor="text"),
                *(
                    Column(key, title, editor="text", display=partial(self._figure, key))
                    for key, title in (
                        ("baseline", self.tr("Baseline")),
                        ("target", self.tr("Target")),
                        ("actual", self.tr("Actual")),
                    )
                ),
                Column(
                    "progress",
                    self.tr("Progress"),
                    display=lambda k: (
                        "" if k.progress is None else f"{quantity_text(k.progress)} %"
                    ),
                ),
                date_column("due", self.tr("Due")),
            ],
            name="kpis",
            new_values=self._new_kpi,
            open_key="metric",
            parsers=numbers,
            edit_text={key: partial(self._figure, key) for key in ("baseline", "target", "actual")},
            colours=self._kpi_colours,
            right=frozenset({"baseline", "target", "actual", "progress"}),
            title=self.tr("KPIs"),
            hint=self.tr(
                "Period: 2026, 2026-Q3 or 2026-09 (empty: the plan's year). Progress runs from "
                "the baseline to the target."
            ),
            add_text=self.tr("Add KPI"),
        )
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setObjectName("objectives_splitter")
        splitter.addWidget(self.objectives)
        splitter.addWidget(self.kpis)
        return splitter

    def _actions_table(self) -> SectionTable:
        statuses = action_status_labels()
        return SectionTable(
            self.session,
            "action",
            [
                Column("description", self.tr("Action"), editor="text"),
                self._owner_column(),
                date_column("due", self.tr("Due")),
                choice_column("status", self.tr("Status"), statuses),
                self._objective_column(),
            ],
            name="plan_actions",
            new_values=lambda: {"description": self.tr("New action")},
            open_key="description",
            title=self.tr("Action plan"),
            add_text=self.tr("Add action"),
        )

    def _risks_table(self) -> SectionTable:
        statuses = risk_status_labels()
        bands = risk_band_labels()
        ratings = [(str(value), value) for value in range(1, 6)]
        return SectionTable(
            self.session,
            "risk",
            [
                Column("description", self.tr("Risk"), editor="text"),
                Column(
                    "likelihood", self.tr("Likelihood"), editor="choice", choices=lambda _r: ratings
                ),
                Column("impact", self.tr("Impact"), editor="choice", choices=lambda _r: ratings),
                Column(
                    "score",
                    self.tr("Score"),
                    display=lambda r: f"{r.score} · {bands.get(r.band, r.band)}",
                ),
                Column("mitigation", self.tr("Mitigation"), editor="text"),
                self._owner_column(),
                choice_column("status", self.tr("Status"), statuses),
            ],
            name="risks",
            new_values=lambda: {"description": self.tr("New risk")},
            open_key="description",
            colours=lambda r, key: BAND_COLOURS.get(r.band) if key == "score" else None,
            right=frozenset({"likelihood", "impact"}),
            title=self.tr("Risks (likelihood × impact, 1 to 5 each)"),
            add_text=self.tr("Add risk"),
        )

    def _goals_table(self) -> SectionTable:
        strengths = [(self.tr("(not set)"), None), *((str(v), v) for v in range(1, 6))]
        return SectionTable(
            self.session,
            "relationship_goal",
            [
                Column("contact_name", self.tr("Contact")),
                Column("contact_title", self.tr("Title")),
                Column(
                    "current_strength",
                    self.tr("Strength now"),
                    display=lambda g: "" if g.current_strength is None else str(g.current_strength),
                ),
                Column(
                    "target_strength",
                    self.tr("Goal strength"),
                    editor="choice",
                    display=lambda g: "" if g.target_strength is None else str(g.target_strength),
                    choices=lambda _g: strengths,
                ),
                Column("goal", self.tr("What we want from the relationship"), editor="text"),
            ],
            name="goals",
            new_values=self._new_goal,
            open_key="goal",
            movable=False,
            title=self.tr("Relationship goals (internal)"),
            add_text=self.tr("Add goal"),
        )

    def _build_reviews(self) -> QWidget:
        self.reviews = SectionTable(
            self.session,
            "review",
            [
                date_column("reviewed_on", self.tr("Reviewed")),
                Column("reviewer", self.tr("By"), editor="text"),
                Column("notes", self.tr("Notes"), editor="text"),
            ],
            name="reviews",
            new_values=self._new_review,
            open_key="reviewer",
            movable=False,
            title=self.tr("Review history"),
            add_text=self.tr("Add review"),
        )
        self.snapshot_model = QStandardItemModel(self)
        self.snapshot_table = read_only_table("snapshots_table", self.snapshot_model)
        self.snapshot_table.horizontalHeader().setStretchLastSection(True)
        self.snapshot_table.doubleClicked.connect(lambda _i: self.view_snapshot())
        self.freeze_button = QPushButton(self.tr("Freeze snapshot…"))
        self.freeze_button.setObjectName("freeze_snapshot")
        self.freeze_button.setToolTip(
            self.tr("Keep a dated copy of the plan, e.g. before a review")
        )
        self.freeze_button.clicked.connect(lambda: self.freeze_snapshot())
        self.view_button = QPushButton(self.tr("View"))
        self.view_button.setObjectName("view_snapshot")
        self.view_button.clicked.connect(lambda: self.view_snapshot())
        self.remove_snapshot_button = QPushButton(self.tr("Remove"))
        self.remove_snapshot_button.setObjectName("remove_snapshot")
        self.remove_snapshot_button.clicked.connect(self.delete_snapshot)
        title = section_title(self.tr("Snapshots"))
        row = QHBoxLayout()
        row.addWidget(title)
        row.addStretch()
        for button in (self.freeze_button, self.view_button, self.remove_snapshot_button):
            row.addWidget(button)
        snapshots = QWidget()
        column = QVBoxLayout(snapshots)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(row)
        column.addWidget(self.snapshot_table, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setObjectName("reviews_splitter")
        splitter.addWidget(self.reviews)
        splitter.addWidget(snapshots)
        return splitter

    # -- helpers for the tables ----------------------------------------------------------------

    def _figure(self, key: str, kpi: Any) -> str:
        value = getattr(kpi, key)
        return "" if value is None else quantity_text(value)

    def _kpi_colours(self, kpi: Any, key: str) -> Any:
        if key != "progress" or kpi.progress is None:
            return None
        pair = (
            _PROGRESS_GOOD if kpi.progress >= 100 else _PROGRESS_LOW if kpi.progress < 50 else None
        )
        return None if pair is None else (QColor(pair[0]), QColor(pair[1]))

    def _objective_choices(self) -> list[tuple[str, Any]]:
        if self.plan is None:
            return []
        return [(_short(o.statement), o.id) for o in self.plan.objectives]

    def _objective_name(self, record: Any) -> str:
        if self.plan is None or record.objective_id is None:
            return ""
        return next(
            (_short(o.statement) for o in self.plan.objectives if o.id == record.objective_id), ""
        )

    def _new_kpi(self) -> Mapping[str, Any]:
        objective = self.objectives.current_record()
        values: dict[str, Any] = {"metric": self.tr("New KPI")}
        if objective is not None:
            values["objective_id"] = objective.id
        return values

    def _new_goal(self) -> Mapping[str, Any] | None:
        taken = {g.contact_id for g in self.plan.goals} if self.plan else set()
        free = [cid for cid in self._contacts if cid not in taken]
        if not free:
            self.session.error.emit(
                self.tr("Every contact of the account has a goal: add contacts first.")
            )
            return None
        return {"contact_id": free[0], "goal": ""}

    def _new_review(self) -> Mapping[str, Any]:
        reviewer = ""
        if self.account_id is not None:
            try:
                reviewer = self.session.services.accounts.get(self.account_id).owner_name
            except NotFoundError:
                reviewer = ""
        return {"reviewed_on": self._today(), "reviewer": reviewer or self.tr("Reviewer")}

    # -- showing -------------------------------------------------------------------------------

    def show_account(self, account_id: int) -> None:
        if account_id != self.account_id:
            self.plan_id = None
        self.account_id = account_id
        self.reload()

    def _changed(self, kind: str) -> None:
        if kind not in _RELOAD_ON or self.account_id is None:
            return
        if self.isVisible():
            self.reload()
        else:  # another tab is showing: catch up when this one is shown
            self._stale = True

    def showEvent(self, event: QShowEvent) -> None:
        if self._stale:
            self._stale = False
            self.reload()
        super().showEvent(event)

    def reload(self) -> None:
        if self.account_id is None:
            return
        self._stale = False
        services = self.session.services
        try:
            plans = services.plans.plans_for(self.account_id)
        except (DomainError, WorkspaceError):
            plans = []
        if self.plan_id not in {p.id for p in plans}:
            chosen = [p for p in plans if p.year == self._today().year] or plans
            self.plan_id = chosen[0].id if chosen else None
        statuses = plan_status_labels()
        self.year.blockSignals(True)
        self.year.clear()
        for summary in sorted(plans, key=lambda p: p.year, reverse=True):
            text = self.tr("%1 · %2 · %3 %").replace("%1", str(summary.year))
            text = text.replace("%2", statuses.get(summary.status, summary.status))
            self.year.addItem(text.replace("%3", str(summary.score)), summary.id)
        self.year.setCurrentIndex(max(0, self.year.findData(self.plan_id)))
        self.year.blockSignals(False)
        self._members = [(m.name, m.id) for m in services.team.all()]
        self._contacts = self._account_contacts()
        plan = None
        if self.plan_id is not None:
            try:
                plan = services.plans.get(self.plan_id)
            except NotFoundError:
                plan = None
        self._show_plan(plan)

    def _account_contacts(self) -> dict[int, str]:
        assert self.account_id is not None
        services = self.session.services
        ids = [self.account_id]
        accounts = services.accounts.all()
        frontier = [self.account_id]
        while frontier:  # the business units' and subsidiaries' people count too
            frontier = [a.id for a in accounts if a.parent_id in frontier]
            ids += frontier
        return {c.id: c.name for account in ids for c in services.contacts.for_account(account)}

    def _show_plan(self, plan: PlanRecord | None) -> None:
        self.plan = plan
        has_plan = plan is not None
        self.empty.setVisible(not has_plan)
        self.tabs.setVisible(has_plan)
        for widget in (self.year, self.status, self.completeness, self.export_button):
            widget.setEnabled(has_plan)
        self.delete_button.setEnabled(has_plan)
        self.new_button.setEnabled(self.account_id is not None)
        plan_id = plan.id if plan else None
        if plan is None:
            self.completeness.setValue(0)
            self.completeness.setToolTip("")
            for table in self._tables():
                table.set_records(None, [])
            self.whitespace.show_plan(None)
            self.snapshot_model.clear()
            return
        self.status.setCurrentIndex(max(0, self.status.findData(plan.status)))
        score = plan.completeness
        self.completeness.setValue(score.score)
        missing = score.missing
        self.completeness.setToolTip(
            self.tr("Still empty:") + "\n• " + "\n• ".join(missing)
            if missing
            else self.tr("Every section is filled in.")
        )
        prompts = self.session.services.plans.templates.prompts(plan.template)
        for name in ("situation", "vision", "strategies"):
            widget = self.form.fields[name].widget
            widget.setPlaceholderText(prompts.get(name, ""))  # type: ignore[attr-defined]
        revenue = (
            "" if plan.revenue_target is None else money_text(plan.revenue_target, plan.currency)
        )
        self.form.fields["revenue_target"].widget.setPlaceholderText(  # type: ignore[attr-defined]
            self.tr("Amount in %1").replace("%1", plan.currency)
        )
        self.form.set_values(
            {
                "situation": plan.situation,
                "vision": plan.vision,
                "strategies": plan.strategies,
                "revenue_target": revenue,
                "internal_notes": plan.internal_notes,
            }
        )
        for quadrant, table in self.swot.items():
            table.set_records(plan_id, plan.swot_items(quadrant))
            table.set_hint(prompts.get(quadrant, ""))
        self.objectives.set_records(plan_id, plan.objectives)
        self.kpis.set_records(plan_id, plan.kpis)
        self.actions_table.set_records(plan_id, plan.actions)
        self.whitespace.show_plan(plan)
        self.risks.set_records(plan_id, plan.risks)
        self.goals.set_records(plan_id, plan.goals)
        self.reviews.set_records(plan_id, plan.reviews)
        self._show_snapshots(plan.id)

    def _tables(self) -> list[SectionTable]:
        return [
            *self.swot.values(),
            self.objectives,
            self.kpis,
            self.actions_table,
            self.risks,
            self.goals,
            self.reviews,
        ]

    def _show_snapshots(self, plan_id: int) -> None:
        current = self.current_snapshot()
        self.snapshot_model.clear()
        self.snapshot_model.setHorizontalHeaderLabels([self.tr("Taken on"), self.tr("Label")])
        for snapshot in self.session.services.plans.snapshots(plan_id):
            items = row_items([date_text(snapshot.taken_on), snapshot.label])
            items[0].setData(snapshot.id, Qt.ItemDataRole.UserRole)
            self.snapshot_model.appendRow(items)
        self.snapshot_table.resizeColumnsToContents()
        for row in range(self.snapshot_model.rowCount()):
            if self.snapshot_model.item(row, 0).data(Qt.ItemDataRole.UserRole) == current:
                self.snapshot_table.selectRow(row)

    def _year_chosen(self) -> None:
        self.plan_id = self.year.currentData()
        self.reload()

    def show_year(self, year: int) -> bool:
        """Show the account's plan for ``year``; False when there is none."""
        if self.account_id is None:
            return False
        plan_id = self.session.services.plans.find(self.account_id, year)
        if plan_id is None:
            return False
        self.plan_id = plan_id
        self.reload()
        return True

    # -- editing the plan ----------------------------------------------------------------------

    def _update(self, changes: dict[str, Any], label: str) -> str | None:
        if self.plan_id is None:
            return None
        return self.session.run(
            UpdateCommand(label, KIND, partial(self.session.services.plans.update, self.plan_id),
                          changes),
            inline=True,
        )  # fmt: skip

    def _read(self, name: str, value: Any) -> Any:
        if name == "revenue_target":
            text = str(value or "").strip()
            return None if not text else read_decimal(text, name)
        return value

    def _check(self, name: str, value: Any) -> None:
        if name != "revenue_target":
            return
        try:
            self._read(name, value)
        except ValidationError as exc:
            self.form.show_error(name, str(exc))
        else:
            self.form.clear_error(name)

    def _commit(self, name: str, value: Any) -> None:
        try:
            clean = self._read(name, value)
        except ValidationError as exc:
            self.form.show_error(name, str(exc))
            return
        error = self._update({name: clean}, self.tr("Edit plan"))
        if error:
            self.form.show_error(name, error)
        else:
            self.form.clear_error(name)

    def set_status(self, status: str) -> str | None:
        return self._update({"status": status}, self.tr("Change the plan's status"))

    def open_new_plan(self) -> NewPlanDialog | None:
        """The New plan dialog (returned for tests; modal for users)."""
        if self.account_id is None:
            return None
        plans = self.session.services.plans
        taken = [p.year for p in plans.plans_for(self.account_id)]
        dialog = NewPlanDialog(plans.templates.all(), taken, self, today=self._today())
        dialog.accepted.connect(lambda: self.new_plan(dialog.year(), dialog.template()))
        if _interactive():
            dialog.exec()
        return dialog

    def new_plan(self, year: int, template: Any) -> int | None:
        """Start the plan for ``year`` from ``template`` (an id, a name or None: blank)."""
        if self.account_id is None:
            return None
        command = CreatePlanCommand(
            self.tr("New plan %1").replace("%1", str(year)),
            self.session.services.plans,
            self.account_id,
            year,
            template,
        )
        if self.session.run(command) is not None:
            return None
        self.plan_id = command.plan_id
        self.reload()
        return command.plan_id

    def delete_plan(self) -> None:
        if self.plan_id is None or self.plan is None:
            return
        plans = self.session.services.plans
        self.session.run(
            DeleteCommand(
                self.tr("Delete plan %1").replace("%1", str(self.plan.year)),
                KIND,
                partial(plans.delete, self.plan_id),
                plans.restore,
            )
        )

    def open_templates(self) -> TemplatesDialog:
        dialog = TemplatesDialog(self.session, self)
        if _interactive():
            dialog.exec()
        return dialog

    # -- snapshots -----------------------------------------------------------------------------

    def current_snapshot(self) -> int | None:
        index = self.snapshot_table.currentIndex()
        if not index.isValid():
            return None
        value = self.snapshot_model.item(index.row(), 0).data(Qt.ItemDataRole.UserRole)
        return int(value) if value is not None else None

    def freeze_snapshot(self, label: str | None = None) -> int | None:
        """Freeze the plan as it is today, named ``label`` (asked for when None)."""
        if self.plan_id is None:
            return None
        if label is None:
            if not _interactive():
                return None
            text, ok = QInputDialog.getText(
                self,
                self.tr("Freeze snapshot"),
                self.tr("What is it for (e.g. Q3 business review)?"),
            )
            if not ok:
                return None
            label = text
        command = SnapshotCommand(
            self.tr("Freeze snapshot"),
            self.session.services.plans,
            self.plan_id,
            self._today(),
            label,
        )
        if self.session.run(command) is not None:
            return None
        return command.snapshot_id

    def view_snapshot(self, snapshot_id: int | None = None) -> SnapshotDialog | None:
        chosen = snapshot_id if snapshot_id is not None else self.current_snapshot()
        if chosen is None:
            return None
        try:
            frozen = self.session.services.plans.snapshot_document(chosen)
        except DomainError as exc:
            self.session.error.emit(str(exc))
            return None
        found = [s for s in self.session.services.plans.snapshots(frozen.id) if s.id == chosen]
        title = self.tr("Snapshot of %1").replace(
            "%1", date_text(found[0].taken_on) if found else ""
        )
        if found and found[0].label:
            title += f": {found[0].label}"
        dialog = SnapshotDialog(frozen, title, self)
        if _interactive():
            dialog.exec()
        return dialog

    def delete_snapshot(self) -> None:
        chosen = self.current_snapshot()
        if chosen is None:
            return
        self.session.run(
            DeleteSnapshotCommand(self.tr("Remove snapshot"), self.session.services.plans, chosen)
        )

    # -- export ----------------------------------------------------------------------------------

    def export_pdf(self, path: Path | None = None, audience: str | None = None) -> Path | None:
        """The plan as the one-pager PDF: asks client-safe (default) or internal, then where."""
        if self.plan is None or self.account_id is None:
            return None
        if audience is None:
            dialog = ExportPlanDialog(self)
            if _interactive() and not dialog.exec():
                return None
            audience = dialog.audience
        services, account_id, year = self.session.services, self.account_id, self.plan.year
        chosen = "internal" if audience == "internal" else "client"
        name = plan_file_name(services, account_id, year, chosen)
        return sending.export_file(
            self,
            self.session,
            lambda target, overwrite: export_plan_pdf(
                services, account_id, year, target, audience=chosen, overwrite=overwrite
            ),
            name,
            self.tr("Export the account plan"),
            path,
        )


def _short(text: str, most: int = 60) -> str:
    line = " ".join(text.split())
    return line if len(line) <= most else line[: most - 1] + "…"
