"""The Portfolio page driven as a user: tiles, charts, the look-ahead, overdue, missing rates."""

from __future__ import annotations

import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QHorizontalBarSeries,
    QLineSeries,
    QStackedBarSeries,
)
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QPalette

from keyplan.services.contact_reports import ReportDraft
from keyplan.services.opportunities import OpportunityDraft
from keyplan.services.records import AccountDraft
from keyplan.services.workspace import WorkspaceServices
from keyplan.ui.commands import UpdateCommand
from keyplan.ui.main_window import PAGES, MainWindow
from keyplan.ui.views.portfolio_view import PortfolioView


@pytest.fixture
def demo(window: MainWindow, demo_file: Path, tmp_path: Path) -> MainWindow:
    copy = tmp_path / "Demo.keyplan"
    shutil.copyfile(demo_file, copy)
    assert window.open_workspace(copy), window.errors  # type: ignore[attr-defined]
    window.show_page("portfolio")
    return window


def _page(window: MainWindow) -> PortfolioView:
    page = window.pages["portfolio"]
    assert isinstance(page, PortfolioView)
    return page


def _categories(view: object) -> list[str]:
    chart = view.chart()  # type: ignore[attr-defined]
    axis = next(a for a in chart.axes() if isinstance(a, QBarCategoryAxis))
    return list(axis.categories())


def test_portfolio_is_the_first_page_of_the_navigation(demo: MainWindow) -> None:
    assert PAGES[0] == "portfolio"
    assert demo.nav.item(0).text() == "Portfolio"
    assert demo.stack.currentWidget() is _page(demo)
    assert demo.nav.currentRow() == 0
    demo.nav.setCurrentRow(PAGES.index("accounts"))
    assert demo.stack.currentWidget() is demo.pages["accounts"]


def test_tiles_say_what_the_workspace_holds(demo: MainWindow) -> None:
    page = _page(demo)
    services = demo.session.services  # type: ignore[union-attr]
    accounts = services.accounts.all()
    at_risk = sum(1 for a in accounts if a.health == "red" or a.status == "at_risk")
    red = sum(1 for a in accounts if a.health == "red")
    amber = sum(1 for a in accounts if a.health == "amber")
    tile = page.tiles["accounts"]
    assert tile.value.text() == f"{at_risk} of {len(accounts)}"
    assert tile.detail.text() == f"{red} red · {amber} amber"

    sent = [e for e in services.estimates.summaries() if e.status == "sent"]
    assert page.tiles["estimates"].value.text() == str(len(sent))

    counts = services.contact_reports.due_counts(local_zone=_zone())
    assert page.tiles["reports"].value.text() == str(counts.overdue)
    open_count = sum(1 for o in services.opportunities.pipeline() if o.stage not in ("won", "lost"))
    assert page.tiles["pipeline"].detail.text().startswith(f"{open_count} open opportunit")
    assert page.tiles["revenue"].value.text()  # a figure is always shown


def _zone():  # type: ignore[no-untyped-def]
    from keyplan.ui.views.contact_reports_panel import local_zone

    return local_zone()


def test_charts_have_their_series_and_categories(demo: MainWindow) -> None:
    page = _page(demo)
    overview = page.overview
    assert overview is not None

    revenue = page.revenue_chart.chart()
    bars = next(s for s in revenue.series() if isinstance(s, QBarSeries))
    assert [s.label() for s in bars.barSets()] == ["Target", "Actual"]
    assert all(s.count() == 12 for s in bars.barSets())
    assert any(isinstance(s, QLineSeries) and s.name() == "Forecast" for s in revenue.series())
    assert len(_categories(page.revenue_chart)) == 12

    stages = {bar.stage for bar in overview.pipeline_by_stage}
    pipeline = page.pipeline_chart.chart()
    series = next(s for s in pipeline.series() if isinstance(s, QHorizontalBarSeries))
    assert [s.label() for s in series.barSets()] == ["Amount", "Weighted"]
    assert len(_categories(page.pipeline_chart)) == len(stages)

    health = page.health_chart.chart()
    stacked = next(s for s in health.series() if isinstance(s, QStackedBarSeries))
    assert [s.label() for s in stacked.barSets()] == ["Green", "Amber", "Red"]
    tiers = {a.tier for a in demo.session.services.accounts.all()}  # type: ignore[union-attr]
    assert set(_categories(page.health_chart)) == tiers
    green = stacked.barSets()[0]
    counted = sum(green.at(i) for i in range(green.count()))
    assert counted == sum(
        1
        for a in demo.session.services.accounts.all()  # type: ignore[union-attr]
        if a.health == "green"
    )


