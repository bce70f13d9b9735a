"""``keyplan-cli forecast`` and ``export-forecast``: the revenue forecast without the window.

``forecast`` prints the roll-up of a year (the portfolio, or an account with its child
accounts) in a reporting currency, with the exchange rates it used. A month that needs a rate
the workspace lacks has no figures and the missing rates are listed; the command still exits
with 0, because the rest of the roll-up is right and a script may want it (docs/cli.md).
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from keyplan.cli import (
    EXIT_OK,
    _find_account,
    _grouped,
    _money,
    _print_json,
    _table,
    _write,
)
from keyplan.domain.forecast import FIGURES, ForecastRollUp
from keyplan.domain.money import Currency
from keyplan.services.exporting import (
    ExportError,
    export_forecast_xlsx,
    forecast_file_name,
)
from keyplan.services.workspace import WorkspaceServices

__all__ = ["forecast_document", "register"]


def _year(text: str) -> int:
    try:
        year = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a year, e.g. 2026") from None
    if not 1990 <= year <= 2200:
        raise argparse.ArgumentTypeError("choose a year from 1990 to 2200")
    return year


def forecast_document(
    roll: ForecastRollUp, *, year: int, account: dict[str, Any] | None
) -> dict[str, Any]:
    """The JSON shape of ``forecast --json`` (docs/cli.md)."""
    currency = Currency.get(roll.currency)

    def amount(value: Decimal | None) -> str | None:
        return None if value is None else _money(value, currency)

    totals = roll.totals()
    return {
        "currency": roll.currency,
        "year": year,
        "account": account,
        "complete": roll.complete,
        "months": [
            {"month": f"{m.month:%Y-%m}", **{name: amount(m.get(name)) for name in FIGURES}}
            for m in roll.months
        ],
        "totals": None if totals is None else {name: amount(totals.get(name)) for name in FIGURES},
        "rates_used": [
            {
                "base": rate.base,
                "quote": rate.quote,
                "rate": f"{rate.rate:f}",
                "valid_from": rate.valid_from.isoformat(),
                "source": rate.source,
            }
            for rate in roll.rates_used
        ],
        "missing": list(roll.missing),
    }


def _cmd_forecast(args: argparse.Namespace) -> int:
    year = args.year or date.today().year
    with WorkspaceServices.open(args.path, read_only=True) as services:
        account_id = _find_account(services, args.account) if args.account else None
        account = None
        if account_id is not None:
            record = services.accounts.get(account_id)
            account = {"id": record.id, "name": record.name}
        roll = services.forecast.roll_up(
            date(year, 1, 1), 12, currency=args.currency, account_id=account_id
        )
    if args.json:
        _print_json(forecast_document(roll, year=year, account=account))
        return EXIT_OK
    currency = Currency.get(roll.currency)

    def cell(value: Decimal | None) -> str:
        return "—" if value is None else _grouped(value, currency)

    rows = [[f"{m.month:%Y-%m}", *(cell(m.get(name)) for name in FIGURES)] for m in roll.months]
    totals = roll.totals()
    if totals is not None:
        rows.append(["Total", *(cell(totals.get(name)) for name in FIGURES)])
    scope = account["name"] if account else "Portfolio"
    _write(sys.stdout, f"{scope}: revenue {year} in {roll.currency}")
    headers = ["Month", "Target", "Forecast", "Actual"]
    _write(sys.stdout, _table(headers, rows, right={1, 2, 3}))
    for rate in roll.rates_used:
        source = f" ({rate.source})" if rate.source else ""
        _write(
            sys.stdout,
            f"Rate: 1 {rate.base} = {rate.rate:f} {rate.quote} "
            f"from {rate.valid_from.isoformat()}{source}",
        )
    for message in roll.missing:
        _write(sys.stderr, f"keyplan-cli: warning: {message}")
    return EXIT_OK


def _cmd_export_forecast(args: argparse.Namespace) -> int:
    output: Path = args.output
    if not output.is_dir() and output.suffix.lower() != ".xlsx":
        raise ExportError(f"{output.name}: write the forecast to a file ending in .xlsx.")
    if args.currency:
        Currency.get(args.currency)  # an unknown code is a clear error before anything
    with WorkspaceServices.open(args.path, read_only=True) as services:
        account_id = _find_account(services, args.account) if args.account else None
        if output.is_dir():
            output = output / forecast_file_name(services, account_id=account_id, year=args.year)
        written = export_forecast_xlsx(
            services,
            output,
            account_id=account_id,
            year=args.year,
            currency=args.currency,
            overwrite=args.force,
        )
    _write(sys.stdout, str(written))
    return EXIT_OK


def register(commands: Any) -> None:
    """Add ``forecast`` and ``export-forecast`` to the subcommands."""
    forecast = commands.add_parser(
        "forecast",
        help="the revenue forecast of a year (portfolio or account) in a reporting currency",
        description="Target, forecast and actual per month of a year for the portfolio, or an "
        "account with its child accounts, converted into one currency through the workspace's "
        "exchange rates (the rate in force on each month's last day). A month that needs a "
        "missing rate has no figures; the missing rates are listed (exit code 0).",
    )
    forecast.add_argument("path", metavar="PATH", type=Path, help="a .keyplan workspace")
    forecast.add_argument("--account", metavar="NAME_OR_ID", help="an account and its children")
    forecast.add_argument("--year", type=_year, metavar="Y", help="the year (default: this one)")
    forecast.add_argument(
        "--currency", metavar="CUR", help="reporting currency (default: the agency's)"
    )
    forecast.add_argument("--json", action="store_true", help="print JSON (docs/cli.md)")
    forecast.set_defaults(handler=_cmd_forecast)

    export = commands.add_parser(
        "export-forecast",
        help="write the revenue forecast workbook (.xlsx) of a year",
        description="Write the forecast workbook: a sheet per account in its currency, the "
        "portfolio converted into the reporting currency with live formulas, and the rates used.",
    )
    export.add_argument("path", metavar="PATH", type=Path, help="a .keyplan workspace")
    export.add_argument("--account", metavar="NAME_OR_ID", help="an account and its children")
    export.add_argument("--year", type=_year, metavar="Y", required=True, help="the year")
    export.add_argument(
        "--currency", metavar="CUR", help="reporting currency (default: the agency's)"
    )
    export.add_argument(
        "-o",
        "--output",
        metavar="FILE|FOLDER",
        type=Path,
        required=True,
        help="the .xlsx file, or a folder for the suggested name",
    )
    export.add_argument("--force", action="store_true", help="replace an existing file")
    export.set_defaults(handler=_cmd_export_forecast)
