"""The Portfolio page's three charts, drawn with QtCharts in the palette's colours.

Each ``draw_*`` empties a chart view and fills it again from the overview's records: revenue
target and actual bars with the forecast as a line, pipeline by stage as horizontal bars (the
funnel reads top down), accounts by health and tier as stacked bars. Values are divided by a
power of a thousand (see :func:`~keyplan.ui.views.portfolio_widgets.axis_scale`) so the axis
reads 1.2 rather than 1200000; the axis title says the unit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QLineSeries,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPalette, QPen

from keyplan.services.portfolio_records import RevenuePoint, StageBar
from keyplan.ui.formatting import money_with_symbol
from keyplan.ui.labels import fill, health_labels
from keyplan.ui.views.portfolio_widgets import axis_scale, month_label, series_colours
from keyplan.ui.widgets.rag_badge import RAG_COLOURS

__all__ = ["draw_health", "draw_pipeline", "draw_revenue", "stage_labels"]

HEALTHS = ("green", "amber", "red")


def _t(text: str) -> str:
    return QCoreApplication.translate("PortfolioView", text)


def stage_labels() -> dict[str, str]:
    """The stages the pipeline chart shows (lost is not pipeline), funnel order."""
    return {
        "identified": _t("Identified"),
        "qualified": _t("Qualified"),
        "proposal": _t("Proposal"),
        "negotiation": _t("Negotiation"),
        "won": _t("Won"),
    }


def _prepare(view: QChartView, title: str, palette: QPalette, font: QFont) -> QChart:
    """The view's chart emptied, titled and coloured for ``palette``."""
    chart = view.chart()
    chart.removeAllSeries()
    for axis in chart.axes():
        chart.removeAxis(axis)
    text = palette.color(QPalette.ColorRole.WindowText)
    chart.setBackgroundBrush(QBrush(palette.color(QPalette.ColorRole.Base)))
    chart.setBackgroundPen(QPen(palette.color(QPalette.ColorRole.Mid), 1))
    chart.setBackgroundRoundness(4)
    chart.setTitle(title)
    chart.setTitleBrush(QBrush(text))
    bold = QFont(font)
    bold.setBold(True)
    chart.setTitleFont(bold)
    chart.legend().setLabelColor(text)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    return chart


def _style_axis(axis: QBarCategoryAxis | QValueAxis, palette: QPalette, font: QFont) -> None:
    text = palette.color(QPalette.ColorRole.WindowText)
    axis.setLabelsColor(text)
    axis.setTitleBrush(QBrush(text))
    axis.setGridLineColor(palette.color(QPalette.ColorRole.Midlight))
    axis.setLinePenColor(palette.color(QPalette.ColorRole.Mid))
    small = QFont(font)
    small.setPointSizeF(max(small.pointSizeF() * 0.85, 7.0))
    axis.setLabelsFont(small)
    axis.setTitleFont(small)


def _value_axis(
    maximum: float, title: str, palette: QPalette, font: QFont, *, integer: bool = False
) -> QValueAxis:
    axis = QValueAxis()
    axis.setTitleText(title)
    axis.setMin(0)
    if integer:  # whole numbers on whole ticks: never "3" printed at 3.96
        top = int(maximum) + 1
        axis.setLabelFormat("%d")
        axis.setMax(top)
        if top <= 10:
            axis.setTickCount(top + 1)
        else:
            axis.applyNiceNumbers()
    else:
        axis.setMax(maximum * 1.1 if maximum > 0 else 1)
        axis.setLabelFormat("%.1f" if maximum * 1.1 < 10 else "%.0f")
        axis.applyNiceNumbers()
    _style_axis(axis, palette, font)
    return axis


def _categories(names: Sequence[str], palette: QPalette, font: QFont) -> QBarCategoryAxis:
    axis = QBarCategoryAxis()
    axis.append(list(names))
    _style_axis(axis, palette, font)
    return axis


