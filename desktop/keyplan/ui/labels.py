"""User-facing names of the domain's vocabularies, translatable."""

from __future__ import annotations

import re

from PySide6.QtCore import QCoreApplication

from keyplan.domain.accounts import AccountKind, AccountStatus, BuyingRole, Health, NoteKind
from keyplan.domain.contact_reports import ActionStatus, ReportKind, ReportState


def _t(text: str) -> str:
    return QCoreApplication.translate("labels", text)


def health_labels() -> dict[str, str]:
    return {Health.GREEN: _t("Green"), Health.AMBER: _t("Amber"), Health.RED: _t("Red")}


def status_labels() -> dict[str, str]:
    return {
        AccountStatus.PROSPECT: _t("Prospect"),
        AccountStatus.ACTIVE: _t("Active"),
        AccountStatus.AT_RISK: _t("At risk"),
        AccountStatus.DORMANT: _t("Dormant"),
        AccountStatus.LOST: _t("Lost"),
    }


def kind_labels() -> dict[str, str]:
    return {
        AccountKind.STANDALONE: _t("Account"),
        AccountKind.GLOBAL: _t("Global account"),
        AccountKind.SUBSIDIARY: _t("Subsidiary"),
        AccountKind.BUSINESS_UNIT: _t("Business unit"),
    }


def buying_role_labels() -> dict[str, str]:
    return {
        BuyingRole.DECISION_MAKER: _t("Decision maker"),
        BuyingRole.ECONOMIC_BUYER: _t("Economic buyer"),
        BuyingRole.INFLUENCER: _t("Influencer"),
        BuyingRole.CHAMPION: _t("Champion"),
        BuyingRole.USER: _t("User"),
        BuyingRole.BLOCKER: _t("Blocker"),
        BuyingRole.UNKNOWN: _t("Unknown"),
    }


def estimate_status_labels() -> dict[str, str]:
    """Statuses of an estimate revision or change order, in workflow order."""
    return {
        "draft": _t("Draft"),
        "sent": _t("Sent"),
        "approved": _t("Approved"),
        "rejected": _t("Rejected"),
        "superseded": _t("Superseded"),
    }


def estimate_status_label(status: str) -> str:
    return estimate_status_labels().get(status, status)


def note_kind_labels() -> dict[str, str]:
    return {
        NoteKind.NOTE: _t("Note"),
        NoteKind.WORKED: _t("Learning: worked"),
        NoteKind.DID_NOT_WORK: _t("Learning: did not work"),
    }


def count_text(count: int, one: str, many: str, context: str = "counts") -> str:
    """'1 contact' / '4 contacts': both forms translatable; ``many`` holds %n.

    (Qt's own %n plurals need compiled translations to drop the "(s)"; until the
    .qm files exist, the two forms are chosen here.)
    """
    text = QCoreApplication.translate(context, one if count == 1 else many)
    return text.replace("%n", f"{count:,}")


def fill(template: str, *values: str) -> str:
    """Put ``values`` in for %1, %2... of a translated template, in one pass (so a value that
    holds "%2" stays as it is)."""
    return re.sub(
        r"%([1-9])",
        lambda m: values[int(m[1]) - 1] if int(m[1]) <= len(values) else m[0],
        template,
    )


def report_kind_labels() -> dict[str, str]:
    """Kinds of contact report, in the order offered."""
    return {
        ReportKind.MEETING: _t("Meeting"),
        ReportKind.CALL: _t("Call"),
        ReportKind.VIDEO_CALL: _t("Video call"),
        ReportKind.EMAIL: _t("E-mail"),
        ReportKind.WORKSHOP: _t("Workshop"),
    }


def report_state_labels() -> dict[str, str]:
    """Where a contact report stands under the 24-hour rule."""
    return {
        ReportState.UPCOMING: _t("Upcoming"),
        ReportState.DUE: _t("Due"),
        ReportState.DUE_TODAY: _t("Due today"),
        ReportState.OVERDUE: _t("Overdue"),
        ReportState.SENT: _t("Sent"),
    }


def action_status_labels() -> dict[str, str]:
    """Statuses of an action item, in workflow order."""
    return {
        ActionStatus.OPEN: _t("Open"),
        ActionStatus.IN_PROGRESS: _t("In progress"),
        ActionStatus.DONE: _t("Done"),
        ActionStatus.DROPPED: _t("Dropped"),
    }
