"""Overview tab: every field of an account, each saved when it is left."""

from __future__ import annotations

from functools import partial
from typing import Any

from PySide6.QtWidgets import QScrollArea, QVBoxLayout, QWidget

from keyplan.domain.accounts import STANDARD_TIERS, countries
from keyplan.domain.errors import ValidationError
from keyplan.domain.money import common_codes
from keyplan.services.records import AccountRecord
from keyplan.ui.commands import UpdateCommand
from keyplan.ui.labels import health_labels, kind_labels, status_labels
from keyplan.ui.operations import WorkspaceSession
from keyplan.ui.widgets.form import Form


def _descendants(records: list[AccountRecord], account_id: int) -> list[AccountRecord]:
    """The accounts under ``account_id``: they cannot become its parent."""
    children: dict[int, list[AccountRecord]] = {}
    for record in records:
        if record.parent_id is not None:
            children.setdefault(record.parent_id, []).append(record)
    found: list[AccountRecord] = []
    frontier = [account_id]
    while frontier:
        kids = [kid for parent in frontier for kid in children.get(parent, [])]
        found.extend(kids)
        frontier = [kid.id for kid in kids]
    return found


def currency_choices() -> list[tuple[str, str]]:
    return [(code, code) for code in common_codes()]


def country_choices(none_text: str) -> list[tuple[str, str]]:
    names = sorted(countries().items(), key=lambda item: item[1])
    return [(none_text, ""), *((f"{name} ({code})", code) for code, name in names)]


class AccountOverview(QWidget):
    def __init__(self, session: WorkspaceSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.account: AccountRecord | None = None
        self.form = Form()
        f = self.form
        f.add_line("name", self.tr("Name"))
        f.add_line("legal_name", self.tr("Legal name"))
        f.add_choice("parent_id", self.tr("Parent account"), [])
        f.add_choice("kind", self.tr("Kind"), [(t, k) for k, t in kind_labels().items()])
        f.add_line("industry", self.tr("Industry"))
        f.add_choice("market", self.tr("Market"), country_choices(self.tr("(not set)")))
        f.add_choice("tier", self.tr("Tier"), [(t, t) for t in STANDARD_TIERS], editable=True)
        f.add_choice("currency", self.tr("Currency"), currency_choices())
        f.add_choice("owner_id", self.tr("Owner"), [])
        f.add_choice("status", self.tr("Status"), [(t, k) for k, t in status_labels().items()])
        f.add_choice("health", self.tr("Health"), [(t, k) for k, t in health_labels().items()])
        f.add_text("health_reason", self.tr("Health reason"), self.tr("Why this colour?"))
        f.add_label("health_date", self.tr("Health set on"))
        f.add_spin(
            "contact_cadence_days",
            self.tr("Contact cadence"),
            1,
            365,
            none_text=self.tr("not set"),
            suffix=self.tr(" days"),
        )
        f.add_text("notes", self.tr("Notes"))
        f.commit.connect(self._commit)
        f.check.connect(self._check)

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(f)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)

    def show_account(self, account: AccountRecord) -> None:
        if self.account is None or self.account.id != account.id:
            self.form.reset()
        self.account = account
        services = self.session.services
        accounts = services.accounts.all()
        excluded = {account.id, *(a.id for a in _descendants(accounts, account.id))}
        parents = [(a.name, a.id) for a in accounts if a.id not in excluded]
        self.form.set_choices("parent_id", [(self.tr("(none: top level)"), None), *parents])
        owners = [(m.name, m.id) for m in services.team.all()]
        if account.owner_id is not None and account.owner_id not in {i for _, i in owners}:
            removed = self.tr("%1 (removed)").replace("%1", account.owner_name)
            owners.append((removed, account.owner_id))  # still the owner until changed
        self.form.set_choices("owner_id", [(self.tr("(nobody)"), None), *owners])
        values: dict[str, Any] = {
            name: getattr(account, name) for name in self.form.fields if hasattr(account, name)
        }
        values["health_date"] = account.health_date.isoformat() if account.health_date else ""
        self.form.set_values(values)

    def _check(self, name: str, value: Any) -> None:
        try:
            self.session.services.accounts.check(name, value)
        except ValidationError as exc:
            self.form.show_error(name, exc.message)
        else:
            self.form.clear_error(name)

    def _commit(self, name: str, value: Any) -> None:
        if self.account is None:
            return
        label = self.form.layout_.labelForField(self.form.fields[name].widget.parentWidget())
        field_label = label.text() if label is not None else name  # type: ignore[attr-defined]
        command = UpdateCommand(
            self.tr("Edit %1 of %2").replace("%1", field_label).replace("%2", self.account.name),
            "account",
            partial(self.session.services.accounts.update, self.account.id),
            {name: value},
        )
        error = self.session.run(command, inline=True)
        if error:
            self.form.show_error(name, error)
        else:
            self.form.clear_error(name)
