"""Rate cards page: the agency's cards and per-account overrides, each a table of roles.

Left, the cards (agency cards first, then account overrides); right, the chosen
card's rates as an editable table. Money is typed and shown in the user's locale
with the card currency's decimals, dates as YYYY-MM-DD; a refused value turns the
cell red with the reason as its tooltip and saves nothing. Every change is an
undoable command run through the session (kind ``"rate_card"``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListView,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from keyplan.domain.errors import DomainError, ValidationError
from keyplan.domain.money import round_half_up
from keyplan.services import exporting, rate_import
from keyplan.services.estimate_records import RateCardRecord, RateRecord
from keyplan.services.rate_cards import RATE_UNITS, RateCardService
from keyplan.services.workspace import WorkspaceServices
from keyplan.ui.commands import CreateCommand, DeleteCommand, UpdateCommand
from keyplan.ui.dialogs.base_dialog import BaseDialog
from keyplan.ui.dialogs.rate_import_dialog import RateImportDialog
from keyplan.ui.formatting import date_text, money_text, percent_text, read_decimal
from keyplan.ui.labels import fill
from keyplan.ui.locale import ui_locale
from keyplan.ui.models.record_table_model import (
    RECORD_ID_ROLE,
    Column,
    RecordTableModel,
    choice_column,
)
from keyplan.ui.operations import ServiceCommand, WorkspaceSession
from keyplan.ui.views.account_overview import currency_choices
from keyplan.ui.widgets.editable_table import editable_table
from keyplan.ui.widgets.form import Form
from keyplan.ui.widgets.headings import page_title, section_title
from keyplan.ui.widgets.record_delegate import RecordDelegate

KIND = "rate_card"
MONEY_KEYS = ("bill_rate", "cost_rate")
NUMBER_KEYS = frozenset({*MONEY_KEYS, "margin"})
MARGIN_PLACES = 1
NEGATIVE_BRUSH = QBrush(QColor("#C62828"))
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

Index = QModelIndex | QPersistentModelIndex


def _t(text: str) -> str:
    return QCoreApplication.translate("RateCardsView", text)


def unit_labels() -> dict[str, str]:
    labels = {"hour": _t("per hour"), "day": _t("per day")}
    return {unit: labels.get(unit, unit) for unit in RATE_UNITS}


def card_label(card: RateCardRecord) -> str:
    """'Standard (USD)' for an agency card, 'Aurora Japan — Japan rates (JPY)' for an override."""
    if card.account_id is None:
        return fill(_t("%1 (%2)"), card.name, card.currency)
    return fill(_t("%1 — %2 (%3)"), card.account_name, card.name, card.currency)


def sorted_cards(cards: Sequence[RateCardRecord]) -> list[RateCardRecord]:
    """Agency cards first, then the overrides by account, each by name."""
    return sorted(
        cards,
        key=lambda c: (
            c.account_id is not None,
            c.account_name.casefold(),
            c.name.casefold(),
            c.id,
        ),
    )


def margin_percent(bill: Decimal, cost: Decimal) -> Decimal | None:
    """(bill - cost) / bill as a percentage with one decimal; None when nothing is billed."""
    if not bill:
        return None
    return round_half_up((bill - cost) * 100 / bill, MARGIN_PLACES)


def read_iso_date(text: str, field: str = "valid_from") -> date:
    """A date typed as YYYY-MM-DD; anything else is refused with a message saying how."""
    cleaned = text.strip()
    if not _ISO_DATE.fullmatch(cleaned):
        raise ValidationError(
            field, _t("Type the date as YYYY-MM-DD, for example %1.").replace("%1", "2026-07-01")
        )
    try:
        return date.fromisoformat(cleaned)
    except ValueError:
        raise ValidationError(
            field, _t("%1 is not a day of the calendar.").replace("%1", cleaned)
        ) from None


@dataclass(frozen=True)
class RateRow:
    """One rate as the table shows and edits it: money, dates and margin as the user's text."""

    id: int
    role: str
    unit: str
    bill_rate: str
    cost_rate: str
    valid_from: str
    margin: str
    negative_margin: bool
    rate: RateRecord

    @classmethod
    def of(cls, rate: RateRecord, currency: str) -> RateRow:
        margin = margin_percent(rate.bill_rate, rate.cost_rate)
        return cls(
            id=rate.id,
            role=rate.role,
            unit=rate.unit,
            bill_rate=money_text(rate.bill_rate, currency),
            cost_rate=money_text(rate.cost_rate, currency),
            valid_from=date_text(rate.valid_from),
            margin="" if margin is None else percent_text(margin),
            negative_margin=margin is not None and margin < 0,
            rate=rate,
        )


