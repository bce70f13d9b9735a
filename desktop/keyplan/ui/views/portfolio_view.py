"""Portfolio page: the dashboard an account director opens first.

KPI tiles, three charts (revenue target / forecast / actual by month, pipeline by stage,
accounts by health and tier), a six-month look-ahead timeline with the same items in a list
for keyboard users, and what is overdue. Everything comes from one
``PortfolioService.overview`` call; the page reads it again when data it shows changes (only
once it is visible) and redraws in the palette's colours when the system turns light or dark.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from PySide6.QtCharts import (
    QChart,
)
from PySide6.QtCore import QCoreApplication, QEvent, QMargins, QModelIndex, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QPainter,
    QPalette,
    QShowEvent,
    QStandardItemModel,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from keyplan.domain.forecast import FxRate
from keyplan.domain.money import common_codes
from keyplan.services.portfolio_records import (
    LookAheadKind,
    MoneyTile,
    OverdueKind,
    PortfolioOverview,
    StageBar,
)
from keyplan.services.workspace import WorkspaceError
from keyplan.ui.formatting import money_with_symbol, percent_text, quantity_text
from keyplan.ui.labels import count_text, fill
from keyplan.ui.operations import WorkspaceSession
from keyplan.ui.views.contact_reports_panel import local_zone
from keyplan.ui.views.portfolio_charts import draw_health, draw_pipeline, draw_revenue
from keyplan.ui.views.portfolio_timeline import (
    KIND_COLOURS,
    LookAheadTimeline,
    item_title,
    legend_html,
    look_ahead_labels,
)
from keyplan.ui.views.portfolio_widgets import (
    ChartView,
    Tile,
    WrapGrid,
    compact_money,
    fit_rows,
    is_dark,
    money_lines,
    month_label,
)
from keyplan.ui.widgets.headings import page_title
from keyplan.ui.widgets.rag_badge import RAG_COLOURS
from keyplan.ui.widgets.read_only_table import read_only_table, row_items

__all__ = ["IGNORED_KINDS", "RATES_PAGE", "PortfolioView", "overdue_labels"]

# what changes never show on this page: no reload for them
IGNORED_KINDS = frozenset({"contact", "note", "rate_card", "email_template", "team"})
RATES_PAGE = "exchange_rates"  # the page ``open_page`` asks for when a rate is missing
ACCOUNT_ROLE = Qt.ItemDataRole.UserRole + 1


def _t(text: str) -> str:
    return QCoreApplication.translate("PortfolioView", text)


def overdue_labels() -> dict[str, str]:
    return {
        OverdueKind.CONTACT_REPORT: _t("Contact report"),
        OverdueKind.ACTION: _t("Action item"),
        OverdueKind.ESTIMATE: _t("Estimate expired"),
        OverdueKind.JBP_ACTIVITY: _t("JBP activity"),
    }


# -- the page ---------------------------------------------------------------------------------


class PortfolioView(QWidget):
    open_account = Signal(int)
    open_page = Signal(str)

    def __init__(self, session: WorkspaceSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("portfolio_view")
        self.session = session
        self.today: Callable[[], date] = date.today
        self.overview: PortfolioOverview | None = None
        self.rates_page_available = False
        self._stale = True

        title = page_title(self.tr("Portfolio"))
        self.currency = QComboBox()
        self.currency.setObjectName("portfolio_currency")
        self.currency.setToolTip(self.tr("The currency the portfolio is reported in"))
        self.currency.currentIndexChanged.connect(lambda _i: self.reload())
        top = QHBoxLayout()
        top.addWidget(title)
        top.addStretch()
        top.addWidget(QLabel(self.tr("Currency")))
        top.addWidget(self.currency)

        # missing exchange rates: said plainly, with the way to fix it
        self.banner = QFrame()
        self.banner.setObjectName("fx_warning")
        self.banner_text = QLabel()
        self.banner_text.setObjectName("fx_warning_text")
        self.banner_text.setWordWrap(True)
        self.banner_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.rates_button = QPushButton(self.tr("Exchange rates…"))
        self.rates_button.setObjectName("open_exchange_rates")
        self.rates_button.clicked.connect(lambda: self.open_page.emit(RATES_PAGE))
        banner = QHBoxLayout(self.banner)
        banner.setContentsMargins(10, 6, 10, 6)
        banner.addWidget(self.banner_text, 1)
        banner.addWidget(self.rates_button, 0, Qt.AlignmentFlag.AlignTop)
        self.banner.hide()

        self.tiles: dict[str, Tile] = {}
        self.tile_grid = WrapGrid(190, 4)
        for key, caption in (
            ("revenue", self.tr("Revenue year to date")),
            ("forecast", self.tr("Forecast for the year")),
            ("pipeline", self.tr("Open pipeline (weighted)")),
            ("won", self.tr("Won this year")),
            ("estimates", self.tr("Estimates awaiting approval")),
            ("accounts", self.tr("Accounts at risk")),
            ("reports", self.tr("Contact reports overdue")),
            ("actions", self.tr("Action items overdue")),
        ):
            self.tiles[key] = Tile(key, caption)
            self.tile_grid.add(self.tiles[key])

        # charts
        self.revenue_chart = self._chart_view("revenue_chart")
        self.revenue_chart.setMinimumHeight(300)
        self.pipeline_chart = self._chart_view("pipeline_chart")
        self.health_chart = self._chart_view("health_chart")
        self.pipeline_currency = QComboBox()
        self.pipeline_currency.setObjectName("pipeline_currency")
        self.pipeline_currency.setToolTip(
            self.tr("Amounts in different currencies are shown one currency at a time")
        )
        self.pipeline_currency.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.pipeline_currency.currentIndexChanged.connect(lambda _i: self._draw_pipeline())
        pipeline_box = QWidget()
        pipeline_layout = QVBoxLayout(pipeline_box)
        pipeline_layout.setContentsMargins(0, 0, 0, 0)
        pipeline_layout.addWidget(self.pipeline_chart, 1)
        pipeline_layout.addWidget(self.pipeline_currency, 0, Qt.AlignmentFlag.AlignRight)
        self.chart_grid = WrapGrid(340, 2)  # the revenue chart takes a row of its own
        for view in (self.pipeline_chart, self.health_chart):  # side by side: as tall as the row
            view.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        for widget in (pipeline_box, self.health_chart):
            self.chart_grid.add(widget)
        self.rates_used = QLabel()
        self.rates_used.setObjectName("rates_used")
        self.rates_used.setWordWrap(True)
        self.rates_used.setForegroundRole(QPalette.ColorRole.PlaceholderText)

        # the look-ahead: the timeline, and the same items as a list for the keyboard
        self.timeline = LookAheadTimeline()
        self.timeline.item_clicked.connect(self._timeline_clicked)
        self.legend = QLabel(legend_html())
        self.legend.setObjectName("timeline_legend")
        self.legend.setWordWrap(True)
        self.look_ahead_model = QStandardItemModel(0, 4, self)
        self.look_ahead_model.setHorizontalHeaderLabels(
            [self.tr("Date"), self.tr("What"), self.tr("Account"), self.tr("Item")]
        )
        self.look_ahead_table = self._table("look_ahead_list", self.look_ahead_model)
        self.look_ahead_title = self._heading("")
        self.overdue_model = QStandardItemModel(0, 5, self)
        self.overdue_model.setHorizontalHeaderLabels(
            [self.tr("Due"), self.tr("Late"), self.tr("What"), self.tr("Account"), self.tr("Item")]
        )
        self.overdue_table = self._table("overdue_list", self.overdue_model)
        self.overdue_title = self._heading("")

        content = QWidget()
        content.setObjectName("portfolio_content")
        body = QVBoxLayout(content)
        body.setContentsMargins(0, 0, 8, 0)
        body.addWidget(self.tile_grid)
        body.addWidget(self.revenue_chart)
        body.addWidget(self.chart_grid)
        body.addWidget(self.rates_used)
        body.addWidget(self.look_ahead_title)
        body.addWidget(self.timeline)
        body.addWidget(self.legend)
        body.addWidget(self.look_ahead_table)
        body.addWidget(self.overdue_title)
        body.addWidget(self.overdue_table)
        body.addStretch()
        self.scroll = QScrollArea()
        self.scroll.setObjectName("portfolio_scroll")
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setWidget(content)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.banner)
        layout.addWidget(self.scroll, 1)

        self._fill_currencies()
        self._style_banner()
        session.changed.connect(self._changed)

    # -- building blocks -------------------------------------------------------------------------

    def _chart_view(self, name: str) -> ChartView:
        chart = QChart()
        chart.setMargins(QMargins(4, 4, 4, 4))
        view = ChartView(chart)
        view.setObjectName(name)
        view.setRenderHint(QPainter.RenderHint.Antialiasing)
        view.setMinimumSize(300, 280)
        view.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        return view

    def _table(self, name: str, model: QStandardItemModel) -> QTableView:
        table = read_only_table(name, model)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.horizontalHeader().setStretchLastSection(True)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        table.activated.connect(self._row_activated)
        return table

    @staticmethod
    def _heading(text: str) -> QLabel:
        label = QLabel(text)
        font = label.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        label.setFont(font)
        return label

    def _fill_currencies(self) -> None:
        services = self.session.services
        try:
            default = services.agency.get().default_currency
            used = {a.currency for a in services.accounts.all()}
        except WorkspaceError:
            default, used = "USD", set()
        self.currency.blockSignals(True)
        self.currency.clear()
        for code in [
            default,
            *sorted(used - {default}),
            *(c for c in common_codes() if c not in used | {default}),
        ]:
            self.currency.addItem(code, code)
        self.currency.setCurrentIndex(0)
        self.currency.blockSignals(False)

    # -- loading ---------------------------------------------------------------------------------

    def _changed(self, kind: str) -> None:
        if kind in IGNORED_KINDS:
            return
        if kind in ("agency", "workspace"):
            self._fill_currencies()
        self._stale = True
        if self.isVisible():
            self.reload()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.reload()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._style_banner()
            if self.overview is not None:
                self._draw()

    def reload(self) -> None:
        """Read the overview again and draw it."""
        try:
            self.overview = self.session.services.portfolio.overview(
                self.today(),
                currency=self.currency.currentData() or None,
                local_zone=local_zone(),
            )
        except WorkspaceError as exc:
            self.session.error.emit(str(exc))
            return
        self._stale = False
        self._draw()

    def _draw(self) -> None:
        overview = self.overview
        if overview is None:
            return
        self._draw_banner(overview)
        self._draw_tiles(overview)
        self._draw_revenue(overview)
        self._fill_pipeline_currencies(overview)
        self._draw_pipeline()
        self._draw_health(overview)
        self._draw_look_ahead(overview)
        self._draw_overdue(overview)

    # -- banner and tiles ------------------------------------------------------------------------

    def _style_banner(self) -> None:
        dark = is_dark(self.palette())
        background, border, text = (
            ("#4A3A12", "#F29D0A", "#FFE9B8") if dark else ("#FFF4E0", "#F29D0A", "#4E3200")
        )
        self.banner.setStyleSheet(
            f"QFrame#fx_warning {{ background: {background}; border: 1px solid {border};"
            f" border-radius: 4px; }} QLabel {{ color: {text}; }}"
        )

    def _draw_banner(self, overview: PortfolioOverview) -> None:
        if overview.complete:
            self.banner.hide()
            return
        lines = [
            fill(
                self.tr("Some amounts cannot be shown in %1 until these exchange rates are added:"),
                overview.currency,
            ),
            *(f"• {message}" for message in overview.missing),
        ]
        self.banner_text.setText("\n".join(lines))
        self.rates_button.setVisible(self.rates_page_available)
        self.banner.show()

    def _draw_tiles(self, overview: PortfolioOverview) -> None:
        kpis = overview.kpis
        revenue = kpis.revenue
        currency = overview.currency
        incomplete = "" if revenue.complete else self.tr(" (incomplete: exchange rate missing)")
        share = ""
        if revenue.target_ytd:
            reached = (revenue.actual_ytd * 100 / revenue.target_ytd).quantize(Decimal(1))
            share = f" · {percent_text(reached)}"
        empty = not (revenue.actual_ytd or revenue.target_ytd or revenue.forecast_year)
        self.tiles["revenue"].set(
            compact_money(revenue.actual_ytd, currency),
            self.tr("No revenue figures yet")
            if empty
            else fill(self.tr("Target %1%2"), compact_money(revenue.target_ytd, currency), share)
            + incomplete,
            warn=revenue.actual_ytd < revenue.target_ytd,
            tooltip=fill(
                self.tr("Actual %1 against target %2, %3 to %4"),
                money_with_symbol(revenue.actual_ytd, currency),
                money_with_symbol(revenue.target_ytd, currency),
                month_label(revenue.year_start, True),
                month_label(revenue.through, True),
            ),
        )
        self.tiles["forecast"].set(
            compact_money(revenue.forecast_year, currency),
            fill(self.tr("Target %1"), compact_money(revenue.target_year, currency)) + incomplete,
            warn=revenue.forecast_year < revenue.target_year,
            tooltip=fill(
                self.tr("Forecast %1 against target %2 for the fiscal year from %3"),
                money_with_symbol(revenue.forecast_year, currency),
                money_with_symbol(revenue.target_year, currency),
                revenue.year_start.isoformat(),
            ),
        )
        self._money_tile(
            self.tiles["pipeline"],
            kpis.open_pipeline,
            count_text(kpis.open_pipeline.count, "1 open opportunity", "%n open opportunities"),
        )
        self._money_tile(
            self.tiles["won"],
            kpis.won_this_year,
            count_text(kpis.won_this_year.count, "1 opportunity won", "%n opportunities won"),
        )
        awaiting = kpis.awaiting_approval
        total = (
            compact_money(awaiting.total, awaiting.currency)
            if awaiting.total is not None
            else self.tr("total needs exchange rates")
        )
        self.tiles["estimates"].set(
            f"{awaiting.count:,}",
            total if awaiting.count else self.tr("None waiting"),
            tooltip=money_lines(awaiting),
        )
        accounts = kpis.accounts
        self.tiles["accounts"].set(
            fill(self.tr("%1 of %2"), f"{accounts.at_risk:,}", f"{accounts.total:,}"),
            fill(self.tr("%1 red · %2 amber"), f"{accounts.red:,}", f"{accounts.amber:,}"),
            warn=accounts.at_risk > 0,
            tooltip=self.tr("Accounts whose health is red or whose status is at risk"),
        )
        self.tiles["reports"].set(
            f"{kpis.reports_overdue:,}",
            count_text(kpis.reports_due_today, "1 due today", "%n due today"),
            warn=kpis.reports_overdue > 0,
            tooltip=self.tr("Contact reports are due 24 hours after the meeting"),
        )
        self.tiles["actions"].set(
            f"{kpis.actions_overdue:,}",
            count_text(kpis.actions_due_this_week, "1 due this week", "%n due this week"),
            warn=kpis.actions_overdue > 0,
            tooltip=self.tr("Open action items from contact reports"),
        )

    def _money_tile(self, tile: Tile, money: MoneyTile, detail: str) -> None:
        if money.total is not None:
            tile.set(compact_money(money.total, money.currency), detail, tooltip=money_lines(money))
            return
        # not convertible: each currency on its own, never added together
        parts = [compact_money(p.amount, p.currency) for p in money.by_currency]
        tile.set(
            "\n".join(parts[:3]) + ("\n…" if len(parts) > 3 else ""),
            detail,
            tooltip=money_lines(money),
        )

    # -- charts ----------------------------------------------------------------------------------

    def _draw_revenue(self, overview: PortfolioOverview) -> None:
        draw_revenue(
            self.revenue_chart, overview.revenue, overview.currency, self.palette(), self.font()
        )
        self._show_rates(overview)

    def _show_rates(self, overview: PortfolioOverview) -> None:
        """The rates the figures were converted at: the latest of each pair in the caption,
        every one (months before used older ones) with its source in the tooltip."""

        def text(rate: FxRate) -> str:
            return fill(
                self.tr("1 %1 = %2 %3 from %4"),
                rate.base,
                quantity_text(rate.rate),
                rate.quote,
                rate.valid_from.isoformat(),
            )

        latest: dict[tuple[str, str], FxRate] = {}
        for rate in sorted(overview.rates_used, key=lambda r: r.valid_from):
            latest[(rate.base, rate.quote)] = rate
        self.rates_used.setText(
            fill(self.tr("Exchange rates used: %1"), "; ".join(map(text, latest.values())))
        )
        self.rates_used.setToolTip(
            "\n".join(
                text(rate) + (f" ({rate.source})" if rate.source else "")
                for rate in overview.rates_used
            )
        )
        self.rates_used.setVisible(bool(latest))

    def _fill_pipeline_currencies(self, overview: PortfolioOverview) -> None:
        current = self.pipeline_currency.currentData()
        self.pipeline_currency.blockSignals(True)
        self.pipeline_currency.clear()
        if overview.pipeline_converted or not overview.pipeline_by_stage:
            self.pipeline_currency.addItem(fill(self.tr("All in %1"), overview.currency), "")
        for code in sorted({bar.currency for bar in overview.pipeline_by_stage}):
            self.pipeline_currency.addItem(fill(self.tr("Only %1"), code), code)
        index = self.pipeline_currency.findData(current)
        if index < 0:  # first time: the reporting currency, else the busiest one
            stages: dict[str, int] = {}
            for bar in overview.pipeline_by_stage:
                stages[bar.currency] = stages.get(bar.currency, 0) + 1
            busiest = max(sorted(stages), key=lambda code: stages[code], default="")
            index = self.pipeline_currency.findData(
                overview.currency if overview.currency in stages else busiest
            )
            index = 0 if overview.pipeline_converted or index < 0 else index
        self.pipeline_currency.setCurrentIndex(index)
        self.pipeline_currency.blockSignals(False)
        # one currency and nothing to convert: no choice to offer
        self.pipeline_currency.setVisible(self.pipeline_currency.count() > 1)

    def pipeline_bars(self) -> tuple[str, list[StageBar]]:
        """The currency and the per-stage bars the pipeline chart shows."""
        overview = self.overview
        if overview is None:
            return "", []
        code = self.pipeline_currency.currentData() or ""
        if not code:
            return overview.currency, list(overview.pipeline_converted)
        return code, [bar for bar in overview.pipeline_by_stage if bar.currency == code]

    def _draw_pipeline(self) -> None:
        if self.overview is not None:
            currency, bars = self.pipeline_bars()
            draw_pipeline(self.pipeline_chart, currency, bars, self.palette(), self.font())

    def _draw_health(self, overview: PortfolioOverview) -> None:
        counts = {(c.tier, c.health): c.count for c in overview.health_by_tier}
        draw_health(self.health_chart, overview.tiers, counts, self.palette(), self.font())

    # -- look-ahead and overdue ------------------------------------------------------------------

    def _draw_look_ahead(self, overview: PortfolioOverview) -> None:
        self.look_ahead_title.setText(
            fill(
                self.tr("Next six months: %1 to %2"),
                overview.look_ahead_start.isoformat(),
                overview.look_ahead_end.isoformat(),
            )
        )
        self.timeline.set_items(
            overview.look_ahead_start, overview.look_ahead_end, overview.look_ahead
        )
        labels = look_ahead_labels()
        self.look_ahead_model.removeRows(0, self.look_ahead_model.rowCount())
        for item in overview.look_ahead:
            when = item.day.isoformat()
            if item.until is not None and item.until != item.day:
                when = f"{when} – {item.until.isoformat()}"
            cells = row_items(
                [when, labels.get(item.kind, item.kind), item.account_name, item_title(item)]
            )
            cells[0].setData(item.account_id, ACCOUNT_ROLE)
            colour = KIND_COLOURS.get(LookAheadKind(item.kind))
            if colour:
                cells[1].setForeground(QBrush(QColor(colour)))
            self.look_ahead_model.appendRow(cells)
        if not overview.look_ahead:
            self.look_ahead_model.appendRow(row_items(["", self.tr("Nothing planned"), "", ""]))
        self.look_ahead_table.resizeColumnsToContents()
        fit_rows(self.look_ahead_table, 12)

    def _draw_overdue(self, overview: PortfolioOverview) -> None:
        self.overdue_title.setText(
            count_text(len(overview.overdue), "1 item overdue", "%n items overdue", "PortfolioView")
            if overview.overdue
            else self.tr("Nothing overdue")
        )
        labels = overdue_labels()
        self.overdue_model.removeRows(0, self.overdue_model.rowCount())
        for item in overview.overdue:
            title = f"{item.title} ({item.detail})" if item.detail else item.title
            cells = row_items(
                [
                    item.due.isoformat(),
                    count_text(item.days_late, "1 day", "%n days", "PortfolioView"),
                    labels.get(item.kind, item.kind),
                    item.account_name,
                    title,
                ],
                frozenset({1}),
            )
            cells[0].setData(item.account_id, ACCOUNT_ROLE)
            cells[1].setForeground(QBrush(QColor(RAG_COLOURS["red"])))
            self.overdue_model.appendRow(cells)
        self.overdue_table.setVisible(bool(overview.overdue))
        self.overdue_table.resizeColumnsToContents()
        fit_rows(self.overdue_table, 10)

    def _timeline_clicked(self, index: int) -> None:
        if self.overview is None or index >= len(self.overview.look_ahead):
            return
        self.look_ahead_table.selectRow(index)
        self.open_account.emit(self.overview.look_ahead[index].account_id)

    def _row_activated(self, index: QModelIndex) -> None:
        account_id = index.siblingAtColumn(0).data(ACCOUNT_ROLE)
        if account_id is not None:
            self.open_account.emit(int(account_id))
