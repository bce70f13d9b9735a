"""Projects of an account: the client work its estimates price."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from keyplan.domain.errors import DomainError
from keyplan.services.estimate_records import ProjectDraft, ProjectRecord
from keyplan.services.projects import ProjectStatus
from keyplan.services.workspace import WorkspaceError
from keyplan.ui.commands import CreateCommand, DeleteCommand, UpdateCommand
from keyplan.ui.formatting import date_text, money_text, quantity_text
from keyplan.ui.models.record_table_model import Column, RecordTableModel, choice_column
from keyplan.ui.operations import WorkspaceSession
from keyplan.ui.widgets.form import Form
from keyplan.ui.widgets.record_delegate import RecordDelegate


def status_labels() -> dict[str, str]:
    labels = {
        ProjectStatus.BRIEFED: "Briefed",
        ProjectStatus.ESTIMATING: "Estimating",
        ProjectStatus.APPROVED: "Approved",
        ProjectStatus.IN_PROGRESS: "In progress",
        ProjectStatus.DELIVERED: "Delivered",
        ProjectStatus.CLOSED: "Closed",
        ProjectStatus.CANCELLED: "Cancelled",
    }
    return {
        key.value: QCoreApplication.translate("ProjectStatus", text) for key, text in labels.items()
    }


class ProjectsPanel(QWidget):
    def __init__(self, session: WorkspaceSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.account_id: int | None = None
        self.current_id: int | None = None
        statuses = status_labels()
        self.model = RecordTableModel(
            [
                Column("code", self.tr("Code"), editor="text"),
                Column("name", self.tr("Project"), editor="text"),
                choice_column("status", self.tr("Status"), statuses),
                Column("po_number", self.tr("PO number"), editor="text"),
                Column(
                    "start_date",
                    self.tr("Start"),
                    editor="text",
                    display=lambda p: date_text(p.start_date),
                ),
                Column(
                    "end_date",
                    self.tr("End"),
                    editor="text",
                    display=lambda p: date_text(p.end_date),
                ),
            ],
            self,
        )
        self.model.on_edit = self._edit
        self.table = QTableView()
        self.table.setObjectName("projects_table")
        self.table.setModel(self.model)
        self.table.setItemDelegate(RecordDelegate(self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().hide()
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)

        self.form = Form()
        self.form.add_text("brief", self.tr("Brief (as received)"))
        self.form.add_text("scope", self.tr("Scope"))
        self.form.add_label("budget", self.tr("Cost: estimate vs actual"))
        self.form.fields["budget"].widget.setWordWrap(True)  # type: ignore[attr-defined]
        self.form.commit.connect(self._commit)
        self.form.setEnabled(False)

        add = QPushButton(self.tr("Add project"))
        add.setObjectName("add_project")
        add.clicked.connect(self.add_project)
        delete = QPushButton(self.tr("Archive project"))
        delete.setObjectName("delete_project")
        delete.clicked.connect(self.delete_current)
        buttons = QHBoxLayout()
        buttons.addWidget(QLabel(self.tr("Projects")))
        buttons.addStretch()
        buttons.addWidget(add)
        buttons.addWidget(delete)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setObjectName("projects_splitter")
        splitter.addWidget(self.table)
        splitter.addWidget(self.form)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(splitter, 1)
        session.changed.connect(
            lambda kind: (
                self.reload() if kind in ("project", "workspace", "actual", "estimate") else None
            )
        )

    def show_account(self, account_id: int) -> None:
        if account_id != self.account_id:
            self.current_id = None
        self.account_id = account_id
        self.reload()

    def reload(self) -> None:
        if self.account_id is None:
            return
        self.model.set_records(self.session.services.projects.for_account(self.account_id))
        self.table.resizeColumnsToContents()
        row = self.model.row_of(self.current_id) if self.current_id else -1
        if row >= 0:
            self._show(self.model.record(row))

    def _current_changed(self, current: Any, _previous: Any) -> None:
        if current.isValid():
            self._show(self.model.record(current.row()))

    def _show(self, project: ProjectRecord) -> None:
        if project.id != self.current_id:
            self.form.reset()
        self.current_id = project.id
        self.form.setEnabled(True)
        self.form.set_values(
            {"brief": project.brief, "scope": project.scope, "budget": self._budget(project.id)}
        )

    def _budget(self, project_id: int) -> str:
        """Per currency: the estimated cost of the project's estimates against what was booked."""
        try:
            variances = self.session.services.actuals.project_variance(project_id)
        except (DomainError, WorkspaceError):
            return ""
        if not variances:
            return self.tr("No estimates yet.")
        rows = []
        for variance in variances:
            figures = variance.figures
            used = figures.burn_percent
            rows.append(
                self.tr("%1: %2 estimated, %3 actual%4")
                .replace("%1", variance.currency)
                .replace("%2", money_text(figures.estimated_cost, variance.currency))
                .replace("%3", money_text(figures.actual_cost, variance.currency))
                .replace(
                    "%4",
                    ""
                    if used is None
                    else self.tr(" (%1 % used)").replace("%1", quantity_text(used)),
                )
            )
        return "\n".join(rows)

    def _update(self, project_id: int, label: str, changes: dict[str, Any]) -> str | None:
        return self.session.run(
            UpdateCommand(
                label,
                "project",
                partial(self.session.services.projects.update, project_id),
                changes,
            ),
            inline=True,
        )

    def _edit(self, project: ProjectRecord, key: str, value: Any) -> str | None:
        if key in ("start_date", "end_date"):
            text = str(value).strip()
            try:
                value = date.fromisoformat(text) if text else None
            except ValueError:
                return self.tr("Enter a date as YYYY-MM-DD, or leave it empty.")
        return self._update(
            project.id, self.tr("Edit project %1").replace("%1", project.name), {key: value}
        )

    def _commit(self, name: str, value: Any) -> None:
        if self.current_id is None:
            return
        error = self._update(self.current_id, self.tr("Edit project"), {name: value})
        if error:
            self.form.show_error(name, error)
        else:
            self.form.clear_error(name)

    def add_project(self) -> int | None:
        if self.account_id is None:
            return None
        account_id, projects = self.account_id, self.session.services.projects
        command = CreateCommand(
            self.tr("Add project"),
            "project",
            lambda forced_id: projects.create(
                account_id, ProjectDraft(name=self.tr("New project")), project_id=forced_id
            ),
            projects.purge,
        )
        if self.session.run(command) is None and command.entity_id is not None:
            self.current_id = command.entity_id
            index = self.model.index(
                self.model.row_of(command.entity_id), self.model.column_of("name")
            )
            self.table.setCurrentIndex(index)
            self.table.edit(index)
            return command.entity_id
        return None

    def delete_current(self) -> None:
        if self.current_id is None:
            return
        projects = self.session.services.projects
        project_id = self.current_id
        self.session.run(
            DeleteCommand(
                self.tr("Archive project"),
                "project",
                partial(projects.delete, project_id),
                projects.restore,
            )
        )
        self.current_id = None
        self.form.setEnabled(False)
