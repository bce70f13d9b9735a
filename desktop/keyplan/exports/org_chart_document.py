"""What the org chart (relationship map) in a PDF prints: plain frozen values built by
``keyplan.services.relationships.org_chart_document``, never from the database directly.

The audience split is in the values: a client-safe document (``client_safe``) is built without
the internal ratings (relationship strength, influence), buying roles and coverage (last
reached, overdue), so no drawing code can print them by mistake.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from keyplan.domain.relationships import ChartLayout

__all__ = ["OrgChartDocument", "OrgChartNode"]


@dataclass(frozen=True, slots=True)
class OrgChartNode:
    contact_id: int
    name: str
    title: str
    buying_role: str = ""  # as printed ("Decision maker"); "" when unknown or client-safe
    influence: int | None = None  # 1-5; None when not rated or client-safe
    strength: int | None = None  # relationship strength 1-5; None when not rated or client-safe
    last_reached: date | None = None  # None when never reached or client-safe
    overdue: bool = False  # not reached within the account's cadence (never when client-safe)


@dataclass(frozen=True, slots=True)
class OrgChartDocument:
    """One account's org chart: its contacts, where each box goes, and the audience."""

    account_name: str
    nodes: tuple[OrgChartNode, ...]
    layout: ChartLayout  # slots by contact id, and the reports-to lines
    as_of: date  # the day coverage was measured on
    cadence_days: int | None = None
    client_safe: bool = False