def test_clicking_a_look_ahead_item_opens_its_account(demo: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    page = _page(demo)
    overview = page.overview
    assert overview is not None and overview.look_ahead
    assert page.look_ahead_model.rowCount() == len(overview.look_ahead)
    page.scroll.ensureWidgetVisible(page.timeline)
    index = len(overview.look_ahead) - 1
    rect = page.timeline.item_rect(index)
    assert not rect.isEmpty()
    centre = rect.center()
    qtbot.mouseClick(
        page.timeline, Qt.MouseButton.LeftButton, pos=QPoint(int(centre.x()), int(centre.y()))
    )
    assert demo.stack.currentWidget() is demo.account_view
    assert demo.account_view is not None and demo.account_view.account is not None
    assert demo.account_view.account.id == overview.look_ahead[index].account_id


def test_keyboard_users_open_an_item_from_the_list(demo: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    page = _page(demo)
    overview = page.overview
    assert overview is not None
    table = page.look_ahead_table
    table.setFocus()
    table.setCurrentIndex(page.look_ahead_model.index(0, 0))
    with qtbot.waitSignal(page.open_account) as opened:
        qtbot.keyClick(table.viewport(), Qt.Key.Key_Return)
    assert opened.args == [overview.look_ahead[0].account_id]


def test_the_page_fits_450_px_and_reflows(demo: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    page = _page(demo)
    assert page.minimumSizeHint().width() <= 450
    demo.resize(711, 700)
    demo.splitter.setSizes([250, 455])
    qtbot.waitUntil(lambda: page.width() <= 470)
    content = page.scroll.widget()
    qtbot.waitUntil(lambda: content.width() <= page.scroll.viewport().width())
    assert page.tile_grid.columns <= 2 and page.chart_grid.columns == 1
    demo.resize(1600, 800)
    demo.splitter.setSizes([300, 1300])
    qtbot.waitUntil(lambda: page.tile_grid.columns == 4)


def test_reloads_when_an_account_turns_red_and_follows_the_palette(demo: MainWindow) -> None:
    page = _page(demo)
    session = demo.session
    assert session is not None
    green = next(a for a in session.services.accounts.all() if a.health == "green")
    before = page.overview.kpis.accounts.red  # type: ignore[union-attr]
    session.run(
        UpdateCommand(
            "Red",
            "account",
            lambda changes, exact=False: session.services.accounts.update(
                green.id, changes, exact=exact
            ),
            {"health": "red"},
        )
    )
    assert page.overview.kpis.accounts.red == before + 1  # type: ignore[union-attr]
    assert page.tiles["accounts"].detail.text().startswith(f"{before + 1} red")

    dark = QPalette(page.palette())
    dark.setColor(QPalette.ColorRole.Window, QColor("#202020"))
    dark.setColor(QPalette.ColorRole.Base, QColor("#181818"))
    dark.setColor(QPalette.ColorRole.WindowText, QColor("#eeeeee"))
    page.setPalette(dark)
    chart = page.revenue_chart.chart()
    assert chart.backgroundBrush().color() == QColor("#181818")
    assert chart.titleBrush().color() == QColor("#eeeeee")


def test_a_missing_rate_shows_a_banner(window: MainWindow, tmp_path: Path, qtbot) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "Rates.keyplan"
    with WorkspaceServices.create(path, agency_name="Lumen") as services:
        seoul = services.accounts.create(AccountDraft("Seoul Pay", currency="KRW"))
        today = date.today()
        services.forecast.update_month(seoul, today, "", {"actual": Decimal(1_000_000)})
        services.opportunities.create(
            seoul, OpportunityDraft("Wallet", Decimal(5_000_000), stage="proposal")
        )
    assert window.open_workspace(path), window.errors  # type: ignore[attr-defined]
    window.show_page("portfolio")
    page = _page(window)
    assert page.banner.isVisible()
    text = page.banner_text.text()
    assert "KRW→USD" in text and "Exchange rates" in text
    assert page.tiles["pipeline"].value.text().startswith("₩")  # per currency, never added
    assert page.pipeline_currency.currentData() == "KRW"
    rates_page = "exchange_rates" in window.pages
    assert page.rates_button.isVisible() == rates_page
    if rates_page:
        qtbot.mouseClick(page.rates_button, Qt.MouseButton.LeftButton)
        assert window.stack.currentWidget() is window.pages["exchange_rates"]


def test_overdue_contact_report_is_listed(window: MainWindow, tmp_path: Path) -> None:
    from datetime import UTC, datetime, timedelta

    path = tmp_path / "Late.keyplan"
    with WorkspaceServices.create(path, agency_name="Lumen") as services:
        aurora = services.accounts.create(AccountDraft("Aurora", currency="USD"))
        ends = datetime.now(UTC).replace(microsecond=0) - timedelta(days=3)
        services.contact_reports.create(
            aurora, ReportDraft("Kick-off", ends - timedelta(hours=1), ends, "UTC")
        )
    assert window.open_workspace(path), window.errors  # type: ignore[attr-defined]
    window.show_page("portfolio")
    page = _page(window)
    assert page.tiles["reports"].value.text() == "1"
    assert page.overdue_model.rowCount() == 1
    assert page.overdue_model.index(0, 3).data() == "Aurora"
    assert page.overdue_title.text() == "1 item overdue"
    assert not page.banner.isVisible()
