"""New estimate: account, project, title, currency, issue date and the standard tax rate.

``values()`` is the keyword arguments of ``EstimateService.create``; the caller
creates the estimate in an undoable command. Sections and lines come in the editor.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from PySide6.QtWidgets import QDialogButtonBox, QVBoxLayout, QWidget

from keyplan.domain import accounts as rules
from keyplan.domain.errors import ValidationError
from keyplan.services.workspace import WorkspaceServices
from keyplan.ui.dialogs.base_dialog import BaseDialog
from keyplan.ui.formatting import quantity_text, read_decimal
from keyplan.ui.views.account_overview import currency_choices
from keyplan.ui.widgets.form import Form

FIELDS = ("account_id", "project_id", "title", "currency", "issued_on", "tax_rate")
EARLIEST_YEAR, LATEST_YEAR = 1990, 2200


class NewEstimateDialog(BaseDialog):
    def __init__(
        self,
        services: WorkspaceServices,
        account_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("New estimate"))
        self.services = services
        self.accounts = {a.id: a for a in services.accounts.all()}
        f = self.form = Form()
        f.add_choice(
            "account_id", self.tr("Account"), [(a.name, a.id) for a in self.accounts.values()]
        )
        f.add_choice("project_id", self.tr("Project"), [])
        f.add_line("title", self.tr("Title"), self.tr("e.g. Tết 2027 campaign"))
        f.add_choice("currency", self.tr("Currency"), currency_choices())
        f.add_date("issued_on", self.tr("Issued on"))
        f.add_line("tax_rate", self.tr("Standard tax rate %"), self.tr("e.g. 10"))
        if account_id not in self.accounts:
            account_id = next(iter(self.accounts), None)
        profile = services.agency.get()
        f.set_values(
            {
                "account_id": account_id,
                "title": "",
                "currency": profile.default_currency,
                "issued_on": date.today(),
                "tax_rate": quantity_text(profile.default_tax_rate),
            }
        )
        self._account_changed()
        f.fields["account_id"].widget.currentIndexChanged.connect(self._account_changed)  # type: ignore[attr-defined]
        f.check.connect(self._check)
        self.checks: dict[str, Callable[[Any], Any]] = {
            "account_id": self._account,
            "title": self._title,
            "currency": rules.clean_currency,
            "issued_on": self._issued_on,
            "tax_rate": self._tax_rate,
        }

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(f)
        layout.addWidget(self.buttons)
        self.resize(480, self.sizeHint().height())
        f.fields["title"].widget.setFocus()  # the account is usually chosen already

    def _account_changed(self) -> None:
        """Offer the account's projects, and its currency."""
        account = self.accounts.get(self.form.fields["account_id"].read())
        projects = self.services.projects.for_account(account.id) if account else []
        self.form.set_choices(
            "project_id", [(self.tr("(no project)"), None), *((p.name, p.id) for p in projects)]
        )
        self.form.fields["project_id"].write(None)
        if account is not None:
            self.form.fields["currency"].write(account.currency)
            self.form.clear_error("currency")
            self.form.clear_error("account_id")

    # -- checks --------------------------------------------------------------------------

    def _account(self, value: int | None) -> int:
        if value is None or value not in self.accounts:
            if not self.accounts:
                raise ValidationError("account_id", self.tr("Create an account first."))
            raise ValidationError("account_id", self.tr("Choose the client account."))
        return value

    def _title(self, value: str) -> str:
        if not value.strip():
            raise ValidationError("title", self.tr("Give the estimate a title."))
        return rules.clean_name(value, "title")

    def _issued_on(self, value: date) -> date:
        if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
            raise ValidationError("issued_on", self.tr("Enter a date from 1990 on."))
        return value

    def _tax_rate(self, value: str) -> Decimal:
        return rules.clean_percent(read_decimal(value, "tax_rate"), "tax_rate")

    def _check(self, name: str, value: Any) -> bool:
        check = self.checks.get(name)
        if check is None:
            return True
        try:
            check(value)
        except ValidationError as exc:
            self.form.show_error(name, exc.message)
            return False
        self.form.clear_error(name)
        return True

    # -- result --------------------------------------------------------------------------

    def accept(self) -> None:
        """Accept only valid values; otherwise show each problem next to its field."""
        problems = sum(not self._check(name, self.form.fields[name].read()) for name in self.checks)
        if problems == 0:
            super().accept()

    def values(self) -> dict[str, Any]:
        """Keyword arguments for ``EstimateService.create`` (call after the dialog accepted)."""
        read = {name: self.form.fields[name].read() for name in FIELDS}
        return {
            "account_id": self._account(read["account_id"]),
            "title": self._title(read["title"]),
            "project_id": read["project_id"],
            "currency": rules.clean_currency(read["currency"] or ""),
            "issued_on": self._issued_on(read["issued_on"]),
            "tax_rate": self._tax_rate(read["tax_rate"]),
        }
