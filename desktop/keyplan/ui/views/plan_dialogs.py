"""The account plan's dialogs: New plan (year and template), Export PDF (client-safe or
internal), Templates (the user's own, edited as validated JSON) and a frozen snapshot shown
read-only."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import partial
from html import escape
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from keyplan.domain.errors import ValidationError
from keyplan.domain.plans import template_from_json
from keyplan.services.plan_records import PlanRecord, TemplateRecord
from keyplan.ui.commands import CreateCommand, DeleteCommand, UpdateCommand
from keyplan.ui.dialogs.base_dialog import BaseDialog
from keyplan.ui.formatting import date_text, money_text, quantity_text
from keyplan.ui.operations import WorkspaceSession
from keyplan.ui.views.plan_labels import (
    action_status_labels,
    objective_status_labels,
    plan_status_labels,
    swot_labels,
    whitespace_labels,
)

TEMPLATE_KIND = "plan_template"
_ERROR_STYLE = "color: #C62828;"


class NewPlanDialog(BaseDialog):
    """A year (the first one without a plan) and a template (or a blank plan)."""

    def __init__(
        self,
        templates: Sequence[TemplateRecord],
        taken_years: Sequence[int],
        parent: QWidget | None = None,
        *,
        today: date | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("New account plan"))
        year = (today or date.today()).year
        while year in taken_years:
            year += 1
        self.year_edit = QSpinBox()
        self.year_edit.setObjectName("plan_year")
        self.year_edit.setRange(1990, 2200)
        self.year_edit.setValue(year)
        self.template_combo = QComboBox()
        self.template_combo.setObjectName("plan_template")
        for record in templates:
            text = (
                record.name if record.builtin else self.tr("%1 (yours)").replace("%1", record.name)
            )
            self.template_combo.addItem(text, record.id if record.id is not None else record.name)
        self.template_combo.addItem(self.tr("Blank plan"), None)
        self.description = QLabel()
        self.description.setWordWrap(True)
        self.description.setStyleSheet("color: palette(mid);")
        self._descriptions = [r.content.description for r in templates] + [
            self.tr("Start with empty sections.")
        ]
        self.template_combo.currentIndexChanged.connect(
            lambda i: self.description.setText(self._descriptions[i] if i >= 0 else "")
        )
        self.description.setText(self._descriptions[0])
        self.error = QLabel()
        self.error.setObjectName("new_plan_error")
        self.error.setStyleSheet(_ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()
        self.taken = set(taken_years)
        form = QFormLayout()
        form.addRow(self.tr("Year"), self.year_edit)
        form.addRow(self.tr("Template"), self.template_combo)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.description)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def year(self) -> int:
        return self.year_edit.value()

    def template(self) -> Any:
        return self.template_combo.currentData()

    def accept(self) -> None:
        if self.year() in self.taken:
            self.error.setText(
                self.tr("There is already a plan for %1.").replace("%1", str(self.year()))
            )
            self.error.show()
            return
        super().accept()


class ExportPlanDialog(BaseDialog):
    """Client-safe (the default) or internal."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Export the plan as PDF"))
        self.client = QRadioButton(
            self.tr("Client-safe: no risks, ratings, relationship goals or internal notes")
        )
        self.client.setObjectName("audience_client")
        self.client.setChecked(True)
        self.internal = QRadioButton(self.tr("Internal: everything (marked INTERNAL)"))
        self.internal.setObjectName("audience_internal")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.client)
        layout.addWidget(self.internal)
        layout.addWidget(buttons)

    @property
    def audience(self) -> str:
        return "internal" if self.internal.isChecked() else "client"


