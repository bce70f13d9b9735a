"""``keyplan-cli jbp`` and ``keyplan-cli export-jbp``: joint business plans without a window.

``jbp`` prints the business review of an account's JBP for a year: plan against actual of
every measure for one quarter or month (``--period``), or for each quarter; ``export-jbp``
writes the JBP as the client's workbook (``.xlsx``) or PDF summary (``.pdf``), chosen by the
output's suffix. Both open the workspace read-only, so they work beside a running app.
"""

from __future__ import annotations

import argparse
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

from keyplan.cli import (
    EXIT_OK,
    _clip,
    _find_account,
    _iso,
    _number,
    _print_json,
    _table,
    _write,
)
from keyplan.domain import jbp as rules
from keyplan.domain.errors import NotFoundError
from keyplan.domain.money import Currency
from keyplan.services.exporting import ExportError, export_jbp_pdf, export_jbp_xlsx
from keyplan.services.jbp_records import BusinessReview, JbpRecord, ReviewLine
from keyplan.services.workspace import WorkspaceServices

__all__ = ["register", "review_document"]


def _figure(line: ReviewLine, value: Decimal | None) -> str | None:
    """A measure's figure: money with its currency's decimals, others without trailing zeros."""
    if value is None:
        return None
    if line.is_money:
        return f"{value.quantize(Currency.get(line.unit).quantum):f}"
    return _number(value)


def _line_document(line: ReviewLine) -> dict[str, Any]:
    return {
        "measure_id": line.measure_id,
        "measure": line.name,
        "kind": line.kind,
        "metric": line.metric,
        "unit": line.unit,
        "higher_is_better": line.higher_is_better,
        "annual_target": _figure(line, line.annual_target),
        "target": _figure(line, line.target),
        "actual": _figure(line, line.actual),
        "variance": _figure(line, line.variance),
        "achieved_percent": None
        if line.achieved_percent is None
        else _number(line.achieved_percent),
        "rag": line.rag,
        "actual_source": line.actual_source or None,
        "months_reported": line.months_reported,
    }


def review_document(review: BusinessReview) -> dict[str, Any]:
    """One period's business review in ``jbp --json`` (a public shape: see docs/cli.md)."""
    return {
        "period": review.period,
        "label": review.label,
        "kind": review.kind,
        "planned": review.planned,
        "lines": [_line_document(line) for line in review.lines],
        "focus": review.focus,
        "commentary": review.commentary,
        "actions": [
            {
                "description": action.description,
                "owner": action.owner,
                "due": _iso(action.due),
                "status": action.status,
            }
            for action in review.actions
        ],
    }


def _plan_document(record: JbpRecord) -> dict[str, Any]:
    return {
        "id": record.id,
        "account_id": record.account_id,
        "account": record.account_name,
        "year": record.year,
        "title": record.title,
        "status": record.status,
        "phase": record.phase,
        "currency": record.currency,
        "client_signatory": record.client_signatory,
        "client_signed_on": _iso(record.client_signed_on),
        "agency_signatory": record.agency_signatory,
        "agency_signed_on": _iso(record.agency_signed_on),
    }


def _plan_id(services: WorkspaceServices, account: str, year: int) -> int:
    account_id = _find_account(services, account)
    jbp_id = services.jbp.find(account_id, year)
    if jbp_id is None:
        name = services.accounts.get(account_id).name
        raise NotFoundError(f"{name} has no joint business plan for {year}.")
    return jbp_id


def _grouped(line: ReviewLine, value: Decimal | None) -> str:
    """A figure for reading: thousands separated by commas."""
    text = _figure(line, value)
    return "" if text is None else f"{Decimal(text):,f}"


def _review_text(review: BusinessReview) -> str:
    rags = {"green": "on target", "amber": "close", "red": "behind"}
    rows = [
        [
            _clip(line.name, 32),
            line.unit,
            _grouped(line, line.target),
            _grouped(line, line.actual) + ("*" if line.actual_source == "months" else ""),
            _grouped(line, line.variance),
            "" if line.achieved_percent is None else f"{_number(line.achieved_percent)}%",
            rags.get(line.rag or "", ""),
        ]
        for line in review.lines
    ]
    table = _table(
        ["Measure", "Unit", "Plan", "Actual", "Variance", "Achieved", "RAG"],
        rows,
        right={2, 3, 4, 5},
    )
    parts = [f"{review.label}" + ("" if review.planned else " (no QBP/MBP yet)"), table]
    if any(line.actual_source == "months" for line in review.lines):
        parts.append("* rolled up from the months' actuals")
    if review.commentary:
        parts.append(f"Commentary: {' '.join(review.commentary.split())}")
    return "\n".join(parts)


