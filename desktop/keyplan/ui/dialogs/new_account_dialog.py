"""New account: the few fields an account needs to exist; the rest is in Overview."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QDialogButtonBox, QVBoxLayout, QWidget

from keyplan.domain.accounts import STANDARD_TIERS
from keyplan.domain.errors import ValidationError
from keyplan.services.records import AccountDraft
from keyplan.services.workspace import WorkspaceServices
from keyplan.ui.dialogs.base_dialog import BaseDialog
from keyplan.ui.labels import kind_labels
from keyplan.ui.views.account_overview import country_choices, currency_choices
from keyplan.ui.widgets.form import Form

DRAFT_FIELDS = ("name", "parent_id", "kind", "market", "tier", "currency", "owner_id")


class NewAccountDialog(BaseDialog):
    def __init__(
        self,
        services: WorkspaceServices,
        parent_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("New account"))
        self.services = services
        self.form = Form()
        f = self.form
        f.add_line("name", self.tr("Name"), self.tr("e.g. Saigon Mart Online"))
        accounts = [(a.name, a.id) for a in services.accounts.all()]
        f.add_choice(
            "parent_id", self.tr("Part of"), [(self.tr("(none: top level)"), None), *accounts]
        )
        f.add_choice("kind", self.tr("Kind"), [(t, k) for k, t in kind_labels().items()])
        f.add_choice("market", self.tr("Market"), country_choices(self.tr("(not set)")))
        f.add_choice("tier", self.tr("Tier"), [(t, t) for t in STANDARD_TIERS], editable=True)
        f.add_choice("currency", self.tr("Currency"), currency_choices())
        owners = [(m.name, m.id) for m in services.team.all()]
        f.add_choice("owner_id", self.tr("Owner"), [(self.tr("(nobody)"), None), *owners])
        kind = "subsidiary" if parent_id else "standalone"
        f.set_values(
            {
                "name": "",
                "parent_id": parent_id,
                "kind": kind,
                "market": "",
                "tier": "Medium",
                "currency": services.agency.get().default_currency,
                "owner_id": None,
            }
        )
        f.check.connect(self._check)
        f.fields["parent_id"].widget.currentIndexChanged.connect(self._parent_changed)  # type: ignore[attr-defined]

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons
        layout = QVBoxLayout(self)
        layout.addWidget(f)
        layout.addWidget(buttons)
        if not self.has_saved_geometry:
            self.resize(460, self.sizeHint().height())

    def _parent_changed(self) -> None:
        has_parent = self.form.fields["parent_id"].read() is not None
        kind = self.form.fields["kind"]
        if has_parent and kind.read() in ("standalone", "global"):
            kind.write("subsidiary")
        if not has_parent and kind.read() in ("subsidiary", "business_unit"):
            kind.write("standalone")

    def _check(self, name: str, value: Any) -> None:
        try:
            self.services.accounts.check(name, value)
        except ValidationError as exc:
            self.form.show_error(name, exc.message)
        else:
            self.form.clear_error(name)

    def draft(self) -> AccountDraft:
        values = {name: self.form.fields[name].read() for name in DRAFT_FIELDS}
        return AccountDraft(**values)

    def accept(self) -> None:
        """Accept only a valid draft; otherwise show each problem next to its field."""
        problems = 0
        for name in DRAFT_FIELDS:
            try:
                self.services.accounts.check(name, self.form.fields[name].read())
            except ValidationError as exc:
                self.form.show_error(
                    exc.field if exc.field in self.form.fields else name, exc.message
                )
                problems += 1
            else:
                self.form.clear_error(name)
        if problems == 0:
            super().accept()