class TemplatesDialog(BaseDialog):
    """The templates: built-in ones read-only, the user's own editable as JSON (validated
    as typed; saved, undoably, only when valid)."""

    def __init__(self, session: WorkspaceSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle(self.tr("Plan templates"))
        self.resize(820, 560)
        self.list = QListWidget()
        self.list.setObjectName("templates_list")
        self.list.currentRowChanged.connect(lambda _row: self._show_current())
        self.name = QLineEdit()
        self.name.setObjectName("template_name")
        self.name.editingFinished.connect(self._save_name)
        self.json = QPlainTextEdit()
        self.json.setObjectName("template_json")
        self.json.textChanged.connect(self._check)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: palette(mid);")
        self.error = QLabel()
        self.error.setObjectName("template_error")
        self.error.setStyleSheet(_ERROR_STYLE)
        self.error.setWordWrap(True)
        self.copy_button = QPushButton(self.tr("Copy as my template"))
        self.copy_button.setObjectName("copy_template")
        self.copy_button.clicked.connect(lambda: self.copy_current())
        self.save_button = QPushButton(self.tr("Save"))
        self.save_button.setObjectName("save_template")
        self.save_button.clicked.connect(self.save_json)
        self.delete_button = QPushButton(self.tr("Delete"))
        self.delete_button.setObjectName("delete_template")
        self.delete_button.clicked.connect(self.delete_current)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        right = QWidget()
        column = QVBoxLayout(right)
        column.setContentsMargins(0, 0, 0, 0)
        form = QFormLayout()
        form.addRow(self.tr("Name"), self.name)
        column.addLayout(form)
        column.addWidget(self.note)
        column.addWidget(self.json, 1)
        column.addWidget(self.error)
        row = QHBoxLayout()
        for button in (self.copy_button, self.save_button, self.delete_button):
            row.addWidget(button)
        row.addStretch()
        column.addLayout(row)
        splitter = QSplitter()
        splitter.addWidget(self.list)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(close)
        self.records: list[TemplateRecord] = []
        session.changed.connect(self._changed)
        self.reload()

    # -- data ------------------------------------------------------------------------------

    def reload(self, select: int | str | None = None) -> None:
        current = self.current()
        wanted = select if select is not None else (current.id or current.name if current else None)
        self.records = self.session.services.plans.templates.all()
        self.list.blockSignals(True)
        self.list.clear()
        row = 0
        for index, record in enumerate(self.records):
            label = (
                record.name
                if not record.builtin
                else self.tr("%1 (built-in)").replace("%1", record.name)
            )
            self.list.addItem(QListWidgetItem(label))
            if wanted is not None and wanted in (record.id, record.name):
                row = index
        self.list.blockSignals(False)
        self.list.setCurrentRow(row)
        self._show_current()

    def _changed(self, kind: str) -> None:
        if kind in (TEMPLATE_KIND, "workspace"):
            self.reload()

    def current(self) -> TemplateRecord | None:
        row = self.list.currentRow()
        return self.records[row] if 0 <= row < len(self.records) else None

    def _show_current(self) -> None:
        record = self.current()
        editable = record is not None and not record.builtin
        self.name.setText(record.name if record else "")
        self.name.setReadOnly(not editable)
        self.json.blockSignals(True)
        self.json.setPlainText(record.json if record else "")
        self.json.blockSignals(False)
        self.json.setReadOnly(not editable)
        self.note.setText(
            self.tr("Built-in templates cannot be changed: copy one to make it yours.")
            if record is not None and record.builtin
            else self.tr(
                "Prompts show in empty sections of a new plan; the rest is its starting "
                'content. A KPI unit "{currency}" becomes the plan\'s currency.'
            )
        )
        self.save_button.setEnabled(editable)
        self.delete_button.setEnabled(editable)
        self.error.clear()

    # -- editing ---------------------------------------------------------------------------

    def _check(self) -> bool:
        try:
            template_from_json(self.json.toPlainText())
        except ValidationError as exc:
            self.error.setText(str(exc))
            return False
        self.error.clear()
        return True

    def copy_current(self, name: str | None = None) -> int | None:
        record = self.current()
        if record is None:
            return None
        templates = self.session.services.plans.templates
        taken = {r.name.casefold() for r in self.records}
        base = name or self.tr("%1 (my copy)").replace("%1", record.name)
        chosen, number = base, 1
        while name is None and chosen.casefold() in taken:
            number += 1
            chosen = f"{base} {number}"
        command = CreateCommand(
            self.tr("Copy template"),
            TEMPLATE_KIND,
            lambda forced: templates.create(chosen, record.content, template_id=forced),
            templates.purge,
        )
        error = self.session.run(command, inline=True)
        if error:
            self.error.setText(error)
            return None
        self.reload(select=command.entity_id)
        return command.entity_id

    def _update(self, changes: dict[str, Any]) -> str | None:
        record = self.current()
        if record is None or record.id is None:
            return None
        return self.session.run(
            UpdateCommand(
                self.tr("Edit template %1").replace("%1", record.name),
                TEMPLATE_KIND,
                partial(self.session.services.plans.templates.update, record.id),
                changes,
            ),
            inline=True,
        )

    def _save_name(self) -> None:
        record = self.current()
        if record is None or record.builtin or self.name.text().strip() == record.name:
            return
        error = self._update({"name": self.name.text()})
        self.error.setText(error or "")

    def save_json(self) -> bool:
        """Save the JSON when it is valid; otherwise say what is wrong and keep the text."""
        if not self._check():
            return False
        error = self._update({"content": self.json.toPlainText()})
        if error:
            self.error.setText(error)
            return False
        return True

    def delete_current(self) -> None:
        record = self.current()
        if record is None or record.id is None:
            return
        templates = self.session.services.plans.templates
        self.session.run(
            DeleteCommand(
                self.tr("Delete template %1").replace("%1", record.name),
                TEMPLATE_KIND,
                partial(templates.delete, record.id),
                templates.restore,
            )
        )


class SnapshotDialog(BaseDialog):
    """A frozen plan, read-only."""

    def __init__(self, plan: PlanRecord, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(760, 640)
        self.browser = QTextBrowser()
        self.browser.setObjectName("snapshot_view")
        self.browser.setHtml(snapshot_html(plan, title))
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser, 1)
        layout.addWidget(close)


def snapshot_html(plan: PlanRecord, title: str) -> str:
    """The frozen plan as simple HTML (every section, internal parts included)."""

    def e(text: str) -> str:
        return escape(text).replace("\n", "<br>")

    def section(name: str, body: str) -> str:
        return f"<h3>{e(name)}</h3>{body}" if body else ""

    def items(texts: Sequence[str]) -> str:
        return "<ul>" + "".join(f"<li>{e(t)}</li>" for t in texts) + "</ul>" if texts else ""

    t = _translate
    objectives = objective_status_labels()
    actions = action_status_labels()
    cells = whitespace_labels()
    parts = [
        f"<h2>{e(title)}</h2>",
        f"<p><b>{e(plan.account_name)}</b> · {plan.year} · "
        f"{e(plan_status_labels().get(plan.status, plan.status))}</p>",
    ]
    if plan.revenue_target is not None:
        parts.append(
            f"<p>{e(t('Revenue target'))}: {plan.currency} "
            f"{e(money_text(plan.revenue_target, plan.currency))}</p>"
        )
    parts.append(section(t("Situation"), f"<p>{e(plan.situation)}</p>" if plan.situation else ""))
    parts.append(section(t("Vision"), f"<p>{e(plan.vision)}</p>" if plan.vision else ""))
    parts.append(
        section(t("Strategies"), items([s for s in plan.strategies.splitlines() if s.strip()]))
    )
    for key, name in swot_labels().items():
        parts.append(section(name, items([i.text for i in plan.swot_items(key)])))
    rows = []
    for objective in plan.objectives:
        rows.append(
            f"<li><b>{e(objective.statement)}</b> — "
            f"{e(objectives.get(objective.status, objective.status))}"
            + items(
                [
                    f"{k.metric}: {_number(k.actual)} / {_number(k.target)} {k.unit}".strip()
                    for k in plan.kpis_of(objective.id)
                ]
            )
            + "</li>"
        )
    parts.append(section(t("Objectives and KPIs"), f"<ul>{''.join(rows)}</ul>" if rows else ""))
    parts.append(
        section(
            t("Actions"),
            items(
                [
                    f"{a.description} — {a.owner_name or '—'}, {date_text(a.due) or '—'}, "
                    f"{actions.get(a.status, a.status)}"
                    for a in plan.actions
                ]
            ),
        )
    )
    if plan.services and plan.segments:
        head = "".join(f"<th>{e(s.label)}</th>" for s in plan.segments)
        body = "".join(
            f"<tr><th align='left'>{e(r.label)}</th>"
            + "".join(
                f"<td>{e(cells.get(plan.cell_status(r.id, s.id), ''))}</td>" for s in plan.segments
            )
            + "</tr>"
            for r in plan.services
        )
        parts.append(
            section(
                t("Whitespace"),
                f"<table border='1' cellpadding='3' cellspacing='0'><tr><th></th>{head}</tr>"
                f"{body}</table>",
            )
        )
    parts.append(
        section(
            t("Risks"),
            items(
                [
                    f"{r.description} ({r.likelihood} × {r.impact} = {r.score})"
                    + (f": {r.mitigation}" if r.mitigation else "")
                    for r in plan.risks
                ]
            ),
        )
    )
    parts.append(
        section(
            t("Relationship goals"),
            items([f"{g.contact_name}: {g.goal}" for g in plan.goals]),
        )
    )
    parts.append(
        section(
            t("Reviews"),
            items(
                [f"{date_text(r.reviewed_on)} {r.reviewer} {r.notes}".strip() for r in plan.reviews]
            ),
        )
    )
    parts.append(
        section(
            t("Internal notes"), f"<p>{e(plan.internal_notes)}</p>" if plan.internal_notes else ""
        )
    )
    return "".join(parts)


def _number(value: Any) -> str:
    return "—" if value is None else quantity_text(value)


def _translate(text: str) -> str:
    return QCoreApplication.translate("SnapshotDialog", text)
