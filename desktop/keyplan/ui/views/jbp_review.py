"""The JBP tab's pages for how the plan is going: the scorecard by quarter, the QBPs and MBPs
(derive them, then enter targets, actuals, focus, commentary and actions), and the business
review of a chosen quarter or month (plan against actual with variance, % achieved, RAG)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QGuiApplication, QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from keyplan.domain import jbp as rules
from keyplan.domain.errors import DomainError, ValidationError
from keyplan.domain.periods import parse_period
from keyplan.services.jbp import JbpRecord, PeriodActionDraft
from keyplan.services.jbp_records import BusinessReview, JbpPeriodRecord, ReviewLine
from keyplan.ui.dialogs.base_dialog import BaseDialog
from keyplan.ui.formatting import date_text, read_decimal
from keyplan.ui.labels import count_text
from keyplan.ui.models.record_table_model import Column, choice_column, date_column
from keyplan.ui.operations import WorkspaceSession
from keyplan.ui.views.contact_reports_panel import ReportForm
from keyplan.ui.views.contact_reports_panel import fit_height as _fit_rows
from keyplan.ui.views.jbp_widgets import (
    KIND,
    RAG_BACKGROUNDS,
    DeriveCommand,
    PartActions,
    PartsEditor,
    RemovePartCommand,
    action_status_labels,
    figure_text,
    hint,
    number_parsers,
    percent_text,
    rag_labels,
    update_command,
)
from keyplan.ui.widgets.read_only_table import read_only_table, row_items


def _line_cells(line: ReviewLine) -> list[str]:
    """Measure, unit, target, actual, variance, % achieved, RAG: as a review table shows them."""
    actual = figure_text(line.actual, line.unit, line.is_money)
    if line.actual_source == "months" and actual:
        actual += "*"
    variance = figure_text(line.variance, line.unit, line.is_money)
    if line.variance is not None and line.variance > 0:
        variance = "+" + variance
    return [
        line.name,
        line.unit,
        figure_text(line.target, line.unit, line.is_money),
        actual,
        variance,
        percent_text(line.achieved_percent),
        rag_labels().get(line.rag or "", ""),
    ]


def fit_height(table: Any, rows: int, *, fewest: int, most: int) -> None:
    """Just tall enough for ``rows`` rows, and for a horizontal scroll bar at a narrow width."""
    _fit_rows(table, rows, fewest=fewest, most=most)
    table.setFixedHeight(table.height() + table.horizontalScrollBar().sizeHint().height())


def _colour(item: Any, rag: str | None) -> None:
    if rag:
        item.setBackground(QBrush(QColor(RAG_BACKGROUNDS[rag])))
        item.setForeground(QBrush(QColor("#1F2933")))


# -- scorecard ---------------------------------------------------------------------------------


class ScorecardTab(QWidget):
    """Every measure by quarter: target and actual, the actual on its RAG colour."""

    def __init__(self, session: WorkspaceSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.model = QStandardItemModel(self)
        self.table = read_only_table("scorecard_table", self.model)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addWidget(
            hint(
                self.tr(
                    "Targets and actuals of the QBPs (or of their months, marked *). Green on "
                    "target, amber within 10 %, red beyond. Enter figures under Periods."
                )
            )
        )

    def show_plan(self, record: JbpRecord | None) -> None:
        self.model.clear()
        headers = [self.tr("Measure"), self.tr("Year target")]
        for quarter in range(1, 5):
            headers += [self.tr("Q%1 target").replace("%1", str(quarter)),
                        self.tr("Q%1 actual").replace("%1", str(quarter))]  # fmt: skip
        headers.append(self.tr("To date"))
        self.model.setHorizontalHeaderLabels(headers)
        if record is None:
            return
        numbers = frozenset(range(1, len(headers)))
        for row in self.session.services.jbp.scorecard(record.id):
            measure = row.measure
            cells = [measure.name, figure_text(measure.target, measure.unit, measure.is_money)]
            for line in row.quarters:
                actual = figure_text(line.actual, line.unit, line.is_money)
                if line.actual_source == "months" and actual:
                    actual += "*"
                cells += [figure_text(line.target, line.unit, line.is_money), actual]
            progress = row.progress
            to_date = ""
            if progress.to_date.achieved_percent is not None:
                to_date = percent_text(progress.to_date.achieved_percent)
            cells.append(to_date)
            items = row_items(cells, numbers)
            for index, line in enumerate(row.quarters):
                _colour(items[3 + 2 * index], line.rag)
            _colour(items[-1], progress.to_date.rag.value if progress.to_date.rag else None)
            items[0].setToolTip(
                f"{measure.name} ({measure.unit})" if measure.unit else measure.name
            )
            self.model.appendRow(items)
        self.table.resizeColumnsToContents()


# -- deriving QBPs and MBPs --------------------------------------------------------------------


class DeriveDialog(BaseDialog):
    """How to split the year's targets: evenly or by a seasonality profile."""

    def __init__(self, grain: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.grain = grain
        quarters = grain == rules.Grain.QUARTER
        self.setWindowTitle(self.tr("Derive QBPs") if quarters else self.tr("Derive MBPs"))
        self.how = QComboBox()
        self.how.setObjectName("derive_how")
        self.how.addItem(self.tr("Evenly"), "even")
        self.how.addItem(self.tr("By a seasonality profile"), "profile")
        self.weights = QLineEdit()
        self.weights.setObjectName("derive_weights")
        self.weights.setPlaceholderText(
            self.tr("4 or 12 weights, e.g. 22; 24; 25; 29")
            if quarters
            else self.tr("12 weights, e.g. 11; 5; 7; 7; 7; 7; 7; 8; 10; 9; 12; 10")
        )
        self.weights.setEnabled(False)
        self.how.currentIndexChanged.connect(
            lambda _i: self.weights.setEnabled(self.how.currentData() == "profile")
        )
        self.error = QLabel()
        self.error.setStyleSheet("color: #C62828;")
        self.error.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(self.tr("Split the year's targets"), self.how)
        form.addRow(self.tr("Weights"), self.weights)
        form.addRow(self.error)
        form.addRow(
            hint(
                self.tr(
                    "Money and quantities are split to the last cent (the remainder goes to "
                    "the last period); percentages are carried. Actuals, commentary and "
                    "actions already entered are kept."
                )
            )
        )
        form.addRow(buttons)
        self.profile: list[Decimal] | None = None

    def read_profile(self) -> list[Decimal] | None:
        """The weights typed (separated by ; or spaces), None for an even split."""
        if self.how.currentData() != "profile":
            return None
        parts = [p for p in self.weights.text().replace(";", " ").split() if p]
        weights = [read_decimal(part, "profile") for part in parts]
        rules.profile_weights(self.grain, weights)
        return weights

    def _accept(self) -> None:
        try:
            self.profile = self.read_profile()
        except ValidationError as exc:
            self.error.setText(exc.message)
            return
        self.accept()


# -- periods -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _ValueRow:
    """A measure in one QBP/MBP, for the period's figures table."""

    id: tuple[int, int]  # the period's and the measure's
    name: str
    unit: str
    is_money: bool
    target: Decimal | None
    actual: Decimal | None
    variance: Decimal | None
    achieved_percent: Decimal | None
    rag: str | None


class PeriodsTab(QScrollArea):
    """The plan's QBPs and MBPs: derive them, then edit one at a time."""

    def __init__(self, session: WorkspaceSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.record: JbpRecord | None = None
        self.period_id: int | None = None
        jbps = session.services.jbp

        self.derive_quarters = QPushButton(self.tr("Derive QBPs…"))
        self.derive_quarters.setObjectName("derive_quarters")
        self.derive_quarters.setToolTip(self.tr("Quarterly plans with the year's targets split"))
        self.derive_quarters.clicked.connect(lambda: self.ask_derive(rules.Grain.QUARTER.value))
        self.derive_months = QPushButton(self.tr("Derive MBPs…"))
        self.derive_months.setObjectName("derive_months")
        self.derive_months.setToolTip(self.tr("Monthly plans with the year's targets split"))
        self.derive_months.clicked.connect(lambda: self.ask_derive(rules.Grain.MONTH.value))
        self.period_combo = QComboBox()
        self.period_combo.setObjectName("period_combo")
        self.period_combo.currentIndexChanged.connect(self._period_chosen)
        self.remove_period = QPushButton(self.tr("Remove plan"))
        self.remove_period.setObjectName("remove_period")
        self.remove_period.clicked.connect(self.remove_current_period)
        self.message = QLabel()
        self.message.setObjectName("derive_message")
        self.message.setWordWrap(True)

        def value_cell(key: str) -> Any:
            return lambda r: figure_text(getattr(r, key), r.unit, r.is_money)

        ragged = rag_labels()
        columns = [
            Column("name", self.tr("Measure")),
            Column("unit", self.tr("Unit")),
            Column("target", self.tr("Target"), editor="number", display=value_cell("target")),
            Column("actual", self.tr("Actual"), editor="number", display=value_cell("actual")),
            Column("variance", self.tr("Variance"), display=value_cell("variance")),
            Column(
                "achieved_percent",
                self.tr("% achieved"),
                display=lambda r: percent_text(r.achieved_percent),
            ),
            Column("rag", self.tr("RAG"), display=lambda r: ragged.get(r.rag or "", "")),
        ]
        values = PartActions(
            kind="figure",
            add=lambda _j, _f: 0,
            update=self._value_update,
            delete=jbps.delete_period,  # never offered: figures go with their measure
            restore=jbps.restore_rows,
            parse=number_parsers("target", "actual"),
        )
        self.values = PartsEditor(
            session,
            "period_value",
            columns,
            values,
            add_text="",
            remove_text="",
            first_column="actual",
            background=lambda r, key: RAG_BACKGROUNDS.get(r.rag or "") if key == "rag" else None,
        )
        self.values.add_button.hide()
        self.values.remove_button.hide()

        self.form = ReportForm()
        self.form.setObjectName("period_form")
        self.form.add_text("focus", self.tr("Focus"))
        self.form.add_text("commentary", self.tr("Commentary"))
        self.form.commit.connect(self._commit)

        statuses = action_status_labels()
        action_columns = [
            Column("description", self.tr("Action"), editor="text"),
            Column("owner", self.tr("Owner"), editor="text"),
            date_column("due", self.tr("Due")),
            choice_column("status", self.tr("Status"), statuses),
        ]
        self.actions = PartsEditor(
            session,
            "period_action",
            action_columns,
            PartActions(
                kind="action",
                add=lambda period_id, forced: jbps.add_period_action(
                    period_id, PeriodActionDraft(self.tr("New action")), action_id=forced
                ),
                update=jbps.update_period_action,
                delete=jbps.delete_period_action,
                restore=jbps.restore_rows,
                parse={},
            ),
            add_text=self.tr("Add action"),
            remove_text=self.tr("Remove"),
            first_column="description",
        )

        top = QHBoxLayout()
        top.addWidget(self.derive_quarters)
        top.addWidget(self.derive_months)
        top.addStretch()
        chooser = QHBoxLayout()
        chooser.addWidget(QLabel(self.tr("Plan")))
        chooser.addWidget(self.period_combo, 1)
        chooser.addWidget(self.remove_period)
        self.empty = hint(
            self.tr(
                "No QBPs or MBPs yet: derive them from the year's targets, then enter the "
                "actuals as the quarters and months go by."
            )
        )
        self.rollup_hint = hint(
            self.tr(
                "Where this QBP has no actual of its own, the actuals of its months (MBPs) "
                "roll up into it: see the Scorecard and the Business review."
            )
        )
        self.rollup_hint.setObjectName("rollup_hint")
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addWidget(self.empty)
        layout.addLayout(chooser)
        layout.addWidget(self.rollup_hint)
        layout.addWidget(self.values)
        layout.addWidget(self.form)
        layout.addWidget(QLabel(self.tr("Actions")))
        layout.addWidget(self.actions)
        layout.addStretch()
        self.detail = [self.values, self.form, self.actions, self.period_combo, self.remove_period]
        self.setWidget(box)
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)

    # -- showing -------------------------------------------------------------------------------

    def show_plan(self, record: JbpRecord | None) -> None:
        self.record = record
        periods = record.periods if record else ()
        self.period_combo.blockSignals(True)
        self.period_combo.clear()
        for period in periods:
            kind = self.tr("QBP") if period.kind == "quarter" else self.tr("MBP")
            self.period_combo.addItem(f"{kind} {period.label}", period.id)
        self.period_combo.blockSignals(False)
        enabled = record is not None
        self.derive_quarters.setEnabled(enabled)
        self.derive_months.setEnabled(enabled)
        self.empty.setVisible(enabled and not periods)
        for widget in self.detail:
            widget.setVisible(bool(periods))
        self.rollup_hint.hide()
        if not periods:
            self.period_id = None
            return
        index = self.period_combo.findData(self.period_id)
        self.period_combo.setCurrentIndex(index if index >= 0 else 0)
        self._show_period()

    def select_period(self, code: str) -> bool:
        """Show the QBP/MBP ``code`` ("2026-Q2"); False when there is none."""
        if self.record is None:
            return False
        period = self.record.period(code)
        if period is None:
            return False
        self.period_combo.setCurrentIndex(self.period_combo.findData(period.id))
        return True

    def current_period(self) -> JbpPeriodRecord | None:
        if self.record is None or self.period_id is None:
            return None
        return next((p for p in self.record.periods if p.id == self.period_id), None)

    def _period_chosen(self, _index: int) -> None:
        self._show_period()

    def _show_period(self) -> None:
        data = self.period_combo.currentData()
        if data != self.period_id:
            self.form.reset()
        self.period_id = data
        period = self.current_period()
        if period is None or self.record is None:
            return
        months = rules.months_of_quarter(period.period) if period.kind == "quarter" else ()
        self.rollup_hint.setVisible(any(self.record.period(m) is not None for m in months))
        rows = []
        for measure in self.record.measures:
            value = period.value(measure.id)
            target = value.target if value else None
            actual = value.actual if value else None
            comparison = rules.compare(target, actual, measure.higher_is_better)
            rows.append(
                _ValueRow(
                    (period.id, measure.id),
                    measure.name,
                    measure.unit,
                    measure.is_money,
                    target,
                    actual,
                    comparison.variance,
                    comparison.achieved_percent,
                    comparison.rag.value if comparison.rag else None,
                )
            )
        self.values.show_parts(self.record.id, rows)
        fit_height(self.values.table, len(rows), fewest=3, most=12)
        self.form.set_values({"focus": period.focus, "commentary": period.commentary})
        self.actions.show_parts(period.id, period.actions)
        fit_height(self.actions.table, len(period.actions), fewest=2, most=8)

    # -- editing -------------------------------------------------------------------------------

    def _value_update(
        self, key: tuple[int, int], changes: dict[str, Any], exact: bool = False
    ) -> Any:
        period_id, measure_id = key  # bound when edited: undo finds the same cell
        return self.session.services.jbp.update_period_value(
            period_id, measure_id, changes, exact=exact
        )

    def set_value(self, measure_id: int, key: str, text: str) -> str | None:
        """Type ``text`` into the target or actual cell of a measure (as a user does)."""
        cell = (self.period_id or 0, measure_id)
        row = self.values.model.row_of(cell)  # type: ignore[arg-type]
        index = self.values.model.index(row, self.values.model.column_of(key))
        if self.values.model.setData(index, text):
            return None
        return self.values.model.errors.get((cell, key))  # type: ignore[arg-type]

    def _commit(self, name: str, value: Any) -> None:
        if self.period_id is None:
            return
        error = update_command(
            self.session,
            self.tr("Edit the plan's %1").replace("%1", name),
            partial(self.session.services.jbp.update_period, self.period_id),
            {name: value},
        )
        if error:
            self.form.show_error(name, error)
        else:
            self.form.clear_error(name)

    def remove_current_period(self) -> None:
        period = self.current_period()
        if period is None:
            return
        jbps = self.session.services.jbp
        self.session.run(
            RemovePartCommand(
                self.tr("Remove %1").replace("%1", period.label),
                partial(jbps.delete_period, period.id),
                jbps.restore_rows,
            )
        )

    def ask_derive(self, grain: str) -> DeriveDialog | None:
        """Ask how to split (a dialog), then derive; returns the dialog (for tests)."""
        if self.record is None:
            return None
        dialog = DeriveDialog(grain, self)
        if QGuiApplication.platformName() != "offscreen" and dialog.exec():
            self.derive(grain, dialog.profile)
        return dialog

    def derive(
        self, grain: str, profile: list[Decimal] | None = None, *, confirm: bool = True
    ) -> str | None:
        """Derive the QBPs or MBPs; when targets that hold a value would change, ask first
        (unless ``confirm`` is false). Returns the message shown, None if nothing was done."""
        if self.record is None:
            return None
        jbps, jbp_id = self.session.services.jbp, self.record.id
        try:
            preview = jbps.preview_derivation(jbp_id, grain, profile)
        except DomainError as exc:
            self.message.setText(str(exc))
            return None
        if preview.changed_targets and confirm and not self._confirm(preview.changed_targets):
            return None
        command = DeriveCommand(
            self.tr("Derive QBPs") if grain == "quarter" else self.tr("Derive MBPs"),
            partial(jbps.derive_periods, jbp_id, grain, profile),
            jbps.undo_derivation,
        )
        if self.session.run(command) is not None or command.derivation is None:
            return None
        done = command.derivation
        plans = (
            count_text(len(done.created_periods), "1 QBP created", "%n QBPs created", "jbp")
            if grain == "quarter"
            else count_text(len(done.created_periods), "1 MBP created", "%n MBPs created", "jbp")
        )
        parts = [plans]
        if done.changed_targets:
            parts.append(
                count_text(done.changed_targets, "1 target replaced", "%n targets replaced", "jbp")
            )
        if done.actuals_kept:
            parts.append(count_text(done.actuals_kept, "1 actual kept", "%n actuals kept", "jbp"))
        text = "; ".join(parts) + "."
        self.message.setText(text)
        return text

    def _confirm(self, count: int) -> bool:
        if QGuiApplication.platformName() == "offscreen":
            return True
        question = count_text(
            count,
            "Deriving again replaces 1 period target that already has a value (perhaps "
            "one you edited). Actuals, commentary and actions are kept. Go on?",
            "Deriving again replaces %n period targets that already have a value (perhaps "
            "ones you edited). Actuals, commentary and actions are kept. Go on?",
            "jbp",
        )
        answer = QMessageBox.question(self, self.tr("Derive again"), question)
        return answer == QMessageBox.StandardButton.Yes


# -- the business review -----------------------------------------------------------------------


class BusinessReviewTab(QScrollArea):
    """Plan against actual for a quarter or a month, with the period's commentary and
    actions."""

    def __init__(self, session: WorkspaceSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.record: JbpRecord | None = None
        self.review: BusinessReview | None = None
        self.period_combo = QComboBox()
        self.period_combo.setObjectName("review_period")
        self.period_combo.currentIndexChanged.connect(lambda _i: self._show_review())
        self.model = QStandardItemModel(self)
        self.table = read_only_table("review_table", self.model)
        self.summary = QLabel()
        self.summary.setObjectName("review_summary")
        self.summary.setWordWrap(True)
        self.focus = QLabel()
        self.focus.setObjectName("review_focus")
        self.focus.setWordWrap(True)
        self.commentary = QLabel()
        self.commentary.setObjectName("review_commentary")
        self.commentary.setWordWrap(True)
        self.commentary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.actions = QLabel()
        self.actions.setObjectName("review_actions")
        self.actions.setWordWrap(True)
        chooser = QHBoxLayout()
        chooser.addWidget(QLabel(self.tr("Quarter or month")))
        chooser.addWidget(self.period_combo, 1)
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.addLayout(chooser)
        layout.addWidget(self.summary)
        layout.addWidget(self.table)
        layout.addWidget(
            hint(self.tr("* rolled up from the months' actuals (MBPs) of the quarter so far."))
        )
        for title, label in (
            (self.tr("Focus"), self.focus),
            (self.tr("Commentary"), self.commentary),
            (self.tr("Actions"), self.actions),
        ):
            heading = QLabel(f"<b>{title}</b>")
            layout.addWidget(heading)
            layout.addWidget(label)
        layout.addStretch()
        self.setWidget(box)
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)

    def show_plan(self, record: JbpRecord | None) -> None:
        year_changed = self.record is None or record is None or record.year != self.record.year
        self.record = record
        if record is None:
            self.period_combo.clear()
            self.model.clear()
            return
        if year_changed or self.period_combo.count() == 0:
            self.period_combo.blockSignals(True)
            self.period_combo.clear()
            codes = rules.period_codes(record.year, "quarter") + rules.period_codes(
                record.year, "month"
            )
            for code in codes:
                self.period_combo.addItem(parse_period(code).label, code)
            self.period_combo.setCurrentIndex(0)
            self.period_combo.blockSignals(False)
        self._show_review()

    def choose(self, code: str) -> None:
        index = self.period_combo.findData(code)
        if index >= 0:
            self.period_combo.setCurrentIndex(index)

    def _show_review(self) -> None:
        code = self.period_combo.currentData()
        if self.record is None or not code:
            return
        review = self.session.services.jbp.business_review(self.record.id, code)
        self.review = review
        self.model.clear()
        self.model.setHorizontalHeaderLabels(
            [
                self.tr("Measure"),
                self.tr("Unit"),
                self.tr("Plan"),
                self.tr("Actual"),
                self.tr("Variance"),
                self.tr("% achieved"),
                self.tr("RAG"),
            ]
        )
        for line in review.lines:
            items = row_items(_line_cells(line), frozenset({2, 3, 4, 5}))
            _colour(items[6], line.rag)
            if line.actual_source == "months":
                items[3].setToolTip(
                    count_text(
                        line.months_reported,
                        "Rolled up from 1 month",
                        "Rolled up from %n months",
                        "jbp",
                    )
                )
            self.model.appendRow(items)
        self.table.resizeColumnsToContents()
        fit_height(self.table, len(review.lines), fewest=3, most=14)
        rags = [line.rag for line in review.lines if line.rag]
        if not review.planned:
            self.summary.setText(
                self.tr("No plan for %1 yet: derive the QBPs or MBPs under Periods.").replace(
                    "%1", review.label
                )
            )
        else:
            self.summary.setText(
                self.tr("%1: %2 on target, %3 close, %4 behind.")
                .replace("%1", review.label)
                .replace("%2", str(rags.count("green")))
                .replace("%3", str(rags.count("amber")))
                .replace("%4", str(rags.count("red")))
            )
        self.focus.setText(review.focus or self.tr("—"))
        self.commentary.setText(review.commentary or self.tr("—"))
        statuses = action_status_labels()
        lines = [
            " · ".join(
                part
                for part in (
                    action.description,
                    action.owner,
                    date_text(action.due),
                    statuses.get(action.status, action.status),
                )
                if part
            )
            for action in review.actions
        ]
        self.actions.setText("\n".join(lines) or self.tr("—"))


__all__ = ["KIND", "BusinessReviewTab", "DeriveDialog", "PeriodsTab", "ScorecardTab"]