def read_rate_value(key: str, text: Any) -> Any:
    """The value the service takes for a cell's typed text (ValidationError when it is wrong)."""
    if key in MONEY_KEYS:
        return read_decimal(str(text), key)
    if key == "valid_from":
        return read_iso_date(str(text), key)
    return text


class RateTableModel(RecordTableModel):
    """The rates table: numbers right-aligned, a negative margin in red."""

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if index.isValid():
            key = self.columns[index.column()].key
            if role == Qt.ItemDataRole.TextAlignmentRole and key in NUMBER_KEYS:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if role == Qt.ItemDataRole.ForegroundRole and key == "margin":
                return NEGATIVE_BRUSH if self.records[index.row()].negative_margin else None
        return super().data(index, role)


class DeleteRateCommand(ServiceCommand):
    """Remove a rate; undo puts it back with the same id and values."""

    kind = KIND

    def __init__(self, text: str, rate_cards: RateCardService, rate_id: int) -> None:
        super().__init__(text)
        self._rate_cards = rate_cards
        self._rate_id = rate_id
        self.removed: RateRecord | None = None

    def apply(self) -> None:
        self.removed = self._rate_cards.delete_rate(self._rate_id)

    def revert(self) -> None:
        rate = self.removed
        assert rate is not None
        self._rate_cards.add_rate(
            rate.rate_card_id,
            rate.role,
            rate.bill_rate,
            rate.cost_rate,
            unit=rate.unit,
            valid_from=rate.valid_from,
            rate_id=rate.id,
        )


class NewRateCardDialog(BaseDialog):
    """Name, currency and, for an override, the account it is for."""

    def __init__(
        self,
        services: WorkspaceServices,
        parent: QWidget | None = None,
        *,
        account_id: int | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("New rate card"))
        self.services = services
        self.accounts = {a.id: a for a in services.accounts.all()}
        f = self.form = Form()
        f.add_line("name", self.tr("Name"), self.tr("e.g. Standard rates 2026"))
        f.add_choice(
            "account_id",
            self.tr("Card for"),
            [
                (self.tr("The agency (every account)"), None),
                *((a.name, a.id) for a in self.accounts.values()),
            ],
        )
        f.add_choice("currency", self.tr("Currency"), currency_choices())
        account = self.accounts.get(account_id) if account_id is not None else None
        f.set_values(
            {
                "name": "",
                "account_id": account.id if account else None,
                "currency": account.currency if account else services.agency.get().default_currency,
            }
        )
        f.check.connect(self._check)
        f.fields["account_id"].widget.currentIndexChanged.connect(self._account_changed)  # type: ignore[attr-defined]
        hint = QLabel(
            self.tr(
                "An account's card overrides the agency card's roles for estimates of that "
                "account in the same currency."
            )
        )
        hint.setWordWrap(True)
        hint.setStyleSheet("color: palette(mid);")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(f)
        layout.addWidget(hint)
        layout.addWidget(self.buttons)
        self.resize(440, self.sizeHint().height())

    def _account_changed(self) -> None:
        account = self.accounts.get(self.form.fields["account_id"].read())
        if account is not None:
            self.form.fields["currency"].write(account.currency)
            self.form.clear_error("currency")

    def _check(self, name: str, value: Any) -> None:
        try:
            self.services.rate_cards.check(name, value)
        except ValidationError as exc:
            self.form.show_error(name, exc.message)
        else:
            self.form.clear_error(name)

    def values(self) -> tuple[str, str, int | None]:
        """(name, currency, account id or None for an agency card)."""
        read = {name: field.read() for name, field in self.form.fields.items()}
        return str(read["name"]).strip(), str(read["currency"] or ""), read["account_id"]

    def accept(self) -> None:
        """Accept only a valid card; otherwise show each problem next to its field."""
        name, currency, _account = self.values()
        problems = 0
        for field, value in (("name", name), ("currency", currency)):
            try:
                self.services.rate_cards.check(field, value)
            except ValidationError as exc:
                self.form.show_error(field, exc.message)
                problems += 1
            else:
                self.form.clear_error(field)
        if problems == 0:
            super().accept()


