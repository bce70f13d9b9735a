"""Exchange rates page: the table of rates the user keeps for the portfolio roll-ups.

Keyplan never fetches a rate (it opens no network connection): each one is typed with the day
it applies from and where it came from. The table is edited in place (base, quote, rate, valid
from, source); a refused value turns the cell red with the reason as its tooltip and saves
nothing. Adding (a dialog), editing and deleting are undoable commands (kind
``"exchange_rate"``); the forecast views refresh on that kind too.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from functools import partial
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from keyplan.domain.errors import ValidationError
from keyplan.domain.forecast import clean_pair, clean_rate
from keyplan.domain.numbers import format_decimal
from keyplan.services.forecast import ExchangeRateRecord
from keyplan.services.workspace import WorkspaceServices
from keyplan.ui.commands import CreateCommand, DeleteCommand, UpdateCommand
from keyplan.ui.dialogs.base_dialog import BaseDialog
from keyplan.ui.formatting import date_text, read_decimal
from keyplan.ui.labels import fill
from keyplan.ui.locale import ui_locale
from keyplan.ui.models.record_table_model import Column, RecordTableModel
from keyplan.ui.operations import WorkspaceSession
from keyplan.ui.views.account_overview import currency_choices
from keyplan.ui.views.rate_cards_view import read_iso_date
from keyplan.ui.widgets.editable_table import editable_table
from keyplan.ui.widgets.form import Form
from keyplan.ui.widgets.headings import page_title
from keyplan.ui.widgets.record_delegate import RecordDelegate

KIND = "exchange_rate"
Index = QModelIndex | QPersistentModelIndex


def rate_text(rate: Decimal) -> str:
    """Every decimal of a rate, in the user's locale: '25,400', '0.0000393'."""
    return format_decimal(rate, ui_locale())


def reads(record: ExchangeRateRecord) -> str:
    """'1 USD = 25,400 VND'."""
    return f"1 {record.base} = {rate_text(record.rate)} {record.quote}"


def read_rate_cell(key: str, text: Any) -> Any:
    """The value the service takes for a typed cell (ValidationError when it is wrong)."""
    if key == "rate":
        return clean_rate(read_decimal(str(text), "rate"))
    if key == "valid_from":
        return read_iso_date(str(text), "valid_from")
    return text


class RatesModel(RecordTableModel):
    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (
            index.isValid()
            and role == Qt.ItemDataRole.TextAlignmentRole
            and self.columns[index.column()].key == "rate"
        ):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if index.isValid() and role == Qt.ItemDataRole.EditRole:
            record = self.records[index.row()]
            key = self.columns[index.column()].key
            if key == "rate":
                return rate_text(record.rate)
            if key == "valid_from":
                return date_text(record.valid_from)
        return super().data(index, role)


