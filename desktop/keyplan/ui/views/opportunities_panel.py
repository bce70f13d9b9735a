"""Opportunities tab of an account: the list, and an editor for the one selected.

Every field saves itself when its edit is finished and is one undo step; a value the service
refuses is shown in red under its field and nothing is saved. Choosing another stage moves the
opportunity (the day is recorded in its stage history, which the editor lists). "Create
estimate…" prices the opportunity: a draft estimate in its currency, titled after it, in a new
project (or one the user picks), linked to it, and opened (``open_estimate``).

``OpportunityTableModel``, ``opportunity_table`` and the label functions are shared with the
pipeline page.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from keyplan.domain import pipeline as calc
from keyplan.domain.errors import NotFoundError, ValidationError
from keyplan.services.estimate_records import EstimateFilter
from keyplan.services.opportunities import EstimateLink, OpportunityDraft, OpportunityRecord
from keyplan.services.workspace import WorkspaceServices
from keyplan.ui.dialogs.base_dialog import BaseDialog
from keyplan.ui.formatting import date_text, money_text, percent_text, quantity_text, read_decimal
from keyplan.ui.labels import count_text, estimate_status_label, fill
from keyplan.ui.models.record_table_model import (
    RECORD_ID_ROLE,
    SORT_ROLE,
    Column,
    RecordTableModel,
    ValueSortProxy,
)
from keyplan.ui.operations import ServiceCommand, WorkspaceSession
from keyplan.ui.opportunity_commands import (
    CreateEstimateCommand,
    MoveStageCommand,
    create_command,
    delete_command,
    money_command,
    update_command,
)
from keyplan.ui.views.account_overview import currency_choices
from keyplan.ui.widgets.form import Form
from keyplan.ui.widgets.rag_badge import RAG_COLOURS

Index = QModelIndex | QPersistentModelIndex
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
MONEY_KEYS = frozenset({"amount", "weighted"})
NUMBER_KEYS = frozenset({*MONEY_KEYS, "probability"})
WIDE_KEYS = frozenset({"name", "account_name", "next_step"})
LATE_BRUSH = QBrush(QColor(RAG_COLOURS["red"]))
STAGES = tuple(stage.value for stage in calc.Stage)
NARROW = 720  # pixels: below it the editor sits under the list
RELOAD_KINDS = frozenset({"opportunity", "estimate", "project", "account", "team", "workspace"})


def _t(text: str) -> str:
    return QCoreApplication.translate("labels", text)


def stage_labels() -> dict[str, str]:
    """The stages in pipeline order."""
    return {
        calc.Stage.IDENTIFIED: _t("Identified"),
        calc.Stage.QUALIFIED: _t("Qualified"),
        calc.Stage.PROPOSAL: _t("Proposal"),
        calc.Stage.NEGOTIATION: _t("Negotiation"),
        calc.Stage.WON: _t("Won"),
        calc.Stage.LOST: _t("Lost"),
    }


def type_labels() -> dict[str, str]:
    return {
        calc.OpportunityType.NEW_BUSINESS: _t("New business"),
        calc.OpportunityType.UPSELL: _t("Upsell"),
        calc.OpportunityType.CROSS_SELL: _t("Cross-sell"),
        calc.OpportunityType.RENEWAL: _t("Renewal"),
        calc.OpportunityType.EXPANSION: _t("Expansion"),
    }


def stage_since(record: OpportunityRecord) -> date | None:
    """The day the opportunity entered the stage it is in."""
    return record.stages[-1][1] if record.stages else None


def is_late(record: OpportunityRecord, today: date) -> bool:
    """Still open after its expected close."""
    close = record.expected_close
    return close is not None and close < today and calc.Stage(record.stage).is_open


def opportunity_columns(*, with_account: bool) -> list[Column]:
    """The columns of an opportunities table (the pipeline page adds the account)."""
    stages, types = stage_labels(), type_labels()
    tr = QCoreApplication.translate
    columns = [
        Column("account_name", tr("Opportunities", "Account")),
        Column("name", tr("Opportunities", "Opportunity")),
        Column("kind", tr("Opportunities", "Type"), display=lambda r: types.get(r.kind, r.kind)),
        Column("stage", tr("Opportunities", "Stage"), display=lambda r: stages.get(r.stage, "")),
        Column(
            "stage_since",
            tr("Opportunities", "Since"),
            display=lambda r: date_text(stage_since(r)),
        ),
        Column(
            "amount",
            tr("Opportunities", "Amount"),
            display=lambda r: money_text(r.amount, r.currency),
        ),
        Column("currency", tr("Opportunities", "Currency")),
        Column(
            "probability",
            tr("Opportunities", "Prob."),
            display=lambda r: percent_text(r.probability),
        ),
        Column(
            "weighted",
            tr("Opportunities", "Weighted"),
            display=lambda r: money_text(r.weighted, r.currency),
        ),
        Column(
            "expected_close",
            tr("Opportunities", "Expected close"),
            display=lambda r: date_text(r.expected_close),
        ),
        Column("owner_name", tr("Opportunities", "Owner")),
        Column("next_step", tr("Opportunities", "Next step")),
    ]
    return columns if with_account else [c for c in columns if c.key != "account_name"]


def currency_totals(records: Sequence[OpportunityRecord]) -> list[tuple[str, Decimal, Decimal]]:
    """(currency, amount, weighted) per currency, by code: currencies are never added."""
    sums: dict[str, tuple[Decimal, Decimal]] = {}
    for record in records:
        amount, weighted = sums.get(record.currency, (Decimal(0), Decimal(0)))
        sums[record.currency] = (amount + record.amount, weighted + record.weighted)
    return [(code, *sums[code]) for code in sorted(sums)]


class OpportunityTableModel(RecordTableModel):
    """Money right-aligned, stages sorted in pipeline order, a missed close date in red."""

    today: date | None = None  # None: the real day

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        record: OpportunityRecord = self.records[index.row()]
        key = self.columns[index.column()].key
        if role == Qt.ItemDataRole.TextAlignmentRole and key in NUMBER_KEYS:
            return RIGHT
        if role in (SORT_ROLE, Qt.ItemDataRole.EditRole):
            if key == "stage":
                return STAGES.index(record.stage) if role == SORT_ROLE else record.stage
            if key == "stage_since":
                return stage_since(record)
        late = key == "expected_close" and is_late(record, self.today or date.today())
        if role == Qt.ItemDataRole.ForegroundRole and late:
            return LATE_BRUSH
        if role == Qt.ItemDataRole.ToolTipRole:
            if late:
                return QCoreApplication.translate("Opportunities", "Past its expected close")
            if key == "probability" and not record.probability_set:
                return QCoreApplication.translate("Opportunities", "The stage's default")
            if key in WIDE_KEYS:
                return getattr(record, key) or None
        return super().data(index, role)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.TextAlignmentRole
            and self.columns[section].key in NUMBER_KEYS
        ):
            return RIGHT
        return super().headerData(section, orientation, role)


def opportunity_table(name: str, model: OpportunityTableModel, parent: QWidget) -> QTableView:
    proxy = ValueSortProxy(parent)
    proxy.setSourceModel(model)
    proxy.setSortRole(SORT_ROLE)
    table = QTableView()
    table.setObjectName(name)
    table.setModel(proxy)
    table.setSortingEnabled(True)
    table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # the service's order until clicked
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
    table.setWordWrap(False)
    table.horizontalHeader().setStretchLastSection(True)
    table.horizontalHeader().setResizeContentsPrecision(100)
    return table


def fit_columns(table: QTableView, model: RecordTableModel, widest: int = 260) -> None:
    table.resizeColumnsToContents()
    for column, spec in enumerate(model.columns):
        if spec.key in WIDE_KEYS:  # a long name must not push the money off the screen
            table.setColumnWidth(column, min(table.columnWidth(column), widest))


def record_at(table: QTableView, model: RecordTableModel, index: QModelIndex) -> Any:
    """The record of a (proxy) index of ``table``, or None."""
    if not index.isValid():
        return None
    row = model.row_of(index.data(RECORD_ID_ROLE))
    return model.record(row) if row >= 0 else None


class CreateEstimateDialog(BaseDialog):
    """Where the estimate goes (a new project named after the opportunity, or one of the
    account's projects) and its title; the currency is the opportunity's."""

    def __init__(
        self,
        services: WorkspaceServices,
        opportunity: OpportunityRecord,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Create estimate"))
        projects = services.projects.for_account(opportunity.account_id)
        self.form = Form()
        new_project = fill(self.tr("New project “%1”"), opportunity.name)
        self.form.add_choice(
            "project_id",
            self.tr("Project"),
            [(new_project, None), *((p.name, p.id) for p in projects)],
        )
        self.form.add_line("title", self.tr("Title"))
        self.form.add_label("currency", self.tr("Currency"))
        self.form.set_values(
            {"project_id": None, "title": opportunity.name, "currency": opportunity.currency}
        )
        self.form.check.connect(lambda name, _v: self.form.clear_error(name))
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.form)
        layout.addWidget(self.buttons)
        self.resize(440, self.sizeHint().height())

    def values(self) -> tuple[int | None, str]:
        """(project id or None for a new project, title)."""
        return (
            self.form.fields["project_id"].read(),
            str(self.form.fields["title"].read()).strip(),
        )

    def accept(self) -> None:
        if not self.values()[1]:
            self.form.show_error("title", self.tr("Give the estimate a title."))
            return
        super().accept()


class OpportunitiesPanel(QWidget):
    open_estimate = Signal(int)  # the revision id of the estimate to open

    def __init__(self, session: WorkspaceSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.account_id: int | None = None
        self.current_id: int | None = None
        self.account_currency = ""
        self.model = OpportunityTableModel(
            [
                c
                for c in opportunity_columns(with_account=False)
                if c.key in ("name", "stage", "amount", "currency", "weighted", "expected_close")
            ],
            self,
        )
        self.table = opportunity_table("opportunities_table", self.model, self)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)

        f = self.form = Form()
        f.add_line("name", self.tr("Name"))
        f.add_choice("kind", self.tr("Type"), [(t, k) for k, t in type_labels().items()])
        f.add_choice("stage", self.tr("Stage"), [(t, k) for k, t in stage_labels().items()])
        f.add_line("amount", self.tr("Amount"))
        f.add_choice("currency", self.tr("Currency"), currency_choices())
        f.add_line("probability", self.tr("Probability %"))
        f.add_label("weighted", self.tr("Weighted"))
        f.add_line("expected_close", self.tr("Expected close"), self.tr("YYYY-MM-DD"))
        f.add_choice("owner_id", self.tr("Owner"), [])
        f.add_line("service_line", self.tr("Service line"))
        f.add_line("next_step", self.tr("Next step"))
        f.add_text("notes", self.tr("Notes"), self.tr("Internal: never exported"))
        f.add_label("estimate", self.tr("Estimate"))
        f.fields["estimate"].widget.setWordWrap(True)  # type: ignore[attr-defined]
        self.create_estimate_button = QPushButton(self.tr("Create estimate…"))
        self.create_estimate_button.setObjectName("create_estimate")
        self.create_estimate_button.setToolTip(
            self.tr("A draft estimate priced in the opportunity's currency, linked to it")
        )
        self.create_estimate_button.clicked.connect(lambda: self.create_estimate())
        self.open_estimate_button = QPushButton(self.tr("Open"))
        self.open_estimate_button.setObjectName("open_linked_estimate")
        self.open_estimate_button.clicked.connect(self.open_linked_estimate)
        estimate_buttons = QWidget()
        row = QHBoxLayout(estimate_buttons)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.create_estimate_button)
        row.addWidget(self.open_estimate_button)
        row.addStretch()
        f.layout_.addRow("", estimate_buttons)
        self.history = QListWidget()
        self.history.setObjectName("stage_history")
        self.history.setMaximumHeight(self.history.fontMetrics().height() * 7)
        f.layout_.addRow(self.tr("Stage history"), self.history)
        f.commit.connect(self._commit)
        f.check.connect(self._check)
        f.setEnabled(False)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(f)

        self.new_button = QPushButton(self.tr("New opportunity"))
        self.new_button.setObjectName("new_opportunity")
        self.new_button.clicked.connect(self.add_opportunity)
        self.delete_button = QPushButton(self.tr("Delete"))
        self.delete_button.setObjectName("delete_opportunity")
        self.delete_button.setToolTip(self.tr("Delete the opportunity; Undo brings it back."))
        self.delete_button.clicked.connect(self.delete_current)
        self.count_label = QLabel()
        self.count_label.setObjectName("opportunities_count")
        self.totals_label = QLabel()
        self.totals_label.setObjectName("opportunities_totals")
        self.totals_label.setWordWrap(True)
        self.totals_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch()
        buttons.addWidget(self.count_label)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(self.totals_label)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("opportunities_splitter")
        self.splitter.addWidget(left)
        self.splitter.addWidget(scroll)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.splitter, 1)
        session.changed.connect(lambda kind: self.reload() if kind in RELOAD_KINDS else None)
        self._update_buttons()

    def resizeEvent(self, event: QResizeEvent) -> None:
        # narrow (beside the account tree on a small screen): the editor goes under the list
        narrow = event.size().width() < NARROW
        self.splitter.setOrientation(
            Qt.Orientation.Vertical if narrow else Qt.Orientation.Horizontal
        )
        super().resizeEvent(event)

    # -- data ------------------------------------------------------------------------------

    def show_account(self, account_id: int) -> None:
        if account_id != self.account_id:
            self.current_id = None
            self.form.reset()
        self.account_id = account_id
        self.reload()

    def reload(self) -> None:
        if self.account_id is None:
            return
        services = self.session.services
        try:
            self.account_currency = services.accounts.get(self.account_id).currency
        except NotFoundError:  # the account was deleted: its view goes away
            return
        owners = [(m.name, m.id) for m in services.team.all()]
        self.form.set_choices("owner_id", [(self.tr("(nobody)"), None), *owners])
        records = services.opportunities.pipeline(account_id=self.account_id)
        self.model.set_records(records)
        fit_columns(self.table, self.model)
        self.count_label.setText(count_text(len(records), "1 opportunity", "%n opportunities"))
        self.totals_label.setText(
            "\n".join(
                fill(
                    self.tr("%1 %2, weighted %3"),
                    code,
                    money_text(amount, code),
                    money_text(weighted, code),
                )
                for code, amount, weighted in currency_totals(records)
            )
        )
        current = self.current()
        if current is not None:
            self._show(current)
            self.select_opportunity(current.id)
        else:
            self.current_id = None
            self.form.setEnabled(False)
            self.history.clear()
        self._update_buttons()

    def current(self) -> OpportunityRecord | None:
        row = self.model.row_of(self.current_id) if self.current_id is not None else -1
        record: OpportunityRecord | None = self.model.record(row) if row >= 0 else None
        return record

    def select_opportunity(self, opportunity_id: int) -> bool:
        """Make the opportunity current (its row selected, its editor shown)."""
        row = self.model.row_of(opportunity_id)
        if row < 0:
            return False
        proxy = self.table.model()
        assert isinstance(proxy, QSortFilterProxyModel)
        index = proxy.mapFromSource(self.model.index(row, 0))
        if self.table.currentIndex().row() != index.row():
            self.table.setCurrentIndex(index)
        self.table.scrollTo(index)
        self._show(self.model.record(row))
        return True

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        record = record_at(self.table, self.model, current)
        if record is not None:
            self._show(record)

    def _show(self, record: OpportunityRecord) -> None:
        if record.id != self.current_id:
            self.form.reset()
        self.current_id = record.id
        self.form.setEnabled(True)
        default = calc.DEFAULT_PROBABILITY[calc.Stage(record.stage)]
        probability = self.form.fields["probability"].widget
        probability.setPlaceholderText(  # type: ignore[attr-defined]
            fill(self.tr("%1 (the stage's default)"), percent_text(default))
        )
        self.form.set_values(
            {
                "name": record.name,
                "kind": record.kind,
                "stage": record.stage,
                "amount": money_text(record.amount, record.currency),
                "currency": record.currency,
                "probability": quantity_text(record.probability) if record.probability_set else "",
                "weighted": fill(
                    self.tr("%1 %2 (%3)"),
                    record.currency,
                    money_text(record.weighted, record.currency),
                    percent_text(record.probability),
                ),
                "expected_close": date_text(record.expected_close),
                "owner_id": record.owner_id,
                "service_line": record.service_line,
                "next_step": record.next_step,
                "notes": record.notes,
                "estimate": self._estimate_text(record),
            }
        )
        self._show_stored_currency(record.currency)  # even while a refusal is shown under it
        labels = stage_labels()
        self.history.clear()
        for number, (stage, day) in enumerate(reversed(record.stages)):
            item = QListWidgetItem(f"{date_text(day)}  {labels.get(stage, stage)}")
            if number == 0:
                font = QFont(item.font())
                font.setBold(True)
                item.setFont(font)
            self.history.addItem(item)
        self._update_buttons()

    def _estimate_text(self, record: OpportunityRecord) -> str:
        if record.estimate_id is None:
            return self.tr("None yet")
        summaries = self.session.services.estimates.summaries(
            EstimateFilter(account_id=record.account_id)
        )
        found = next((s for s in summaries if s.estimate_id == record.estimate_id), None)
        if found is None:
            return self.tr("Archived")
        return fill(
            self.tr("%1 rev %2 · %3 · %4"),
            found.number,
            str(found.revision),
            found.title,
            estimate_status_label(found.status),
        )

    def _update_buttons(self) -> None:
        record = self.current()
        self.delete_button.setEnabled(record is not None)
        self.create_estimate_button.setEnabled(record is not None)
        self.open_estimate_button.setVisible(record is not None and record.estimate_id is not None)

    # -- editing ---------------------------------------------------------------------------

    def _check(self, name: str, value: Any) -> None:
        """As the user types: a field that shows an error clears it once the text is good."""
        if self.form.error_text(name) and self._parse(name, value) is not None:
            self.form.clear_error(name)

    def _parse(self, name: str, value: Any) -> tuple[Any] | None:
        """(value the service takes,) for what the user typed, or None if it is no good."""
        try:
            return (self._read(name, value),)
        except ValidationError:
            return None

    def _read(self, name: str, value: Any) -> Any:
        text = value.strip() if isinstance(value, str) else value
        if name == "amount":
            return read_decimal(text, "amount")
        if name == "probability":
            return calc.clean_probability(read_decimal(text, "probability")) if text else None
        if name == "expected_close":
            if not text:
                return None
            try:
                return date.fromisoformat(text)
            except ValueError:
                raise ValidationError(
                    "expected_close", self.tr("Enter a date as YYYY-MM-DD, or leave it empty.")
                ) from None
        return value

    def _commit(self, name: str, value: Any) -> None:
        record = self.current()
        if record is None:
            return
        try:
            parsed = self._read(name, value)
        except ValidationError as exc:
            self.form.show_error(name, exc.message)
            return
        error = self.session.run(self._command(record, name, parsed), inline=True)
        if error:
            self.form.show_error(name, error)
            if name == "currency":  # the refusal stays shown; the combo says what is stored
                self._show_stored_currency(record.currency)
        else:
            self.form.clear_error(name)

    def _show_stored_currency(self, currency: str) -> None:
        """Put the currency combo on the stored currency, without it counting as an edit.

        The form keeps a refused value on screen to be fixed, which suits typed text; but a
        combo left on a refused currency would lie: the next amount is saved in the stored
        one (the message under the combo says why the choice was refused)."""
        field = self.form.fields["currency"]
        if field.read() == currency:
            return
        field.widget.blockSignals(True)
        field.write(currency)
        field.widget.blockSignals(False)

    def _command(self, record: OpportunityRecord, name: str, value: Any) -> ServiceCommand:
        service = self.session.services.opportunities
        label = fill(self.tr("Edit opportunity %1"), record.name)
        if name == "stage":
            return MoveStageCommand(
                fill(self.tr("Move %1 to %2"), record.name, stage_labels().get(value, value)),
                service,
                record.id,
                value,
            )
        if name == "amount":
            return money_command(label, service, record.id, value)
        if name == "currency":
            return money_command(label, service, record.id, record.amount, value)
        return update_command(label, service, record.id, {name: value})

    def add_opportunity(self) -> int | None:
        if self.account_id is None:
            return None
        command = create_command(
            self.tr("New opportunity"),
            self.session.services.opportunities,
            self.account_id,
            OpportunityDraft(name=self.tr("New opportunity"), amount=Decimal(0)),
        )
        if self.session.run(command) is not None or command.entity_id is None:
            return None
        self.current_id = command.entity_id
        self.reload()
        self.select_opportunity(command.entity_id)
        name = self.form.fields["name"].widget
        name.setFocus()
        name.selectAll()  # type: ignore[attr-defined]
        return command.entity_id

    def delete_current(self) -> None:
        record = self.current()
        if record is None:
            return
        self.session.run(
            delete_command(
                fill(self.tr("Delete opportunity %1"), record.name),
                self.session.services.opportunities,
                record.id,
            )
        )

    # -- the estimate ----------------------------------------------------------------------

    def create_estimate(self) -> EstimateLink | None:
        """Ask where the estimate goes and its title, create it (undoable) and open it."""
        record = self.current()
        if record is None:
            return None
        dialog = CreateEstimateDialog(self.session.services, record, self)
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return None
            project_id, title = dialog.values()
        finally:
            dialog.deleteLater()
        return self.create_estimate_in(project_id, title)

    def create_estimate_in(self, project_id: int | None, title: str = "") -> EstimateLink | None:
        """The estimate of the current opportunity, in ``project_id`` (None: a new project)."""
        record = self.current()
        if record is None:
            return None
        command = CreateEstimateCommand(
            fill(self.tr("Create estimate for %1"), record.name),
            self.session.services.opportunities,
            record.id,
            project_id,
            title,
        )
        if self.session.run(command) is not None or command.link is None:
            return None
        self.open_estimate.emit(command.link.estimate.revision_id)
        return command.link

    def open_linked_estimate(self) -> None:
        record = self.current()
        if record is None or record.estimate_id is None:
            return
        revision = self.session.call(
            self.session.services.estimates.latest_revision_id, record.estimate_id
        )
        if revision is not None:
            self.open_estimate.emit(revision)
