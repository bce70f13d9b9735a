"""A JBP record as the document its workbook and PDF render (client-facing: no internal notes).

Every figure comes from :mod:`keyplan.domain.jbp` through the record and its scorecard
(:func:`keyplan.services.jbp_records.scorecard`); nothing is recomputed by the renderers.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from keyplan.domain import jbp as rules
from keyplan.domain.money import Currency
from keyplan.exports.documents import AgencyHeader
from keyplan.exports.jbp_documents import (
    JbpActionLine,
    JbpActivityLine,
    JbpDocument,
    JbpFigure,
    JbpFunderTotals,
    JbpInvestmentLine,
    JbpMeasureLine,
    JbpObjectiveLine,
    JbpPeriodFigure,
    JbpPeriodLine,
    JbpScorecardLine,
)
from keyplan.services.jbp_records import JbpMeasureRecord, JbpRecord, ReviewLine, scorecard

__all__ = ["build_jbp_document", "measure_places"]

_RATIO_ROUNDING = 4


def measure_places(record: JbpRecord, measure: JbpMeasureRecord) -> tuple[int, int]:
    """(decimals to show, decimals the spreadsheet rounds to) for ``measure``: the currency's
    minor units for money; else the most decimals its figures use (at most 4), and 4."""
    if measure.is_money:
        places = Currency.get(measure.unit).minor_units
        return places, places
    figures = [measure.baseline, measure.target]
    for period in record.periods:
        value = period.value(measure.id)
        if value is not None:
            figures += [value.target, value.actual]
    shown = max((rules.value_places(f.normalize()) for f in figures if f is not None), default=0)
    return min(shown, 4), _RATIO_ROUNDING


def _figure(comparison: rules.Comparison, note: str = "") -> JbpFigure:
    return JbpFigure(
        comparison.target,
        comparison.actual,
        comparison.variance,
        comparison.achieved_percent,
        comparison.rag.value if comparison.rag else "",
        note,
    )


def _line_note(line: ReviewLine) -> str:
    if line.actual_source != "months":
        return ""
    return f"from {line.months_reported} month" + ("s" if line.months_reported != 1 else "")


def _measure(record: JbpRecord, measure: JbpMeasureRecord) -> JbpMeasureLine:
    places, rounding = measure_places(record, measure)
    return JbpMeasureLine(
        name=measure.name,
        kind=rules.KIND_LABELS.get(measure.kind, measure.kind),
        metric=rules.METRIC_LABELS.get(measure.metric, measure.metric),
        unit=measure.unit,
        is_money=measure.is_money,
        higher_is_better=measure.higher_is_better,
        additive=measure.additive,
        places=places,
        round_places=rounding,
        baseline=measure.baseline,
        target=measure.target,
        growth=measure.growth,
        growth_percent=measure.growth_percent,
    )


def build_jbp_document(
    record: JbpRecord,
    agency: AgencyHeader,
    *,
    client_legal_name: str = "",
    prepared_by: str = "",
    issued_on: date | None = None,
) -> JbpDocument:
    """The client's document of ``record``; ``issued_on`` defaults to today."""
    measures = {m.id: _measure(record, m) for m in record.measures}
    rows = []
    for row in scorecard(record):
        progress = row.progress
        reported = progress.quarters_reported
        note = f"{reported} quarter{'s' if reported != 1 else ''} reported" if reported else ""
        rows.append(
            JbpScorecardLine(
                measure=measures[row.measure.id],
                quarters=tuple(_figure(q.comparison, _line_note(q)) for q in row.quarters),
                to_date=_figure(progress.to_date, note),
                quarters_reported=reported,
                bar=progress.bar,
                marker=progress.marker,
            )
        )
    periods = []
    for period in record.periods:
        figures = []
        for measure in record.measures:
            value = period.value(measure.id)
            if value is None or (value.target is None and value.actual is None):
                continue
            line = measures[measure.id]
            figures.append(
                JbpPeriodFigure(
                    measure=measure.name,
                    unit=measure.unit,
                    is_money=measure.is_money,
                    higher_is_better=measure.higher_is_better,
                    places=line.places,
                    round_places=line.round_places,
                    figure=_figure(
                        rules.compare(value.target, value.actual, measure.higher_is_better)
                    ),
                )
            )
        periods.append(
            JbpPeriodLine(
                code=period.period,
                label=period.label,
                kind="QBP" if period.kind == "quarter" else "MBP",
                focus=period.focus,
                commentary=period.commentary,
                figures=tuple(figures),
                actions=tuple(
                    JbpActionLine(
                        a.description,
                        a.owner,
                        a.due,
                        rules.ACTION_STATUS_LABELS.get(a.status, a.status),
                    )
                    for a in period.actions
                ),
            )
        )
    investments = []
    for investment in record.investments:
        if investment.funded_by == rules.Funder.CLIENT:
            share = Decimal(100)
        elif investment.funded_by == rules.Funder.AGENCY:
            share = Decimal(0)
        else:
            share = Decimal(50) if investment.client_share is None else investment.client_share
        investments.append(
            JbpInvestmentLine(
                description=investment.description,
                funded_by=rules.FUNDER_LABELS[investment.funded_by],
                client_share=share,
                currency=investment.currency,
                minor_units=Currency.get(investment.currency).minor_units,
                amount=investment.amount,
                client_pays=investment.client_pays,
                agency_pays=investment.agency_pays,
                starts_on=investment.starts_on,
                ends_on=investment.ends_on,
            )
        )
    return JbpDocument(
        agency=agency,
        client_name=record.account_name,
        client_legal_name=client_legal_name,
        title=record.title,
        year=record.year,
        status=rules.STATUS_LABELS.get(record.status, record.status),
        signed=record.status in rules.SIGNED_STATUSES,
        phases=tuple(rules.PHASE_LABELS[phase] for phase in rules.PHASES),
        phase_index=rules.PHASES.index(rules.Phase(record.phase)),
        review_cadence=rules.CADENCE_LABELS.get(record.review_cadence, record.review_cadence),
        currency=record.currency,
        vision=record.vision,
        prepared_by=prepared_by,
        issued_on=issued_on or date.today(),
        objectives=tuple(
            JbpObjectiveLine(
                o.statement,
                o.client_owner,
                o.agency_owner,
                rules.OBJECTIVE_STATUS_LABELS.get(o.status, o.status),
            )
            for o in record.objectives
        ),
        measures=tuple(measures[m.id] for m in record.measures),
        scorecard=tuple(rows),
        periods=tuple(periods),
        investments=tuple(investments),
        funder_totals=tuple(
            JbpFunderTotals(
                t.currency,
                Currency.get(t.currency).minor_units,
                t.client_funded,
                t.agency_funded,
                t.shared,
                t.total,
                t.client_pays,
                t.agency_pays,
            )
            for t in record.funder_totals
        ),
        activities=tuple(
            JbpActivityLine(
                a.name,
                rules.ACTIVITY_KIND_LABELS.get(a.kind, a.kind),
                a.owner,
                rules.ACTIVITY_STATUS_LABELS.get(a.status, a.status),
                a.starts_on,
                a.ends_on,
            )
            for a in record.activities
        ),
        client_signatory=record.client_signatory,
        client_signed_on=record.client_signed_on,
        agency_signatory=record.agency_signatory,
        agency_signed_on=record.agency_signed_on,
    )