class ExchangeRateDialog(BaseDialog):
    """A new rate: the pair, the rate, the day it applies from and its source."""

    def __init__(
        self,
        services: WorkspaceServices,
        parent: QWidget | None = None,
        submit: Callable[[dict[str, Any]], str | None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Add exchange rate"))
        self.services = services
        # saves the rate; a refusal (e.g. that pair and day exist) keeps the dialog open
        self.submit = submit
        default = services.agency.get().default_currency
        f = self.form = Form()
        f.add_choice("base", self.tr("One unit of"), currency_choices())
        f.add_choice("quote", self.tr("is worth, in"), currency_choices())
        f.add_line("rate", self.tr("Rate"), self.tr("e.g. 25400 or 0.92"))
        f.add_date("valid_from", self.tr("Valid from"))
        f.add_line("source", self.tr("Source"), self.tr("e.g. Finance, month-end rates"))
        f.set_values(
            {
                "base": default,
                "quote": "EUR" if default != "EUR" else "USD",
                "rate": "",
                "valid_from": date.today(),
                "source": "",
            }
        )
        hint = QLabel(
            self.tr(
                "Enter the rate from your finance team or bank: Keyplan never fetches rates. "
                "A month converts at the rate in force on its last day."
            )
        )
        hint.setWordWrap(True)
        hint.setStyleSheet("color: palette(mid);")
        self.refusal = QLabel()
        self.refusal.setObjectName("refusal")
        self.refusal.setWordWrap(True)
        self.refusal.setStyleSheet("color: #C62828;")
        self.refusal.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(f)
        layout.addWidget(hint)
        layout.addWidget(self.refusal)
        layout.addWidget(self.buttons)
        self.values: dict[str, Any] | None = None
        self.resize(440, self.sizeHint().height())

    def read(self) -> dict[str, Any] | None:
        """The rate the fields describe, or None after showing each problem by its field."""
        f = self.form
        for name in f.fields:
            f.clear_error(name)
        raw = {name: field.read() for name, field in f.fields.items()}
        problems = 0
        try:
            clean_pair(str(raw["base"] or ""), str(raw["quote"] or ""))
        except ValidationError as exc:
            f.show_error(exc.field, exc.message)
            problems += 1
        rate: Decimal | None = None
        if not str(raw["rate"]).strip():
            f.show_error("rate", self.tr("Enter the rate."))
            problems += 1
        else:
            try:
                rate = read_rate_cell("rate", raw["rate"])
            except ValidationError as exc:
                f.show_error("rate", exc.message)
                problems += 1
        if problems or rate is None:
            return None
        return {**raw, "rate": rate, "source": str(raw["source"]).strip()}

    def accept(self) -> None:
        self.values = self.read()
        if self.values is None:
            return
        refused = self.submit(self.values) if self.submit is not None else None
        if refused:
            self.refusal.setText(refused)
            self.refusal.show()
            return
        super().accept()


class ExchangeRatesView(QWidget):
    def __init__(self, session: WorkspaceSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        title = page_title(self.tr("Exchange rates"))
        self.note = QLabel(
            self.tr(
                "Keyplan never fetches exchange rates: it works offline. Enter each rate with "
                "the day it applies from and where it came from. Forecast roll-ups convert a "
                "month at the rate in force on its last day, in either direction of a pair "
                "(USD→VND also converts VND into USD), and say which rates they used; a "
                "missing rate is reported, never taken as 1."
            )
        )
        self.note.setObjectName("rates_never_fetched")
        self.note.setWordWrap(True)
        codes = currency_choices()
        self.model = RatesModel(
            [
                Column("base", self.tr("Base"), editor="choice", choices=lambda _r: codes),
                Column("quote", self.tr("Quote"), editor="choice", choices=lambda _r: codes),
                Column("rate", self.tr("Rate"), editor="text", display=lambda r: rate_text(r.rate)),
                Column(
                    "valid_from",
                    self.tr("Valid from"),
                    editor="text",
                    display=lambda r: date_text(r.valid_from),
                ),
                Column("source", self.tr("Source"), editor="text"),
                Column("reads", self.tr("Reads"), display=reads),
            ],
            self,
        )
        self.model.on_edit = self._edit
        self.table = editable_table("exchange_rates_table", self.model, RecordDelegate)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().hide()
        self.add_button = QPushButton(self.tr("Add rate…"))
        self.add_button.setObjectName("add_exchange_rate")
        self.add_button.clicked.connect(lambda: self.add_rate())
        self.delete_button = QPushButton(self.tr("Delete"))
        self.delete_button.setObjectName("delete_exchange_rate")
        self.delete_button.clicked.connect(lambda: self.delete_rate())
        buttons = QHBoxLayout()
        buttons.addStretch()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.delete_button)
        self.empty = QLabel(self.tr("No rate yet: add one with “Add rate…”."))
        self.empty.setObjectName("no_rates")
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.note)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        session.changed.connect(self._changed)
        self.reload()

    def _changed(self, kind: str) -> None:
        if kind in (KIND, "workspace"):
            self.reload()

    def reload(self) -> None:
        rates = self.session.services.exchange_rates.rates()
        self.model.set_records(rates)
        self.table.resizeColumnsToContents()
        self.empty.setVisible(not rates)
        self.delete_button.setEnabled(bool(rates))

    # -- editing -------------------------------------------------------------------------------

    def _edit(self, record: ExchangeRateRecord, key: str, value: Any) -> str | None:
        try:
            parsed = read_rate_cell(key, value)
        except ValidationError as exc:
            return exc.message
        return self.session.run(
            UpdateCommand(
                fill(self.tr("Edit rate %1→%2"), record.base, record.quote),
                KIND,
                partial(self.session.services.exchange_rates.update, record.id),
                {key: parsed},
            ),
            inline=True,
        )

    def add_rate(self, values: dict[str, Any] | None = None) -> int | None:
        """Add a rate: ``values`` directly (tests, scripts) or from the dialog; its id."""
        if values is None:
            created: list[int | None] = []

            def submit(chosen: dict[str, Any]) -> str | None:
                refused, rate_id = self._create(chosen, inline=True)
                created.append(rate_id)
                return refused

            dialog = ExchangeRateDialog(self.session.services, self, submit)
            dialog.exec()
            dialog.deleteLater()
            return created[-1] if created else None
        return self._create(values, inline=False)[1]

    def _create(self, values: dict[str, Any], *, inline: bool) -> tuple[str | None, int | None]:
        """Add the rate as one undoable step: (the refusal or None, the new id)."""
        rates = self.session.services.exchange_rates
        chosen = dict(values)
        command = CreateCommand(
            fill(self.tr("Add rate %1→%2"), str(chosen["base"]), str(chosen["quote"])),
            KIND,
            lambda forced_id: rates.create(
                chosen["base"],
                chosen["quote"],
                chosen["rate"],
                chosen["valid_from"],
                chosen.get("source", ""),
                rate_id=forced_id,
            ),
            rates.purge,
        )
        refused = self.session.run(command, inline=inline)
        return (refused, None) if refused is not None else (None, command.entity_id)

    def selected(self) -> ExchangeRateRecord | None:
        index = self.table.currentIndex()
        return self.model.record(index.row()) if index.isValid() else None

    def select(self, rate_id: int) -> None:
        row = self.model.row_of(rate_id)
        if row >= 0:
            self.table.selectRow(row)

    def delete_rate(self) -> bool:
        record = self.selected()
        if record is None:
            return False
        rates = self.session.services.exchange_rates
        command = DeleteCommand(
            fill(self.tr("Delete rate %1"), reads(record)),
            KIND,
            partial(rates.delete, record.id),
            rates.restore,
        )
        return self.session.run(command) is None
