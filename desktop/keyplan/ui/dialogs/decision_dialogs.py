"""The client's decision on a sent estimate: approval (who, when, PO) or rejection (when, why).

Both dialogs only collect and check values; the caller records them through the
services in an undoable command. Problems show in red next to their field, and
the dialog accepts only valid values.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtWidgets import QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from keyplan.domain import accounts as rules
from keyplan.domain.errors import ValidationError
from keyplan.ui.dialogs.base_dialog import BaseDialog
from keyplan.ui.formatting import date_text
from keyplan.ui.labels import fill
from keyplan.ui.widgets.form import Form

EARLIEST_YEAR, LATEST_YEAR = 1990, 2200


class _DecisionDialog(BaseDialog):
    """A heading, a form and OK/Cancel; ``accept`` runs every check first."""

    def __init__(self, parent: QWidget | None, window_title: str, title: str) -> None:
        super().__init__(parent)
        self.setWindowTitle(window_title)
        self.heading = QLabel(title)
        self.heading.setObjectName("decision_heading")
        self.heading.setWordWrap(True)
        font = self.heading.font()
        font.setBold(True)
        self.heading.setFont(font)
        self.context = QLabel()
        self.context.setObjectName("decision_context")
        self.context.setWordWrap(True)
        self.form = Form()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.checks: dict[str, Callable[[Any], Any]] = {}
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.context)
        layout.addWidget(self.form)
        layout.addWidget(self.buttons)
        self.form.check.connect(self._check)

    def _watch_date(self, name: str) -> None:
        """Check a date as soon as it changes: a wrong date shows its error at once."""
        widget = self.form.fields[name].widget
        widget.dateChanged.connect(lambda _d: self._check(name, self.form.fields[name].read()))  # type: ignore[attr-defined]

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

    def _date_check(
        self, name: str, sent_on: date | None, late_message: str
    ) -> Callable[[Any], date]:
        def check(value: date) -> date:
            if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
                raise ValidationError(name, self.tr("Enter a date from 1990 on."))
            if sent_on is not None and value < sent_on:
                raise ValidationError(name, fill(late_message, date_text(sent_on)))
            return value

        return check

    def problems(self) -> int:
        """Check every field, show the errors; the number of fields in error."""
        return sum(not self._check(name, self.form.fields[name].read()) for name in self.checks)

    def accept(self) -> None:
        if self.problems() == 0:
            super().accept()


class ApprovalDialog(_DecisionDialog):
    """Who approved at the client, on which day (not before sending), and their PO number."""

    def __init__(self, parent: QWidget | None = None, *, title: str, sent_on: date | None) -> None:
        super().__init__(parent, self.tr("Record approval"), title)
        self.sent_on = sent_on
        if sent_on is not None:
            self.context.setText(fill(self.tr("Sent to the client on %1."), date_text(sent_on)))
        else:
            self.context.hide()
        f = self.form
        f.add_line("approved_by", self.tr("Approved by"), self.tr("Name of the client's approver"))
        f.add_date("approved_on", self.tr("Approved on"))
        f.add_line("po_number", self.tr("PO number"), self.tr("Optional"))
        today = date.today()
        f.set_values(
            {
                "approved_by": "",
                "approved_on": max(today, sent_on) if sent_on else today,
                "po_number": "",
            }
        )
        self.checks = {
            "approved_by": self._approver,
            "approved_on": self._date_check(
                "approved_on",
                sent_on,
                self.tr("The approval cannot come before the estimate was sent (%1)."),
            ),
            "po_number": lambda v: rules.clean_line(v, "approval_po", max_length=60),
        }
        self._watch_date("approved_on")
        self.resize(440, self.sizeHint().height())

    def _approver(self, value: str) -> str:
        if not value.strip():
            raise ValidationError("approved_by", self.tr("Enter who approved at the client."))
        return rules.clean_name(value, "approved_by")

    def values(self) -> tuple[str, date, str]:
        """(approved by, approved on, PO number), cleaned as the services store them."""
        read = {name: field.read() for name, field in self.form.fields.items()}
        return (
            rules.clean_name(read["approved_by"], "approved_by"),
            read["approved_on"],
            rules.clean_line(read["po_number"], "approval_po", max_length=60),
        )


class RejectionDialog(_DecisionDialog):
    """The day the client said no and, in their words, why."""

    def __init__(
        self, parent: QWidget | None = None, *, title: str, sent_on: date | None = None
    ) -> None:
        super().__init__(parent, self.tr("Record rejection"), title)
        self.sent_on = sent_on
        if sent_on is not None:
            self.context.setText(fill(self.tr("Sent to the client on %1."), date_text(sent_on)))
        else:
            self.context.hide()
        f = self.form
        f.add_date("rejected_on", self.tr("Rejected on"))
        f.add_text("reason", self.tr("Reason"), self.tr("What did the client say?"))
        today = date.today()
        f.set_values({"rejected_on": max(today, sent_on) if sent_on else today, "reason": ""})
        self.checks = {
            "rejected_on": self._date_check(
                "rejected_on",
                sent_on,
                self.tr("The rejection cannot come before the estimate was sent (%1)."),
            ),
            "reason": lambda v: rules.clean_text(v, "rejection_reason"),
        }
        self._watch_date("rejected_on")
        self.resize(440, self.sizeHint().height())

    def values(self) -> tuple[date, str]:
        """(rejected on, reason)."""
        read = {name: field.read() for name, field in self.form.fields.items()}
        return read["rejected_on"], rules.clean_text(read["reason"], "rejection_reason")


class SendDialog(_DecisionDialog):
    """The day the revision went to the client (today by default, not before it was issued)."""

    def __init__(
        self, parent: QWidget | None = None, *, title: str, issued_on: date | None = None
    ) -> None:
        super().__init__(parent, self.tr("Mark as sent"), title)
        self.context.setText(
            self.tr(
                "Once sent, this revision is read-only: later changes go into a new "
                "revision (or, once approved, a change order)."
            )
        )
        self.form.add_date("sent_on", self.tr("Sent on"))
        today = date.today()
        self.form.set_values({"sent_on": max(today, issued_on) if issued_on else today})
        self.checks = {
            "sent_on": self._date_check(
                "sent_on", issued_on, self.tr("It cannot be sent before it was issued (%1).")
            ),
        }
        self._watch_date("sent_on")
        self.resize(440, self.sizeHint().height())

    def value(self) -> date:
        sent_on: date = self.form.fields["sent_on"].read()
        return sent_on