def _cmd_jbp(args: argparse.Namespace) -> int:
    with WorkspaceServices.open(args.path, read_only=True) as services:
        record = services.jbp.get(_plan_id(services, args.account, args.year))
        codes = [args.period] if args.period else rules.period_codes(record.year, "quarter")
        reviews = [services.jbp.business_review(record.id, code) for code in codes]
    if args.json:
        _print_json(
            {"jbp": _plan_document(record), "reviews": [review_document(r) for r in reviews]}
        )
        return EXIT_OK
    status = rules.STATUS_LABELS.get(record.status, record.status)
    phase = rules.PHASE_LABELS.get(rules.Phase(record.phase), record.phase)
    head = f"{record.title} · {record.account_name} · {status} · phase: {phase}"
    _write(sys.stdout, "\n\n".join([head, *(_review_text(r) for r in reviews)]))
    return EXIT_OK


def _cmd_export_jbp(args: argparse.Namespace) -> int:
    output: Path = args.output
    suffix = output.suffix.lower()
    if suffix not in (".xlsx", ".pdf") or output.is_dir():
        # "-o ." has no name of its own: say which folder it is rather than ": write ..."
        what = f"{output} is a folder" if output.is_dir() else output.name
        raise ExportError(
            f"{what}: write the JBP to a file ending in .xlsx (the workbook) or .pdf (the summary)."
        )
    with WorkspaceServices.open(args.path, read_only=True) as services:
        jbp_id = _plan_id(services, args.account, args.year)
        export = export_jbp_xlsx if suffix == ".xlsx" else export_jbp_pdf
        written = export(services, jbp_id, output, overwrite=args.force)
    _write(sys.stdout, str(written))
    return EXIT_OK


def register(commands: Any) -> None:
    """Add ``jbp`` and ``export-jbp`` to the subcommands."""
    jbp = commands.add_parser(
        "jbp",
        help="the business review of an account's joint business plan",
        description="Plan against actual of every growth target and KPI of ACCOUNT's joint "
        "business plan for --year: for the quarter or month --period, or for each quarter. "
        "Variance = actual - plan; achieved = actual / plan (plan / actual when lower is "
        "better); green on target, amber within 10 %%, red beyond.",
    )
    jbp.add_argument("path", metavar="PATH", type=Path, help="a .keyplan workspace")
    jbp.add_argument("account", metavar="ACCOUNT", help="the account's name or id")
    jbp.add_argument("--year", type=int, required=True, help="the plan's year, e.g. 2026")
    jbp.add_argument("--period", help="a quarter (2026-Q2) or a month (2026-05) of that year")
    jbp.add_argument("--json", action="store_true", help="print JSON (docs/cli.md)")
    jbp.set_defaults(handler=_cmd_jbp)

    export = commands.add_parser(
        "export-jbp",
        help="write an account's joint business plan as a workbook or a PDF",
        description="Write ACCOUNT's joint business plan for --year as the client's workbook "
        "(FILE.xlsx: summary, targets, scorecard, QBPs/MBPs, investments, calendar, with live "
        "formulas) or PDF summary (FILE.pdf). No internal notes are ever in either.",
    )
    export.add_argument("path", metavar="PATH", type=Path, help="a .keyplan workspace")
    export.add_argument("account", metavar="ACCOUNT", help="the account's name or id")
    export.add_argument("--year", type=int, required=True, help="the plan's year, e.g. 2026")
    export.add_argument(
        "-o",
        "--output",
        metavar="FILE.xlsx|FILE.pdf",
        type=Path,
        required=True,
        help="the file to write; its suffix chooses the format",
    )
    export.add_argument("--force", action="store_true", help="replace an existing file")
    export.set_defaults(handler=_cmd_export_jbp)
