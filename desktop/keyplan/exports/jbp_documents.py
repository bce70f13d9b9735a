"""What the JBP workbook and PDF render: a joint business plan as the client may see it.

A JBP is agreed with the client, so there is one audience. The document types have no field
for the plan's internal notes (nor for anything else the agency keeps to itself), so no
exporter can leak them. The services build the document (``services.exporting.jbp_document``)
with every figure already computed by :mod:`keyplan.domain.jbp` (variances, % achieved, RAG,
what each side pays); the renderers print those figures and, in the workbook, write the same
arithmetic as live formulas whose cached values are these figures.

Only plain values live inside (``str``, ``int``, ``bool``, ``Decimal``, ``date``), so a document
can cross threads.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from keyplan.exports.documents import AgencyHeader

__all__ = [
    "JbpActionLine",
    "JbpActivityLine",
    "JbpDocument",
    "JbpFigure",
    "JbpFunderTotals",
    "JbpInvestmentLine",
    "JbpMeasureLine",
    "JbpObjectiveLine",
    "JbpPeriodFigure",
    "JbpPeriodLine",
    "JbpScorecardLine",
]


@dataclass(frozen=True, slots=True)
class JbpFigure:
    """Plan against actual of one measure in one period (or to date)."""

    target: Decimal | None
    actual: Decimal | None
    variance: Decimal | None
    achieved_percent: Decimal | None
    rag: str  # "green", "amber", "red" or "" (not both figures)
    note: str = ""  # e.g. "from 2 months"


@dataclass(frozen=True, slots=True)
class JbpMeasureLine:
    name: str
    kind: str  # "Growth target" or "KPI"
    metric: str  # its label: "Turnover", "Margin %"...
    unit: str
    is_money: bool
    higher_is_better: bool
    additive: bool  # summed over periods (else carried / averaged)
    places: int  # decimals to show
    round_places: int  # decimals the spreadsheet rounds its arithmetic to
    baseline: Decimal | None
    target: Decimal | None
    growth: Decimal | None  # target - baseline
    growth_percent: Decimal | None  # of the baseline, 1 decimal


@dataclass(frozen=True, slots=True)
class JbpScorecardLine:
    measure: JbpMeasureLine
    quarters: tuple[JbpFigure, ...]  # Q1 .. Q4
    to_date: JbpFigure  # the quarters with an actual: summed (additive) or the latest
    quarters_reported: int
    bar: Decimal | None  # the actual as a share of the year's target (1 = all of it)
    marker: Decimal | None  # where the plan says it should be by now


@dataclass(frozen=True, slots=True)
class JbpActionLine:
    description: str
    owner: str
    due: date | None
    status: str  # its label


@dataclass(frozen=True, slots=True)
class JbpPeriodFigure:
    measure: str
    unit: str
    is_money: bool
    higher_is_better: bool
    places: int
    round_places: int
    figure: JbpFigure


@dataclass(frozen=True, slots=True)
class JbpPeriodLine:
    """A QBP or an MBP with its own figures."""

    code: str  # "2026-Q2", "2026-05"
    label: str  # "Q2 2026", "May 2026"
    kind: str  # "QBP" or "MBP"
    focus: str
    commentary: str
    figures: tuple[JbpPeriodFigure, ...]
    actions: tuple[JbpActionLine, ...]


@dataclass(frozen=True, slots=True)
class JbpObjectiveLine:
    statement: str
    client_owner: str
    agency_owner: str
    status: str  # its label


@dataclass(frozen=True, slots=True)
class JbpInvestmentLine:
    description: str
    funded_by: str  # "Client", "Agency" or "Shared" (the workbook's SUMIFS match these)
    client_share: Decimal  # % the client pays: 100 for the client, 0 for the agency
    currency: str
    minor_units: int
    amount: Decimal
    client_pays: Decimal
    agency_pays: Decimal
    starts_on: date | None
    ends_on: date | None


@dataclass(frozen=True, slots=True)
class JbpFunderTotals:
    currency: str
    minor_units: int
    client_funded: Decimal
    agency_funded: Decimal
    shared: Decimal
    total: Decimal
    client_pays: Decimal
    agency_pays: Decimal


@dataclass(frozen=True, slots=True)
class JbpActivityLine:
    name: str
    kind: str  # its label
    owner: str
    status: str  # its label
    starts_on: date
    ends_on: date | None


@dataclass(frozen=True)
class JbpDocument:
    agency: AgencyHeader
    client_name: str
    client_legal_name: str
    title: str
    year: int
    status: str  # its label
    signed: bool  # the status is signed, active or closed
    phases: tuple[str, ...]  # labels, in order
    phase_index: int  # 0-based, the current phase
    review_cadence: str  # its label
    currency: str
    vision: str
    prepared_by: str
    issued_on: date
    objectives: tuple[JbpObjectiveLine, ...]
    measures: tuple[JbpMeasureLine, ...]  # growth targets first, then KPIs
    scorecard: tuple[JbpScorecardLine, ...]
    periods: tuple[JbpPeriodLine, ...]  # QBPs, then MBPs
    investments: tuple[JbpInvestmentLine, ...]
    funder_totals: tuple[JbpFunderTotals, ...]
    activities: tuple[JbpActivityLine, ...]
    client_signatory: str
    client_signed_on: date | None
    agency_signatory: str
    agency_signed_on: date | None

    @property
    def phase(self) -> str:
        return self.phases[self.phase_index]