def draw_revenue(
    view: QChartView,
    points: Sequence[RevenuePoint],
    currency: str,
    palette: QPalette,
    font: QFont,
) -> None:
    """Target and actual bars per month, the forecast as a line over them."""
    chart = _prepare(view, fill(_t("Revenue by month (%1)"), currency), palette, font)
    colours = series_colours(palette)
    values = [float(v) for p in points for v in (p.target, p.actual, p.forecast) if v is not None]
    scale, unit = axis_scale(max(values, default=0.0), currency)
    bars = QBarSeries()
    for key, name in (("target", _t("Target")), ("actual", _t("Actual"))):
        bar_set = QBarSet(name)
        bar_set.setObjectName(key)
        bar_set.setColor(colours[key])
        bar_set.setBorderColor(colours[key])
        for point in points:
            value = getattr(point, key)
            bar_set.append(float(value) / scale if value is not None else 0.0)
        bars.append(bar_set)
    bars.setBarWidth(0.8)
    line = QLineSeries()
    line.setName(_t("Forecast"))
    line.setObjectName("forecast")
    line.setPen(QPen(colours["forecast"], 2.5))
    line.setPointsVisible(True)
    for index, point in enumerate(points):
        if point.forecast is not None:
            line.append(index, float(point.forecast) / scale)
    chart.addSeries(bars)
    chart.addSeries(line)
    # a month without a rate has no bars: say so under it rather than look like zero revenue
    months = [
        month_label(p.month, with_year=i == 0 or p.month.month == 1)
        + ("\n" + _t("no rate") if p.no_rate else "")
        for i, p in enumerate(points)
    ]
    categories = _categories(months, palette, font)
    axis = _value_axis(max(values, default=0.0) / scale, unit, palette, font)
    chart.addAxis(categories, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(axis, Qt.AlignmentFlag.AlignLeft)
    for series in (bars, line):
        series.attachAxis(categories)
        series.attachAxis(axis)
    # a screen reader hears the figures the bars show
    view.setAccessibleDescription(
        "; ".join(
            f"{month_label(p.month, True)}: "
            + ", ".join(
                f"{name} {money_with_symbol(v, currency)}"
                for name, v in (
                    (_t("target"), p.target),
                    (_t("forecast"), p.forecast),
                    (_t("actual"), p.actual),
                )
                if v is not None
            )
            for p in points
        )
    )


def draw_pipeline(
    view: QChartView, currency: str, bars: Sequence[StageBar], palette: QPalette, font: QFont
) -> None:
    """Amount and weighted value per stage of ``bars`` (all in ``currency``)."""
    chart = _prepare(view, fill(_t("Pipeline by stage (%1)"), currency), palette, font)
    colours = series_colours(palette)
    labels = stage_labels()
    by_stage = {b.stage: b for b in bars}
    stages = [s for s in labels if s in by_stage] or list(labels)
    values = [float(b.amount) for b in bars]
    scale, unit = axis_scale(max(values, default=0.0), currency)
    series = QHorizontalBarSeries()
    ordered = list(reversed(stages))  # Qt puts the first category at the bottom
    for key, name in (("amount", _t("Amount")), ("weighted", _t("Weighted"))):
        bar_set = QBarSet(name)
        bar_set.setObjectName(key)
        bar_set.setColor(colours[key])
        bar_set.setBorderColor(colours[key])
        for stage in ordered:
            bar = by_stage.get(stage)
            bar_set.append(float(getattr(bar, key)) / scale if bar else 0.0)
        series.append(bar_set)
    series.setBarWidth(0.8)
    chart.addSeries(series)
    names = [f"{labels[s]} ({by_stage[s].count})" if s in by_stage else labels[s] for s in ordered]
    categories = _categories(names, palette, font)
    axis = _value_axis(max(values, default=0.0) / scale, unit, palette, font)
    chart.addAxis(categories, Qt.AlignmentFlag.AlignLeft)
    chart.addAxis(axis, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(categories)
    series.attachAxis(axis)


def draw_health(
    view: QChartView,
    tiers: Sequence[str],
    counts: Mapping[tuple[str, str], int],
    palette: QPalette,
    font: QFont,
) -> None:
    """Accounts per tier, stacked green / amber / red (``counts``: (tier, health) -> n)."""
    chart = _prepare(view, _t("Accounts by health and tier"), palette, font)
    labels = health_labels()
    series = QStackedBarSeries()
    for health in HEALTHS:
        bar_set = QBarSet(labels.get(health, health))
        bar_set.setObjectName(health)
        bar_set.setColor(QColor(RAG_COLOURS[health]))
        bar_set.setBorderColor(QColor(RAG_COLOURS[health]))
        for tier in tiers:
            bar_set.append(counts.get((tier, health), 0))
        series.append(bar_set)
    series.setBarWidth(0.6)
    chart.addSeries(series)
    categories = _categories(list(tiers) or [_t("(no accounts)")], palette, font)
    most = max((sum(counts.get((t, h), 0) for h in HEALTHS) for t in tiers), default=0)
    axis = _value_axis(float(most), _t("Accounts"), palette, font, integer=True)
    chart.addAxis(categories, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(axis, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(categories)
    series.attachAxis(axis)
