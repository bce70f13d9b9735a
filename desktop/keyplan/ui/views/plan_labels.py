"""Names and colours of the account plan's vocabularies, as the plan screens show them."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QColor

from keyplan.domain.plans import (
    ActionStatus,
    ObjectiveStatus,
    PlanStatus,
    RiskBand,
    RiskStatus,
    SwotQuadrant,
    WhitespaceStatus,
)


def _t(text: str) -> str:
    return QCoreApplication.translate("plan_labels", text)


def plan_status_labels() -> dict[str, str]:
    return {
        PlanStatus.DRAFT: _t("Draft"),
        PlanStatus.ACTIVE: _t("Active"),
        PlanStatus.ARCHIVED: _t("Archived"),
    }


def objective_status_labels() -> dict[str, str]:
    return {
        ObjectiveStatus.NOT_STARTED: _t("Not started"),
        ObjectiveStatus.ON_TRACK: _t("On track"),
        ObjectiveStatus.AT_RISK: _t("At risk"),
        ObjectiveStatus.OFF_TRACK: _t("Off track"),
        ObjectiveStatus.ACHIEVED: _t("Achieved"),
        ObjectiveStatus.DROPPED: _t("Dropped"),
    }


def action_status_labels() -> dict[str, str]:
    return {
        ActionStatus.OPEN: _t("Open"),
        ActionStatus.IN_PROGRESS: _t("In progress"),
        ActionStatus.DONE: _t("Done"),
    }


def risk_status_labels() -> dict[str, str]:
    return {
        RiskStatus.OPEN: _t("Open"),
        RiskStatus.MITIGATING: _t("Mitigating"),
        RiskStatus.CLOSED: _t("Closed"),
    }


def risk_band_labels() -> dict[str, str]:
    return {
        RiskBand.LOW: _t("Low"),
        RiskBand.MEDIUM: _t("Medium"),
        RiskBand.HIGH: _t("High"),
        RiskBand.CRITICAL: _t("Critical"),
    }


def whitespace_labels() -> dict[str, str]:
    return {
        WhitespaceStatus.ACTIVE: _t("Active"),
        WhitespaceStatus.OPPORTUNITY: _t("Opportunity"),
        WhitespaceStatus.NOT_A_FIT: _t("Not a fit"),
        WhitespaceStatus.UNKNOWN: _t("Not known"),
    }


def swot_labels() -> dict[str, str]:
    return {
        SwotQuadrant.STRENGTH: _t("Strengths"),
        SwotQuadrant.WEAKNESS: _t("Weaknesses"),
        SwotQuadrant.OPPORTUNITY: _t("Opportunities"),
        SwotQuadrant.THREAT: _t("Threats"),
    }


# cell fill and text colour: the same meaning as in the plan PDF
WHITESPACE_COLOURS: dict[str, tuple[QColor, QColor]] = {
    WhitespaceStatus.ACTIVE: (QColor("#2E7D32"), QColor("#FFFFFF")),
    WhitespaceStatus.OPPORTUNITY: (QColor("#E8A317"), QColor("#3D2C00")),
    WhitespaceStatus.NOT_A_FIT: (QColor("#C9CED6"), QColor("#1F2933")),
    WhitespaceStatus.UNKNOWN: (QColor("#FFFFFF"), QColor("#5B6472")),
}
BAND_COLOURS: dict[str, tuple[QColor, QColor]] = {
    RiskBand.LOW: (QColor("#C8E6C9"), QColor("#1B5E20")),
    RiskBand.MEDIUM: (QColor("#FCE8B2"), QColor("#3D2C00")),
    RiskBand.HIGH: (QColor("#FFCCBC"), QColor("#8A2A00")),
    RiskBand.CRITICAL: (QColor("#F9D6D5"), QColor("#B42318")),
}