class RateCardsView(QWidget):
    def __init__(self, session: WorkspaceSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.card_id: int | None = None
        self._reloading = False

        # -- the cards -----------------------------------------------------------------
        self.cards_model = RecordTableModel(
            [Column("name", self.tr("Rate card"), display=card_label)], self
        )
        self.card_list = QListView()
        self.card_list.setObjectName("rate_card_list")
        self.card_list.setModel(self.cards_model)
        self.card_list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.card_list.selectionModel().currentChanged.connect(self._card_chosen)
        new_card = QPushButton(self.tr("New card…"))
        new_card.setObjectName("new_card")
        new_card.clicked.connect(self.new_card)
        self.delete_card_button = QPushButton(self.tr("Delete card"))
        self.delete_card_button.setObjectName("delete_card")
        self.delete_card_button.clicked.connect(self.delete_card)
        card_buttons = QHBoxLayout()
        card_buttons.addWidget(new_card)
        card_buttons.addWidget(self.delete_card_button)
        card_buttons.addStretch()
        cards_box = QWidget()
        cards_layout = QVBoxLayout(cards_box)
        cards_layout.setContentsMargins(0, 0, 0, 0)
        cards_layout.addWidget(self.card_list)
        cards_layout.addLayout(card_buttons)

        # -- the chosen card's rates ---------------------------------------------------
        units = unit_labels()
        self.model = RateTableModel(
            [
                Column("role", self.tr("Role"), editor="text"),
                choice_column("unit", self.tr("Unit"), units),
                Column("bill_rate", self.tr("Bill rate"), editor="text"),
                Column("cost_rate", self.tr("Cost rate"), editor="text"),
                Column("valid_from", self.tr("Valid from"), editor="text"),
                Column("margin", self.tr("Margin %")),
            ],
            self,
        )
        self.model.on_edit = self._edit
        self.table = editable_table("rates_table", self.model, RecordDelegate)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().hide()
        self.card_title = section_title()
        self.card_title.setObjectName("card_title")
        self.card_scope = QLabel()
        self.card_scope.setObjectName("card_scope")
        self.card_scope.setWordWrap(True)
        self.add_role_button = QPushButton(self.tr("Add role"))
        self.add_role_button.setObjectName("add_role")
        self.add_role_button.clicked.connect(self.add_role)
        self.delete_role_button = QPushButton(self.tr("Delete role"))
        self.delete_role_button.setObjectName("delete_role")
        self.delete_role_button.clicked.connect(self.delete_role)
        role_buttons = QHBoxLayout()
        role_buttons.addWidget(self.card_title)
        role_buttons.addStretch()
        role_buttons.addWidget(self.add_role_button)
        role_buttons.addWidget(self.delete_role_button)
        self.import_button = QPushButton(self.tr("Import…"))
        self.import_button.setObjectName("import_rates")
        self.import_button.setToolTip(self.tr("Add or update roles from an .xlsx or .csv table"))
        self.import_button.clicked.connect(lambda: self.import_rates_file())
        self.export_button = QPushButton(self.tr("Export…"))
        self.export_button.setObjectName("export_rates")
        self.export_button.clicked.connect(lambda: self.export_card())
        file_buttons = QHBoxLayout()  # a row of its own: the page stays narrow
        file_buttons.addStretch()
        file_buttons.addWidget(self.import_button)
        file_buttons.addWidget(self.export_button)
        self.note = QLabel(
            self.tr(
                "Estimate lines copy a rate when they are created: changing a rate here never "
                "changes an existing estimate."
            )
        )
        self.note.setObjectName("rates_note")
        self.note.setWordWrap(True)
        rates_box = QWidget()
        rates_layout = QVBoxLayout(rates_box)
        rates_layout.setContentsMargins(0, 0, 0, 0)
        rates_layout.addLayout(role_buttons)
        rates_layout.addLayout(file_buttons)
        rates_layout.addWidget(self.card_scope)
        rates_layout.addWidget(self.table, 1)
        rates_layout.addWidget(self.note)

        title = page_title(self.tr("Rate cards"))
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("rate_cards_splitter")
        self.splitter.addWidget(cards_box)
        self.splitter.addWidget(rates_box)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.splitter, 1)
        session.changed.connect(self._changed)
        self.reload()

    # -- data --------------------------------------------------------------------------

    def reload(self) -> None:
        """Re-read the cards, keep the chosen one (or its neighbour), and show its rates."""
        previous_row = self.cards_model.row_of(self.card_id) if self.card_id is not None else -1
        cards = sorted_cards(self.session.services.rate_cards.cards())
        self._reloading = True
        try:
            self.cards_model.set_records(cards)
        finally:
            self._reloading = False
        row = self.cards_model.row_of(self.card_id) if self.card_id is not None else -1
        if row < 0 and cards:
            row = min(max(previous_row, 0), len(cards) - 1)
        self.card_id = self.cards_model.record(row).id if row >= 0 else None
        if row >= 0:
            self.card_list.setCurrentIndex(self.cards_model.index(row, 0))
        self._load_rates()

    def _changed(self, kind: str) -> None:
        # account names appear in the override cards' labels
        if kind in (KIND, "workspace", "account"):
            self.reload()

    def _card_chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._reloading:
            return
        card_id = current.data(RECORD_ID_ROLE) if current.isValid() else None
        if card_id != self.card_id:
            self.card_id = card_id
            self._load_rates()

    def current_card(self) -> RateCardRecord | None:
        row = self.cards_model.row_of(self.card_id) if self.card_id is not None else -1
        return self.cards_model.record(row) if row >= 0 else None

    def import_rates_file(self, path: Path | None = None, *, confirm: bool = True) -> int | None:
        """Add or update roles of the card from a table; all rows or none, undoable.

        With ``confirm`` the import dialog lets the user choose the columns and see what
        each row will do; without it the columns are guessed from the headers.
        """
        card = self.current_card()
        if card is None:
            return None
        services = self.session.services
        if path is None:
            name, _ = QFileDialog.getOpenFileName(
                self, self.tr("Import rates"), "", self.tr("Rate tables (*.xlsx *.csv)")
            )
            if not name:
                return None
            path = Path(name)
        try:
            table = rate_import.read_rate_table(path)
        except rate_import.RateImportError as exc:
            self.session.error.emit(str(exc))
            return None
        mapping = rate_import.guess_mapping(table.headers)
        if confirm:
            dialog = RateImportDialog(services, card, path, table, self, mapping=mapping)
            accepted = dialog.exec() == BaseDialog.DialogCode.Accepted
            rows = dialog.rows
            dialog.deleteLater()
            if not accepted or not rows:
                return None
        else:
            try:
                rows = rate_import.build_rates(table, mapping, card.currency, ui_locale())
                rate_import.preview_import(services, card.id, rows)  # refuses what apply would
            except (rate_import.RateImportError, DomainError) as exc:
                self.session.error.emit(str(exc))
                return None
        command = ImportRatesCommand(self.tr("Import rates"), services, card.id, rows)
        if self.session.run(command) is not None:
            return None
        return len(rows)

    def export_card(self, audience: str | None = None, path: Path | None = None) -> Path | None:
        """The card as a workbook: for the client (bill rates) or internal (with costs)."""
        card = self.current_card()
        if card is None:
            return None
        if audience is None:
            answer = QMessageBox.question(
                self,
                self.tr("Export rate card"),
                self.tr("Include cost rates and margins (internal)? No: the client version."),
                QMessageBox.StandardButton.Yes
                | QMessageBox.StandardButton.No
                | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.No,
            )
            if answer == QMessageBox.StandardButton.Cancel:
                return None
            audience = "internal" if answer == QMessageBox.StandardButton.Yes else "client"
        if path is None:
            suffix = " - INTERNAL" if audience == "internal" else ""
            name, _ = QFileDialog.getSaveFileName(
                self,
                self.tr("Export rate card"),
                f"{card.name}{suffix}.xlsx",
                self.tr("Excel workbook (*.xlsx)"),
            )
            if not name:
                return None
            path = Path(name)
        try:
            document = exporting.rate_card_document(self.session.services, card.id, audience)  # type: ignore[arg-type]
            return exporting.export_table_xlsx(document, path, overwrite=True)
        except exporting.ExportError as exc:
            self.session.error.emit(str(exc))
            return None

    def select_card(self, card_id: int) -> None:
        row = self.cards_model.row_of(card_id)
        if row >= 0:
            self.card_list.setCurrentIndex(self.cards_model.index(row, 0))

    def _load_rates(self) -> None:
        card = self.current_card()
        self.add_role_button.setEnabled(card is not None)
        self.delete_role_button.setEnabled(card is not None)
        self.delete_card_button.setEnabled(card is not None)
        self.import_button.setEnabled(card is not None)
        self.export_button.setEnabled(card is not None)
        if card is None:
            self.card_title.setText(self.tr("No rate card yet"))
            self.card_scope.setText(self.tr("Create one with “New card…”."))
            self.model.set_records([])
            return
        self.card_title.setText(card_label(card))
        if card.account_id is None:
            scope = self.tr(
                "Agency card: its roles are offered to every account's %1 estimates, unless "
                "the account has its own card."
            )
        else:
            scope = self.tr(
                "Override for %2: these roles win over the agency's in %2's %1 estimates."
            )
        self.card_scope.setText(fill(scope, card.currency, card.account_name))
        for key, title in (
            ("bill_rate", self.tr("Bill rate (%1)")),
            ("cost_rate", self.tr("Cost rate (%1)")),
        ):
            column = self.model.column_of(key)
            self.model.columns[column] = replace(
                self.model.columns[column], title=title.replace("%1", card.currency)
            )
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self.model.columns) - 1)
        rates = self.session.services.rate_cards.rates(card.id)
        self.model.set_records([RateRow.of(rate, card.currency) for rate in rates])
        self.table.resizeColumnsToContents()
        for column in range(self.model.columnCount()):
            self.table.setColumnWidth(column, max(self.table.columnWidth(column), 90))

    # -- cards -------------------------------------------------------------------------

    def new_card(self) -> None:
        dialog = NewRateCardDialog(self.session.services, self)
        accepted = dialog.exec() == BaseDialog.DialogCode.Accepted
        name, currency, account_id = dialog.values()
        dialog.deleteLater()
        if not accepted:
            return
        rate_cards = self.session.services.rate_cards
        command = CreateCommand(
            self.tr("New rate card %1").replace("%1", name),
            KIND,
            lambda forced_id: rate_cards.create_card(name, currency, account_id, card_id=forced_id),
            rate_cards.purge,
        )
        if self.session.run(command) is None and command.entity_id is not None:
            self.select_card(command.entity_id)

    def delete_card(self) -> None:
        card = self.current_card()
        if card is None:
            return
        rate_cards = self.session.services.rate_cards
        self.session.run(
            DeleteCommand(
                self.tr("Delete rate card %1").replace("%1", card_label(card)),
                KIND,
                partial(rate_cards.delete, card.id),
                rate_cards.restore,
            )
        )

    # -- rates -------------------------------------------------------------------------

    def _edit(self, row: RateRow, key: str, value: Any) -> str | None:
        try:
            parsed = read_rate_value(key, value)
        except ValidationError as exc:
            return exc.message
        return self.session.run(
            UpdateCommand(
                self.tr("Edit rate %1").replace("%1", row.role),
                KIND,
                partial(self.session.services.rate_cards.update_rate, row.id),
                {key: parsed},
            ),
            inline=True,
        )

    def add_role(self) -> None:
        card = self.current_card()
        if card is None:
            return
        rate_cards = self.session.services.rate_cards
        card_id, role, today = card.id, self.tr("New role"), date.today()

        def purge(rate_id: int) -> None:
            rate_cards.delete_rate(rate_id)

        command = CreateCommand(
            self.tr("Add role to %1").replace("%1", card.name),
            KIND,
            lambda forced_id: rate_cards.add_rate(
                card_id,
                role,
                Decimal(0),
                Decimal(0),
                unit="hour",
                valid_from=today,
                rate_id=forced_id,
            ),
            purge,
        )
        if self.session.run(command) is None and command.entity_id is not None:
            self.edit_cell(command.entity_id, "role")

    def edit_cell(self, rate_id: int, key: str) -> None:
        """Put the cursor on a rate's cell and open its editor."""
        index = self.model.index(self.model.row_of(rate_id), self.model.column_of(key))
        if index.isValid():
            self.table.setCurrentIndex(index)
            self.table.edit(index)

    def selected_rate(self) -> RateRow | None:
        index = self.table.currentIndex()
        return self.model.record(index.row()) if index.isValid() else None

    def delete_role(self) -> None:
        row = self.selected_rate()
        if row is None:
            return
        self.session.run(
            DeleteRateCommand(
                self.tr("Delete role %1").replace("%1", row.role),
                self.session.services.rate_cards,
                row.id,
            )
        )


class ImportRatesCommand(ServiceCommand):
    """Rates imported from a table; undo takes the whole import back."""

    kind = "rate_card"

    def __init__(self, text: str, services: Any, card_id: int, rows: Any) -> None:
        super().__init__(text)
        self.services, self.card_id, self.rows = services, card_id, rows
        self.result: Any = None

    def apply(self) -> None:
        self.result = rate_import.apply_import(self.services, self.card_id, self.rows)

    def revert(self) -> None:
        rate_import.revert_import(self.services, self.result)
