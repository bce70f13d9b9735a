"""Benchmarks on the large workspace, each against a baseline measured in the same run.

Nothing is asserted about time: every test records ``ratio_vs_baseline`` and memory in
``benchmark.extra_info``, and the session ends with a summary table (conftest.py). What is
timed on each side is in benchlib.py under the scenario's name.
"""

from __future__ import annotations

from typing import Any


def test_open_workspace(compare: Any) -> None:
    """WorkspaceServices.open (header check, lock, PRAGMA quick_check, revision read, engine)
    vs. sqlite3.connect + SELECT count(*) FROM account."""
    compare.run("open_workspace")


def test_accounts_all(compare: Any) -> None:
    """services.accounts.all() (ORM rows to AccountRecords) vs. the same query fetched raw."""
    compare.run("accounts_all")


def test_startup_main_window(compare: Any) -> None:
    """MainWindow + open_workspace + events until the account tree is filled and painted,
    vs. a bare QMainWindow shown in the same QApplication."""
    compare.run("startup_main_window")


def test_filter_account_tree(compare: Any) -> None:
    """Three keystrokes into the tree's filter box (proxy filter + expandAll + paint each),
    vs. filtering a Python list of the same names with casefold."""
    compare.run("filter_account_tree")


def test_contacts_tab_largest_account(compare: Any) -> None:
    """ContactsPanel.show_account on the visible contacts tab of the account with the most
    contacts, vs. a QStandardItemModel of the same rows in a bare QTableView."""
    compare.run("contacts_tab_largest_account")


def test_open_largest_account_page(compare: Any) -> None:
    """Extra: a click on that account in the tree (MainWindow.show_account: header,
    overview, contacts and notes all reload), vs. the same baseline as the contacts tab."""
    compare.run("open_largest_account_page")


def test_forecast_roll_up(compare: Any) -> None:
    """services.forecast.roll_up of the fiscal year 2026, whole portfolio, in USD (rate look-up
    and exact conversion per account-month), vs. the same revenue rows fetched raw and added
    per month and currency as Decimals."""
    compare.run("forecast_roll_up")


def test_portfolio_overview(compare: Any) -> None:
    """services.portfolio.overview(today): two roll-ups, accounts, pipeline, JBP calendar and
    reviews, tiles; vs. raw fetches of the same rows without records."""
    compare.run("portfolio_overview")


def test_pipeline_board(compare: Any) -> None:
    """The Pipeline page built and shown until its board holds every opportunity's card, vs.
    a bare QListWidget of the same card texts in a window of the same size."""
    compare.run("pipeline_board")
