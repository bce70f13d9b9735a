"""``keyplan-cli``: headless commands for scripts, tests and support.

The commands, their exit codes and their JSON shapes are a public interface,
documented in docs/cli.md; change them only together with that file.

Exit codes: 0 success, 1 a user error (one line on stderr, prefixed
``keyplan-cli: error:``), 2 a usage error (argparse), 3 an internal error (a
bug: still one line; set ``KEYPLAN_DEBUG=1`` to see the traceback), 130
interrupted. Never a traceback otherwise.

No Qt here (an import-linter contract forbids it): the CLI talks to
``keyplan.services`` only.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
import traceback
import unicodedata
from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import date
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any, TextIO

from keyplan import __version__
from keyplan.domain.actuals import VarianceFigures
from keyplan.domain.errors import DomainError, NotFoundError
from keyplan.domain.estimates import Adjustments, DiscountMode, FeeBase, Totals
from keyplan.domain.money import Currency, round_half_up
from keyplan.domain.periods import parse_period
from keyplan.exports.email_draft import EmailDraftError
from keyplan.services import actuals_import, clock, estimate_import, rate_import
from keyplan.services.actuals import VarianceReport
from keyplan.services.contact_reports import ReportSummary
from keyplan.services.demo import create_demo_workspace
from keyplan.services.estimate_records import (
    ChangeOrderDocument,
    EstimateDocument,
    EstimateFilter,
    EstimateSummary,
)
from keyplan.services.estimates import STATUSES
from keyplan.services.exporting import (
    AUDIENCES,
    ExportError,
    ExportExistsError,
    contact_report_file_name,
    estimate_file_name,
    estimate_pdf_file_name,
    export_contact_report_pdf,
    export_estimate_pdf,
    export_estimate_xlsx,
    export_status_report_pdf,
    status_report_file_name,
)
from keyplan.services.opportunities import OpportunityRecord
from keyplan.services.records import AccountRecord
from keyplan.services.workspace import WorkspaceError, WorkspaceServices

PROG = "keyplan-cli"

EXIT_OK = 0
EXIT_USER_ERROR = 1
EXIT_USAGE = 2
EXIT_INTERNAL_ERROR = 3
EXIT_INTERRUPTED = 130

Handler = Callable[[argparse.Namespace], int]

#: Modules of this package that add commands of their own: each has a
#: ``register(commands)`` taking the subparsers action and uses the helpers here.
COMMAND_MODULES: tuple[str, ...] = ("forecast", "plans", "jbp")


# -- output helpers ------------------------------------------------------------------------


def _write(stream: TextIO, text: str) -> None:
    """Write ``text`` and a newline; characters the stream cannot encode are escaped."""
    try:
        stream.write(text + "\n")
    except UnicodeEncodeError:
        encoding = stream.encoding or "ascii"
        stream.write(text.encode(encoding, "backslashreplace").decode(encoding) + "\n")
    stream.flush()


def _error(message: str) -> None:
    one_line = " ".join(message.split())
    _write(sys.stderr, f"{PROG}: error: {one_line}")


def _print_json(value: Any) -> None:
    """Pretty, stable JSON; non-ASCII kept as is when stdout can encode it."""
    encoding = (getattr(sys.stdout, "encoding", None) or "").lower().replace("-", "")
    text = json.dumps(value, indent=2, ensure_ascii=encoding != "utf8")
    _write(sys.stdout, text)


def _width(text: str) -> int:
    """Columns ``text`` takes in a terminal (CJK and Hangul are two wide)."""
    return sum(
        0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        for ch in text
    )


def _table(
    headers: Sequence[str], rows: Sequence[Sequence[str]], right: Collection[int] = ()
) -> str:
    """Columns padded to their widest cell; the columns in ``right`` (numbers) align right."""
    widths = [_width(h) for h in headers]
    for row in rows:
        widths = [max(w, _width(cell)) for w, cell in zip(widths, row, strict=True)]

    def line(cells: Sequence[str]) -> str:
        padded = [
            " " * (w - _width(cell)) + cell if index in right else cell + " " * (w - _width(cell))
            for index, (cell, w) in enumerate(zip(cells, widths, strict=True))
        ]
        return "  ".join(padded).rstrip()

    return "\n".join([line(headers), *(line(row) for row in rows)])


# -- the commands --------------------------------------------------------------------------


def _cmd_demo(args: argparse.Namespace) -> int:
    with create_demo_workspace(args.path) as services:
        _write(sys.stdout, str(services.path))
    return EXIT_OK


def info_document(services: WorkspaceServices) -> dict[str, Any]:
    """What ``info --json`` prints."""
    info = services.info()
    return {
        "path": info.path,
        "schema_version": info.schema_version,
        "keyplan_version": __version__,
        "agency_name": services.agency.get().name,
        "counts": dict(info.counts),
    }


def _cmd_info(args: argparse.Namespace) -> int:
    with WorkspaceServices.open(args.path, read_only=True) as services:
        document = info_document(services)
    if args.json:
        _print_json(document)
        return EXIT_OK
    counts: dict[str, int] = document["counts"]
    rows = [
        ("Workspace", document["path"]),
        ("Schema version", document["schema_version"]),
        ("Agency", document["agency_name"]),
    ]
    for key, value in counts.items():
        if key.startswith("deleted_"):
            continue
        label = key.replace("_", " ").capitalize()
        deleted = counts.get(f"deleted_{key}", 0)
        rows.append((label, f"{value}" + (f" ({deleted} deleted)" if deleted else "")))
    label_width = max(len(label) for label, _ in rows) + 1
    _write(sys.stdout, "\n".join(f"{label + ':':<{label_width}} {value}" for label, value in rows))
    return EXIT_OK


def account_document(record: AccountRecord, names: dict[int, str]) -> dict[str, Any]:
    """One element of what ``accounts --json`` prints."""
    return {
        "id": record.id,
        "name": record.name,
        "parent": record.parent_id,
        "parent_name": names.get(record.parent_id) if record.parent_id is not None else None,
        "kind": record.kind,
        "tier": record.tier,
        "currency": record.currency,
        "market": record.market or None,
        "status": record.status,
        "health": record.health,
        "health_reason": record.health_reason,
        "health_date": record.health_date.isoformat() if record.health_date else None,
        "owner": record.owner_name or None,
        "owner_id": record.owner_id,
    }


def _tree_order(records: list[AccountRecord]) -> list[tuple[int, AccountRecord]]:
    """(depth, record) with every account right after its parent, siblings by name."""
    ids = {r.id for r in records}
    children: dict[int | None, list[AccountRecord]] = {}
    for record in records:  # records come sorted by name
        parent = record.parent_id if record.parent_id in ids else None
        children.setdefault(parent, []).append(record)
    ordered: list[tuple[int, AccountRecord]] = []

    def visit(parent: int | None, depth: int) -> None:
        for record in children.get(parent, []):
            ordered.append((depth, record))
            visit(record.id, depth + 1)

    visit(None, 0)
    return ordered


def _cmd_accounts(args: argparse.Namespace) -> int:
    with WorkspaceServices.open(args.path, read_only=True) as services:
        records = services.accounts.all()
    names = {r.id: r.name for r in records}
    if args.json:
        _print_json([account_document(r, names) for r in records])
        return EXIT_OK
    if not records:
        _write(sys.stdout, "No accounts.")
        return EXIT_OK
    headers = ("ID", "Account", "Kind", "Tier", "Currency", "Market", "Status", "Health", "Owner")
    rows = [
        (
            str(r.id),
            "  " * depth + r.name,
            r.kind,
            r.tier,
            r.currency,
            r.market,
            r.status,
            r.health,
            r.owner_name,
        )
        for depth, r in _tree_order(records)
    ]
    _write(sys.stdout, _table(headers, rows))
    return EXIT_OK


# -- estimates -----------------------------------------------------------------------------
# Amounts are decimal strings with exactly the currency's minor units ("1234.50", "150000"
# for JPY); percentages, tax-rate keys and quantities are normalised decimal strings ("10",
# "7.5"). Never JSON numbers, so no reader turns money into a float.


def _money(value: Decimal, currency: Currency) -> str:
    """``value`` with exactly the currency's decimals (the services already round them so)."""
    return f"{round_half_up(value, currency.minor_units):f}"


def _number(value: Decimal) -> str:
    """A percentage or quantity without trailing zeros: 10.00 -> "10", 7.50 -> "7.5"."""
    if value.is_zero():
        return "0"
    return f"{value.normalize():f}"


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _by_rate(amounts: Mapping[Decimal, Decimal], currency: Currency) -> dict[str, str]:
    return {_number(rate): _money(amount, currency) for rate, amount in amounts.items()}


def totals_document(totals: Totals) -> dict[str, Any]:
    """The client figures of a priced document (the keys of ``estimates --json`` rows)."""
    currency = totals.currency
    return {
        "subtotal": _money(totals.subtotal, currency),
        "discount": _money(totals.discount, currency),
        "contingency": _money(totals.contingency, currency),
        "fee": _money(totals.fee, currency),
        "net": _money(totals.net, currency),
        "tax": _by_rate(totals.tax_by_rate, currency),
        "tax_total": _money(totals.tax, currency),
        "total": _money(totals.total, currency),
    }


def _detailed_totals(totals: Totals) -> dict[str, Any]:
    return {
        **totals_document(totals),
        "taxable": _by_rate(totals.taxable_by_rate, totals.currency),
        "optional_total": _money(totals.optional_total, totals.currency),
    }


def _contracted(value: Decimal | None, currency: Currency) -> str | None:
    return _money(value, currency) if value is not None else None


def estimate_row(summary: EstimateSummary) -> dict[str, Any]:
    """One element of what ``estimates --json`` prints."""
    currency = Currency.get(summary.currency)
    return {
        "number": summary.number,
        "revision": summary.revision,
        "title": summary.title,
        "account": summary.account_name,
        "account_id": summary.account_id,
        "project": summary.project_name or None,
        "status": summary.status,
        "currency": summary.currency,
        "issued_on": summary.issued_on.isoformat(),
        "valid_until": _iso(summary.valid_until),
        **totals_document(summary.totals),
        "contracted_total": _contracted(summary.contracted_total, currency),
    }


def _adjustments_document(adj: Adjustments, currency: Currency) -> dict[str, Any]:
    amount = adj.discount_mode is DiscountMode.AMOUNT
    return {
        "discount_mode": adj.discount_mode.value,
        "discount_value": (
            _money(adj.discount_value, currency) if amount else _number(adj.discount_value)
        ),
        "discount_tax_rate": _number(adj.discount_tax_rate),
        "contingency_percent": _number(adj.contingency_percent),
        "contingency_tax_rate": _number(adj.contingency_tax_rate),
        "fee_percent": _number(adj.fee_percent),
        "fee_base": adj.fee_base.value,
        "fee_tax_rate": _number(adj.fee_tax_rate),
    }


def _change_order_document(order: ChangeOrderDocument) -> dict[str, Any]:
    return {
        "number": order.number,
        "sequence": order.sequence,
        "title": order.title,
        "reason": order.reason,
        "status": order.status,
        "sent_on": _iso(order.sent_on),
        "approved_by": order.approved_by or None,
        "approved_on": _iso(order.approved_on),
        "approval_po": order.approval_po or None,
        "totals": totals_document(order.totals),
    }


def estimate_document(
    document: EstimateDocument, change_orders: Sequence[ChangeOrderDocument] = ()
) -> dict[str, Any]:
    """What ``estimate --json`` prints: client figures, and cost and margin under ``internal``."""
    currency = Currency.get(document.currency)
    totals = document.totals
    sections: list[dict[str, Any]] = []
    internal_lines: list[dict[str, Any]] = []
    number = 0
    for section in document.sections:
        lines = []
        for line in section.lines:
            number += 1
            lines.append(
                {
                    "line_number": number,
                    "kind": line.kind,
                    "description": line.description,
                    "quantity": _number(line.quantity),
                    "unit": line.unit,
                    "unit_price": _money(line.unit_price, currency),
                    "discount_percent": _number(line.discount_percent),
                    "tax_rate": _number(line.tax_rate),
                    "optional": line.optional,
                    "amount": _money(line.amount, currency),
                }
            )
            internal_lines.append(
                {
                    "line_number": number,
                    "role": line.role or None,
                    "supplier": line.supplier or None,
                    "unit_cost": _money(line.unit_cost, currency),
                    "markup_percent": _number(line.markup_percent),
                    "cost": _money(line.cost, currency),
                }
            )
        sections.append(
            {"name": section.name, "subtotal": _money(section.subtotal, currency), "lines": lines}
        )
    margin_percent = totals.internal.margin_percent
    return {
        "number": document.number,
        "revision": document.revision,
        "latest_revision": document.revisions[-1].revision if document.revisions else None,
        "status": document.status,
        "title": document.title,
        "account": document.account_name,
        "account_id": document.account_id,
        "project": document.project_name or None,
        "project_id": document.project_id,
        "currency": document.currency,
        "issued_on": document.issued_on.isoformat(),
        "valid_until": _iso(document.valid_until),
        "sent_on": _iso(document.sent_on),
        "approved_by": document.approved_by or None,
        "approved_on": _iso(document.approved_on),
        "approval_po": document.approval_po or None,
        "rejected_on": _iso(document.rejected_on),
        "rejection_reason": document.rejection_reason or None,
        "terms": document.terms,
        "client_notes": document.client_notes,
        "standard_tax_rate": _number(document.tax_rate),
        "adjustments": _adjustments_document(document.adjustments, currency),
        "revisions": [
            {
                "revision": info.revision,
                "status": info.status,
                "issued_on": info.issued_on.isoformat(),
                "sent_on": _iso(info.sent_on),
            }
            for info in document.revisions
        ],
        "change_orders": [_change_order_document(order) for order in change_orders],
        "contracted_total": _contracted(document.contracted_total, currency),
        "sections": sections,
        "totals": _detailed_totals(totals),
        "internal": {
            "cost": _money(totals.internal.cost, currency),
            "margin": _money(totals.internal.margin, currency),
            "margin_percent": _number(margin_percent) if margin_percent is not None else None,
            "margin_floor_percent": _number(document.margin_floor_percent),
            "below_margin_floor": document.below_margin_floor,
            "internal_notes": document.internal_notes,
            "sections": [
                {"name": section.name, "cost": _money(section.cost, currency)}
                for section in document.sections
            ],
            "lines": internal_lines,
        },
    }


def _find_account(services: WorkspaceServices, wanted: str) -> int:
    """An account id from ``--account``: an id, a name, or a unique part of a name."""
    records = services.accounts.all()
    text = unicodedata.normalize("NFC", wanted).strip()
    if text.isdigit():
        if any(record.id == int(text) for record in records):
            return int(text)
        raise NotFoundError(f"No account with id {text}.")
    key = text.casefold()
    exact = [record for record in records if record.name.casefold() == key]
    matches = exact or [record for record in records if key and key in record.name.casefold()]
    if len(matches) == 1:
        return matches[0].id
    if not matches:
        raise NotFoundError(f"No account named '{text}'.")
    names = ", ".join(f"{record.name} (id {record.id})" for record in matches[:5])
    raise DomainError(f"'{text}' matches several accounts: {names}. Use the full name or the id.")


def _grouped(value: Decimal, currency: Currency) -> str:
    """An amount for reading: thousands separated by commas, the currency's decimals."""
    return f"{round_half_up(value, currency.minor_units):,f}"


def _clip(text: str, columns: int) -> str:
    """``text`` on one line, cut to ``columns`` terminal columns with an ellipsis."""
    flat = " ".join(text.split())
    if _width(flat) <= columns:
        return flat
    kept = ""
    for ch in flat:
        if _width(kept + ch) > columns - 1:
            break
        kept += ch
    return kept + "…"


def _cmd_estimates(args: argparse.Namespace) -> int:
    with WorkspaceServices.open(args.path, read_only=True) as services:
        filters = EstimateFilter(
            statuses=frozenset(args.status or ()),
            account_id=_find_account(services, args.account) if args.account else None,
            currency=Currency.get(args.currency).code if args.currency else "",
        )
        summaries = services.estimates.summaries(filters)
    if args.json:
        _print_json([estimate_row(summary) for summary in summaries])
        return EXIT_OK
    if not summaries:
        _write(sys.stdout, "No estimates.")
        return EXIT_OK
    headers = (
        "Number",
        "Rev",
        "Status",
        "Issued",
        "Account",
        "Title",
        "Cur",
        "Total",
        "Contracted",
    )
    rows = []
    for summary in summaries:
        currency = Currency.get(summary.currency)
        contracted = summary.contracted_total
        rows.append(
            (
                summary.number,
                str(summary.revision),
                summary.status,
                summary.issued_on.isoformat(),
                _clip(summary.account_name, 28),
                _clip(summary.title, 40),
                summary.currency,
                _grouped(summary.totals.total, currency),
                _grouped(contracted, currency) if contracted is not None else "",
            )
        )
    _write(sys.stdout, _table(headers, rows, right={1, 7, 8}))
    return EXIT_OK


def _cmd_estimate(args: argparse.Namespace) -> int:
    with WorkspaceServices.open(args.path, read_only=True) as services:
        estimates = services.estimates
        document = estimates.document(estimates.find(args.number, args.revision))
        orders = [estimates.change_order(order.id) for order in document.change_orders]
    if args.json:
        _print_json(estimate_document(document, orders))
    else:
        _write(sys.stdout, _estimate_text(document, orders))
    return EXIT_OK


def _cmd_export_estimate(args: argparse.Namespace) -> int:
    """Write an estimate revision as an Excel workbook (client or internal) or, when the file
    name ends in .pdf, as the client's PDF quote."""
    output: Path = args.output
    pdf = not output.is_dir() and output.suffix.lower() == ".pdf"
    if pdf and args.audience != "client":
        raise ExportError(
            "The PDF is the client's quote and has no internal variant: "
            "write the internal estimate to an .xlsx file."
        )
    with WorkspaceServices.open(args.path, read_only=True) as services:
        revision_id = services.estimates.find(args.number, args.revision)
        if output.is_dir():  # a folder: the suggested file name inside it
            output = output / estimate_file_name(services, revision_id, args.audience)
        if pdf:
            written = export_estimate_pdf(services, revision_id, output, overwrite=args.force)
        else:
            written = export_estimate_xlsx(
                services, revision_id, args.audience, output, overwrite=args.force
            )
    _write(sys.stdout, str(written))
    return EXIT_OK


def _cmd_import_estimate(args: argparse.Namespace) -> int:
    """Read a client-edited workbook: print the changes; with --apply, make the revision."""
    with WorkspaceServices.open(args.path, read_only=not args.apply) as services:
        revision_id = services.estimates.find(args.number, args.revision)
        document = services.estimates.document(revision_id)
        edits = estimate_import.read_client_workbook(args.file, document)
        plan = estimate_import.plan_round_trip(services, revision_id, edits)
        if plan.is_empty:
            _write(sys.stdout, "The workbook changes nothing.")
            return EXIT_OK
        for line in plan.preview:
            _write(sys.stdout, f"  {line}")
        if not args.apply:
            _write(sys.stdout, "Nothing changed yet: add --apply to make these a new revision.")
            return EXIT_OK
        new_id = estimate_import.apply_round_trip(services, revision_id, plan)
        diff = services.estimates.diff(revision_id, new_id)
        new = services.estimates.document(new_id)
    currency = Currency.get(new.currency)
    _write(
        sys.stdout,
        f"{new.number} revision {new.revision} (draft): total "
        f"{_money(diff.old_total, currency)} -> {_money(diff.new_total, currency)} "
        f"({'+' if diff.total_delta >= 0 else ''}{_money(diff.total_delta, currency)})",
    )
    return EXIT_OK


def _optional(value: Decimal | None, render: Callable[[Decimal], str]) -> str | None:
    return None if value is None else render(value)


def figures_document(figures: VarianceFigures, currency: Currency) -> dict[str, Any]:
    def money(value: Decimal) -> str:
        return _money(value, currency)

    return {
        "estimated_cost": money(figures.estimated_cost),
        "actual_cost": money(figures.actual_cost),
        "cost_variance": money(figures.cost_variance),
        "cost_variance_percent": _optional(figures.cost_variance_percent, _number),
        "burn_percent": _optional(figures.burn_percent, _number),
        "estimated_hours": _optional(figures.estimated_hours, _number),
        "actual_hours": _optional(figures.actual_hours, _number),
        "hours_variance": _optional(figures.hours_variance, _number),
    }


def variance_document(report: VarianceReport) -> dict[str, Any]:
    """The JSON shape of ``keyplan-cli variance --json`` (docs/cli.md)."""
    variance = report.variance
    currency = variance.currency
    return {
        "number": report.number,
        "title": report.title,
        "account": report.account_name,
        "currency": currency.code,
        "basis": report.basis,
        "approved": report.approved,
        "sections": [
            {
                "ref": section.ref,
                "name": section.name,
                "part": section.part,
                **figures_document(section.figures, currency),
                "unallocated": figures_document(section.unallocated, currency),
                "lines": [
                    {
                        "ref": line.ref,
                        "description": line.description,
                        "kind": line.kind.value,
                        "optional": line.optional,
                        "amount": _money(line.amount, currency),
                        **figures_document(line.figures, currency),
                    }
                    for line in section.lines
                ],
            }
            for section in variance.sections
        ],
        "unmatched": figures_document(variance.unmatched, currency),
        "total": figures_document(variance.figures, currency),
        "contracted_net": _money(variance.contracted_net, currency),
        "estimated_margin": _money(variance.estimated_margin, currency),
        "actual_margin": _money(variance.actual_margin, currency),
        "estimated_margin_percent": _optional(variance.estimated_margin_percent, _number),
        "actual_margin_percent": _optional(variance.actual_margin_percent, _number),
    }


def _variance_text(report: VarianceReport) -> str:
    variance = report.variance
    currency = variance.currency

    def cells(ref: str, label: str, figures: VarianceFigures) -> list[str]:
        percent = figures.cost_variance_percent
        return [
            ref,
            _clip(label, 40),
            _grouped(figures.estimated_cost, currency),
            _grouped(figures.actual_cost, currency),
            _grouped(figures.cost_variance, currency),
            "" if percent is None else f"{percent:+}%",
            "" if figures.estimated_hours is None else _number(figures.estimated_hours),
            "" if figures.actual_hours is None else _number(figures.actual_hours),
        ]

    rows: list[list[str]] = []
    for section in variance.sections:
        rows.append(cells(section.ref, section.name.upper(), section.figures))
        rows.extend(
            cells(
                line.ref, ("(optional) " if line.optional else "") + line.description, line.figures
            )
            for line in section.lines
        )
        if section.unallocated.actual_cost or section.unallocated.actual_hours:
            rows.append(cells("", "(booked to the section)", section.unallocated))
    if variance.unmatched.actual_cost or variance.unmatched.actual_hours:
        rows.append(cells("", "(lines no longer in the estimate)", variance.unmatched))
    rows.append(cells("", "TOTAL", variance.figures))
    table = _table(
        ["No.", "Description", "Estimated", "Actual", "Variance", "%", "Est. h", "Actual h"],
        rows,
        right={2, 3, 4, 5, 6, 7},
    )

    def margin(value: Decimal, percent: Decimal | None) -> str:
        shown = _grouped(value, currency)
        return shown if percent is None else f"{shown} ({_number(percent)}%)"

    return "\n".join(
        [
            f"{report.number}  {report.title}  ({report.account_name}, {currency.code})",
            f"Compared with: {report.basis}",
            "",
            table,
            "",
            f"Contracted net {_grouped(variance.contracted_net, currency)}; margin "
            f"estimated {margin(variance.estimated_margin, variance.estimated_margin_percent)}, "
            f"actual so far {margin(variance.actual_margin, variance.actual_margin_percent)}",
        ]
    )


def _cmd_variance(args: argparse.Namespace) -> int:
    """Estimate versus actual for one estimate, by line, section and in total."""
    with WorkspaceServices.open(args.path, read_only=True) as services:
        estimate_id = services.estimates.document(services.estimates.find(args.number)).estimate_id
        report = services.actuals.variance(estimate_id)
    if args.json:
        _print_json(variance_document(report))
    else:
        _write(sys.stdout, _variance_text(report))
    return EXIT_OK


def _cmd_import_actuals(args: argparse.Namespace) -> int:
    """Check a finance file of actual costs against an estimate; --apply books them."""
    with WorkspaceServices.open(args.path, read_only=not args.apply) as services:
        estimate_id = services.estimates.document(services.estimates.find(args.number)).estimate_id
        plan = actuals_import.prepare_import(services, estimate_id, args.file, args.locale)
        currency = Currency.get(plan.currency)
        rows = [
            [
                str(row.row),
                row.target.ref,
                _clip(row.target.label, 32),
                row.draft.entry_date.isoformat(),
                "" if row.draft.hours is None else _number(row.draft.hours),
                _grouped(row.draft.cost, currency),
                row.draft.reference,
                "already imported" if row.duplicate else "",
            ]
            for row in plan.rows
        ]
        _write(
            sys.stdout,
            _table(
                ["Row", "No.", "Line", "Date", "Hours", "Cost", "Reference", ""],
                rows,
                right={0, 4, 5},
            ),
        )
        summary = (
            f"{len(plan.rows)} rows, {_grouped(plan.total_cost, currency)} {currency.code}"
            + (
                f"; {plan.skipped_other_estimates} row"
                f"{'' if plan.skipped_other_estimates == 1 else 's'} of other estimates skipped"
                if plan.skipped_other_estimates
                else ""
            )
        )
        _write(sys.stdout, summary)
        skip = not args.include_duplicates
        if not args.apply:
            _write(sys.stdout, "Nothing booked yet: add --apply to book these actuals.")
            return EXIT_OK
        result = actuals_import.apply_import(services, plan, skip_duplicates=skip)
    skipped = len(plan.rows) - len(result.ids)
    _write(
        sys.stdout,
        f"{plan.number}: {len(result.ids)} actuals booked"
        + (f", {skipped} already imported rows skipped" if skipped else ""),
    )
    return EXIT_OK


def report_row(summary: ReportSummary) -> dict[str, Any]:
    """The JSON shape of one contact report in ``contact-reports --json`` (docs/cli.md)."""
    local = summary.local_start
    return {
        "id": summary.id,
        "account": summary.account_name,
        "account_id": summary.account_id,
        "title": summary.title,
        "kind": summary.kind,
        "starts_at": local.isoformat(),
        "time_zone": summary.time_zone,
        "due_at": summary.due_at.isoformat(),
        "state": summary.state,
        "sent_on": _iso(summary.sent_on),
        "open_actions": summary.open_actions,
    }


def _cmd_contact_reports(args: argparse.Namespace) -> int:
    """Contact reports with their state under the 24-hour rule (one account or all)."""
    local_zone = clock.local_zone()
    with WorkspaceServices.open(args.path, read_only=True) as services:
        reports = services.contact_reports
        account_id = _find_account(services, args.account) if args.account else None
        if args.owed:
            rows = reports.owed(local_zone=local_zone, account_id=account_id)
        else:
            ids = (
                [account_id] if account_id is not None else [a.id for a in services.accounts.all()]
            )
            rows = [r for a in ids for r in reports.for_account(a, local_zone=local_zone)]
            rows.sort(key=lambda r: r.starts_at, reverse=True)
    if args.json:
        _print_json([report_row(row) for row in rows])
        return EXIT_OK
    states = {"overdue": "OVERDUE", "due_today": "due today", "due": "due", "upcoming": "upcoming"}
    table = [
        [
            str(row.id),
            row.local_start.strftime("%Y-%m-%d %H:%M"),
            _clip(row.account_name, 24),
            _clip(row.title, 40),
            f"sent {row.sent_on.isoformat()}" if row.sent_on else states.get(row.state, row.state),
            str(row.open_actions or ""),
        ]
        for row in rows
    ]
    _write(
        sys.stdout,
        _table(["Id", "Meeting (local)", "Account", "Title", "State", "Open"], table, right={0, 5}),
    )
    return EXIT_OK


def _pdf_output(output: Path, suggested: str) -> Path:
    """``-o``: a file ending in .pdf, or a folder that gets the suggested name."""
    if output.is_dir():
        return output / suggested
    if output.suffix.lower() != ".pdf":
        raise ExportError(f"{output.name}: write the report to a file ending in .pdf.")
    return output


def _cmd_export_contact_report(args: argparse.Namespace) -> int:
    with WorkspaceServices.open(args.path, read_only=True) as services:
        output = _pdf_output(args.output, contact_report_file_name(services, args.report_id))
        written = export_contact_report_pdf(services, args.report_id, output, overwrite=args.force)
    _write(sys.stdout, str(written))
    return EXIT_OK


def _cmd_export_status_report(args: argparse.Namespace) -> int:
    period = parse_period(args.period)
    with WorkspaceServices.open(args.path, read_only=True) as services:
        account_id = _find_account(services, args.account)
        output = _pdf_output(
            args.output, status_report_file_name(services, account_id, period, args.audience)
        )
        written = export_status_report_pdf(
            services,
            account_id,
            period,
            output,
            audience=args.audience,
            overwrite=args.force,
            headline=args.headline or "",
        )
    _write(sys.stdout, str(written))
    return EXIT_OK


def _recipients(
    services: WorkspaceServices, account_id: int, wanted: Sequence[str], default: Sequence[int]
) -> list[int]:
    """Contact ids from ``--to`` (a name, part of one, or an address), else ``default``."""
    offered = services.email_drafts.addresses(account_id)
    if not wanted:
        chosen = [c for c in default if any(a.contact_id == c for a in offered)]
        if not chosen:
            raise DomainError(
                "Say who receives it with --to NAME_OR_EMAIL (contacts with an e-mail address: "
                + (", ".join(a.name for a in offered) or "none")
                + ")."
            )
        return chosen
    ids: list[int] = []
    for text in wanted:
        key = unicodedata.normalize("NFC", text).strip().casefold()
        matches = [a for a in offered if key in (a.email.casefold(), a.name.casefold())] or [
            a for a in offered if key and key in a.name.casefold()
        ]
        if len(matches) != 1:
            what = "no contact" if not matches else "several contacts"
            raise DomainError(f"--to {text}: {what} of the account with an e-mail address.")
        ids.append(matches[0].contact_id)
    return ids


def _cmd_email_draft(args: argparse.Namespace) -> int:
    """Write the document's PDF (unless --attach is given) and an .eml draft beside it."""
    output: Path = args.output
    if output.suffix.lower() != ".eml":
        raise ExportError(f"{output.name}: the draft is written to a file ending in .eml.")
    chosen = [args.estimate is not None, args.contact_report is not None, args.status_report]
    if sum(bool(c) for c in chosen) != 1:
        raise DomainError("Choose one of --estimate, --contact-report or --status-report.")
    folder = output.parent
    with WorkspaceServices.open(args.path, read_only=True) as services:
        default: list[int] = []
        write_pdf: Callable[[], Path]
        if args.estimate is not None:
            revision_id = services.estimates.find(args.estimate)
            document = services.estimates.document(revision_id)
            account_id, kind = document.account_id, "estimate"
            values = {
                "title": document.title,
                "number": document.number,
                "revision": str(document.revision),
                "valid_until": _iso(document.valid_until) or "",
            }
            target = folder / estimate_pdf_file_name(services, revision_id)
            write_pdf = partial(
                export_estimate_pdf, services, revision_id, target, overwrite=args.force
            )
        elif args.contact_report is not None:
            report = services.contact_reports.get(args.contact_report)
            account_id, kind = report.account_id, "contact_report"
            values = {"title": report.title, "date": report.local_start.date().isoformat()}
            default = [a.ref.contact_id for a in report.attendees if a.ref.contact_id is not None]
            target = folder / contact_report_file_name(services, report.id)
            write_pdf = partial(
                export_contact_report_pdf, services, report.id, target, overwrite=args.force
            )
        else:
            if not args.period:
                raise DomainError("--status-report needs --period (2026-Q3, 2026-09 or 2026-W38).")
            period = parse_period(args.period)
            account_id, kind = _find_account(services, args.status_report), "status_report"
            values = {"period": period.label}
            target = folder / status_report_file_name(services, account_id, period, "client")
            write_pdf = partial(
                export_status_report_pdf, services, account_id, period, target,
                overwrite=args.force,
            )  # fmt: skip
        # who receives it, and where the draft goes, are settled before any file is written
        contacts = _recipients(services, account_id, args.to or [], default)
        if output.exists() and not args.force:
            raise ExportExistsError(output)
        made = [] if args.attach else [write_pdf()]
        try:
            attachments = list(args.attach or []) or made
            draft = services.email_drafts.draft(kind, account_id, contacts, values, attachments)
            written = services.email_drafts.write(draft, output, overwrite=args.force)
        except BaseException:  # no PDF left behind without its draft
            for path in made:
                path.unlink(missing_ok=True)
            raise
    _write(sys.stdout, str(written))
    return EXIT_OK


def opportunity_row(record: OpportunityRecord) -> dict[str, Any]:
    """The JSON shape of one opportunity in ``pipeline --json`` (docs/cli.md)."""
    currency = Currency.get(record.currency)
    return {
        "id": record.id,
        "account": record.account_name,
        "account_id": record.account_id,
        "name": record.name,
        "type": record.kind,
        "stage": record.stage,
        "currency": record.currency,
        "amount": _money(record.amount, currency),
        "probability": _number(record.probability),
        "weighted": _money(record.weighted, currency),
        "expected_close": _iso(record.expected_close),
        "owner": record.owner_name,
        "next_step": record.next_step,
        "stages": [{"stage": stage, "entered_on": day.isoformat()} for stage, day in record.stages],
    }


def _cmd_pipeline(args: argparse.Namespace) -> int:
    """Opportunities across accounts with the totals per stage and currency."""
    with WorkspaceServices.open(args.path, read_only=True) as services:
        account_id = _find_account(services, args.account) if args.account else None
        records = services.opportunities.pipeline(account_id=account_id)
        totals = services.opportunities.by_stage(records)
    if args.json:
        _print_json(
            {
                "opportunities": [opportunity_row(record) for record in records],
                "by_stage": [
                    {
                        "stage": total.stage.value,
                        "currency": total.currency,
                        "count": total.count,
                        "amount": _money(total.amount, Currency.get(total.currency)),
                        "weighted": _money(total.weighted, Currency.get(total.currency)),
                    }
                    for total in totals
                ],
            }
        )
        return EXIT_OK
    rows = [
        [
            _clip(r.account_name, 24),
            _clip(r.name, 36),
            r.stage,
            f"{_grouped(r.amount, Currency.get(r.currency))} {r.currency}",
            f"{_number(r.probability)}%",
            _grouped(r.weighted, Currency.get(r.currency)),
            _iso(r.expected_close) or "",
        ]
        for r in records
    ]
    _write(
        sys.stdout,
        _table(
            ["Account", "Opportunity", "Stage", "Amount", "Prob.", "Weighted", "Close"],
            rows,
            right={3, 4, 5},
        ),
    )
    return EXIT_OK


def _cmd_import_rates(args: argparse.Namespace) -> int:
    """Import a rate card table (xlsx or csv) into a card: all rows, or none."""
    with WorkspaceServices.open(args.path) as services:
        cards = services.rate_cards.cards()
        if args.card:
            card = next(
                (
                    c
                    for c in cards
                    if str(c.id) == args.card or c.name.casefold() == args.card.casefold()
                ),
                None,
            )
            if card is None:
                raise DomainError(f"No rate card '{args.card}' (see the Rate cards page).")
        else:
            currency = services.agency.get().default_currency
            card = next((c for c in cards if c.account_id is None and c.currency == currency), None)
            if card is None:
                raise DomainError(
                    f"There is no agency rate card in {currency}: name one with --card."
                )
        table = rate_import.read_rate_table(args.file)
        rows = rate_import.build_rates(
            table, rate_import.guess_mapping(table.headers), card.currency, args.locale
        )
        preview = rate_import.preview_import(services, card.id, rows)
        for line in preview:
            money = f"{line.bill} / {line.cost} {card.currency} per {line.unit}"
            _write(sys.stdout, f"{line.action:6}  {line.role}  {money}  from {line.valid_from}")
        if args.dry_run:
            return EXIT_OK
        result = rate_import.apply_import(services, card.id, rows)
    _write(
        sys.stdout,
        f"{card.name}: {result.added} added, {result.updated} updated, "
        f"{result.unchanged} unchanged",
    )
    return EXIT_OK


def _estimate_text(document: EstimateDocument, orders: Sequence[ChangeOrderDocument]) -> str:
    """The readable form of ``estimate``: header, lines by section, totals, internal figures."""
    currency = Currency.get(document.currency)
    totals = document.totals

    def money(value: Decimal) -> str:
        return _grouped(value, currency)

    latest = document.revisions[-1].revision if document.revisions else document.revision
    header = [
        ("Estimate", f"{document.number} revision {document.revision} of {latest}"),
        ("Status", document.status),
        ("Title", document.title),
        ("Account", document.account_name),
        ("Project", document.project_name or "-"),
        ("Currency", document.currency),
        ("Issued", document.issued_on.isoformat()),
        ("Valid until", _iso(document.valid_until) or "-"),
    ]
    if document.sent_on:
        header.append(("Sent", document.sent_on.isoformat()))
    if document.approved_on:
        po = f", PO {document.approval_po}" if document.approval_po else ""
        header.append(
            ("Approved", f"{document.approved_on.isoformat()} by {document.approved_by}{po}")
        )
    if document.rejected_on:
        reason = f": {document.rejection_reason}" if document.rejection_reason else ""
        header.append(("Rejected", f"{document.rejected_on.isoformat()}{reason}"))
    header.append(
        (
            "Revisions",
            ", ".join(
                f"{info.revision} {info.status}"
                + (f" (sent {info.sent_on.isoformat()})" if info.sent_on else "")
                for info in document.revisions
            ),
        )
    )
    for order in orders:
        header.append(
            (
                "Change order",
                f"{order.number} {order.status}: {order.title}, {money(order.totals.total)}",
            )
        )
    if document.contracted_total is not None:
        header.append(("Contracted total", f"{money(document.contracted_total)} {currency}"))
    width = max(len(label) for label, _ in header) + 1
    out = [f"{label + ':':<{width}} {value}" for label, value in header]

    rows: list[tuple[str, ...]] = []
    number = 0
    for section in document.sections:
        rows.append(("", _clip(section.name, 52), "", "", "", "", "", "", "", ""))
        for line in section.lines:
            number += 1
            rows.append(
                (
                    str(number),
                    "  " + _clip(line.description, 50),
                    line.kind,
                    _number(line.quantity),
                    _clip(line.unit, 12),
                    money(line.unit_price),
                    _number(line.discount_percent),
                    _number(line.tax_rate),
                    "yes" if line.optional else "",
                    money(line.amount),
                )
            )
        rows.append(
            ("", f"  Subtotal {_clip(section.name, 41)}", *[""] * 7, money(section.subtotal))
        )
    headers = ("#", "Description", "Kind", "Qty", "Unit", "Unit price", "Disc %", "Tax %",
               "Optional", "Amount")  # fmt: skip
    out += ["", _table(headers, rows, right={0, 3, 5, 6, 7, 9})]

    adj = document.adjustments
    fee_base = {
        FeeBase.SUBTOTAL: "subtotal",
        FeeBase.LABOUR: "labour lines",
        FeeBase.THIRD_PARTY: "third-party lines",
    }[adj.fee_base]
    discount_label = (
        f"Discount ({_number(adj.discount_value)} %)"
        if adj.discount_mode is DiscountMode.PERCENT
        else "Discount"
    )
    figures = [("Subtotal", money(totals.subtotal))]
    if totals.discount:
        figures.append((discount_label, money(-totals.discount)))
    if totals.contingency:
        figures.append(
            (f"Contingency ({_number(adj.contingency_percent)} %)", money(totals.contingency))
        )
    if totals.fee:
        figures.append(
            (f"Agency fee ({_number(adj.fee_percent)} % of {fee_base})", money(totals.fee))
        )
    figures.append(("Net", money(totals.net)))
    for rate, tax in totals.tax_by_rate.items():
        taxable = totals.taxable_by_rate[rate]
        figures.append((f"Tax {_number(rate)} % on {money(taxable)}", money(tax)))
    figures.append((f"Total {currency}", money(totals.total)))
    if totals.optional_total:
        figures.append(("Optional lines (not in the total)", money(totals.optional_total)))
    out += ["", _table(("Totals", ""), figures, right={1})]

    internal = totals.internal
    margin = money(internal.margin)
    if internal.margin_percent is not None:
        margin += f" ({_number(internal.margin_percent)} %)"
    if document.below_margin_floor:
        margin += f"  below the {_number(document.margin_floor_percent)} % floor"
    out += [
        "",
        "Internal (never on a client document)",
        f"  Cost:   {money(internal.cost)}",
        f"  Margin: {margin}",
    ]
    for index, note in enumerate(document.internal_notes.splitlines()):
        out.append(("  Notes:  " if index == 0 else " " * 10) + _clip(note, 90))
    return "\n".join(out)


# -- parsing and running -------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Keyplan without a window: create the demo workspace and inspect workspaces.",
        epilog="Exit codes: 0 ok, 1 error (one line on stderr), 2 usage error, 3 internal error.",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    demo = commands.add_parser(
        "demo",
        help="create the demo workspace at PATH (never overwrites) and print its path",
        description="Create a new workspace filled with demo data. Refuses to overwrite a file.",
    )
    demo.add_argument("path", metavar="PATH", type=Path, help="the new file, e.g. demo.keyplan")
    demo.set_defaults(handler=_cmd_demo)

    info = commands.add_parser(
        "info",
        help="show the schema version and how many of each entity a workspace holds",
        description="Show the schema version and the number of items per entity.",
    )
    info.add_argument("path", metavar="PATH", type=Path, help="a .keyplan workspace")
    info.add_argument("--json", action="store_true", help="print JSON (see docs/cli.md)")
    info.set_defaults(handler=_cmd_info)

    accounts = commands.add_parser(
        "accounts",
        help="list the accounts of a workspace",
        description="List the accounts (not deleted) of a workspace.",
    )
    accounts.add_argument("path", metavar="PATH", type=Path, help="a .keyplan workspace")
    accounts.add_argument("--json", action="store_true", help="print JSON (see docs/cli.md)")
    accounts.set_defaults(handler=_cmd_accounts)

    estimates = commands.add_parser(
        "estimates",
        help="list the estimates of a workspace (latest revision of each) with their totals",
        description="List the latest revision of every estimate, newest first, with totals.",
    )
    estimates.add_argument("path", metavar="PATH", type=Path, help="a .keyplan workspace")
    estimates.add_argument("--json", action="store_true", help="print JSON (see docs/cli.md)")
    estimates.add_argument(
        "--status",
        action="append",
        choices=STATUSES,
        metavar="S",
        help=f"only this status ({', '.join(STATUSES)}); repeat for several",
    )
    estimates.add_argument(
        "--account", metavar="NAME_OR_ID", help="only this account: its id, name or part of it"
    )
    estimates.add_argument("--currency", metavar="C", help="only this currency (ISO code)")
    estimates.set_defaults(handler=_cmd_estimates)

    estimate = commands.add_parser(
        "estimate",
        help="show one estimate: sections, lines, totals and internal cost and margin",
        description="Show one revision of an estimate (the latest by default).",
    )
    estimate.add_argument("path", metavar="PATH", type=Path, help="a .keyplan workspace")
    estimate.add_argument("number", metavar="NUMBER", help="the estimate number, e.g. KP-2026-0001")
    estimate.add_argument(
        "--revision", metavar="N", type=int, help="this revision instead of the latest"
    )
    estimate.add_argument("--json", action="store_true", help="print JSON (see docs/cli.md)")
    estimate.set_defaults(handler=_cmd_estimate)

    export = commands.add_parser(
        "export-estimate",
        help="write an estimate as an Excel workbook (client or internal) or a PDF quote",
        description="Write one revision of an estimate (the latest by default) as an .xlsx "
        "workbook with live formulas, or as the client's PDF quote when FILE ends in .pdf. "
        "Client files never contain costs, margins, markups or internal notes.",
    )
    export.add_argument("path", metavar="PATH", type=Path, help="a .keyplan workspace")
    export.add_argument("number", metavar="NUMBER", help="the estimate number, e.g. KP-2026-0001")
    export.add_argument("--revision", metavar="N", type=int, help="this revision, not the latest")
    export.add_argument(
        "--audience",
        choices=("client", "internal"),
        default="client",
        help="who the workbook is for (default: client; a PDF is always the client's)",
    )
    export.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        type=Path,
        required=True,
        help="the .xlsx or .pdf file to write (the format follows the extension), or a "
        "folder for the workbook's suggested file name",
    )
    export.add_argument(
        "--force", action="store_true", help="replace the file if it exists (default: refuse)"
    )
    export.set_defaults(handler=_cmd_export_estimate)

    rates = commands.add_parser(
        "import-rates",
        help="import a rate card from an .xlsx or .csv table",
        description="Import roles with bill and cost rates into a rate card. Columns are "
        "recognised by their titles (role, unit, bill rate, cost rate, valid from). Every row "
        "is checked first: one bad cell and nothing is imported; the message names the sheet, "
        "row and column.",
    )
    rates.add_argument("path", metavar="PATH", type=Path, help="a .keyplan workspace")
    rates.add_argument("file", metavar="FILE", type=Path, help="the .xlsx or .csv table")
    rates.add_argument(
        "--card",
        metavar="ID_OR_NAME",
        help="the rate card (default: the agency card in the default currency)",
    )
    rates.add_argument(
        "--locale",
        default="en_US",
        help="how numbers typed as text are written, e.g. de_DE for 1.234,50 (default en_US)",
    )
    rates.add_argument(
        "--dry-run", action="store_true", help="show what would change, change nothing"
    )
    rates.set_defaults(handler=_cmd_import_rates)

    round_trip = commands.add_parser(
        "import-estimate",
        help="read back a workbook the client edited; --apply makes it a new revision",
        description="Compare a client workbook exported by Keyplan (changed quantities or "
        "prices, deleted or added lines) with the estimate and print the changes. With "
        "--apply they become the next draft revision. A workbook that is not this estimate's, "
        "or that holds formulas or unreadable numbers where values are expected, is refused "
        "with the sheet, row and column, and nothing changes.",
    )
    round_trip.add_argument("path", metavar="PATH", type=Path, help="a .keyplan workspace")
    round_trip.add_argument("number", metavar="NUMBER", help="the estimate number")
    round_trip.add_argument("file", metavar="FILE", type=Path, help="the edited .xlsx")
    round_trip.add_argument(
        "--revision", metavar="N", type=int, help="the revision it was exported from"
    )
    round_trip.add_argument(
        "--apply", action="store_true", help="create the new revision (default: only show)"
    )
    round_trip.set_defaults(handler=_cmd_import_estimate)

    variance = commands.add_parser(
        "variance",
        help="estimate versus actual cost and hours of an estimate",
        description="Compare the contract (the approved revision, or the latest before "
        "approval, plus approved change orders) with the actual cost and hours booked, by "
        "line, section and in total, with the margin estimated and so far.",
    )
    variance.add_argument("path", metavar="PATH", type=Path, help="a .keyplan workspace")
    variance.add_argument("number", metavar="NUMBER", help="the estimate number")
    variance.add_argument("--json", action="store_true", help="print JSON (docs/cli.md)")
    variance.set_defaults(handler=_cmd_variance)

    actuals = commands.add_parser(
        "import-actuals",
        help="import actual costs and hours of an estimate from a finance .xlsx or .csv",
        description="Read actual costs (and hours) from a finance file and show which estimate "
        "line each row is booked to; --apply books them. Columns are recognised by their "
        "titles: No. (the line number on the estimate workbook, such as 2.3, or a section "
        "number such as 2) or Section, Date, Cost, and optionally Hours, Description, "
        "Reference and Estimate (rows of other estimates are skipped). One bad cell and "
        "nothing is booked; the message names the sheet, row and column.",
    )
    actuals.add_argument("path", metavar="PATH", type=Path, help="a .keyplan workspace")
    actuals.add_argument("number", metavar="NUMBER", help="the estimate number")
    actuals.add_argument("file", metavar="FILE", type=Path, help="the .xlsx or .csv file")
    actuals.add_argument(
        "--locale",
        default="en_US",
        help="how numbers typed as text are written, e.g. de_DE for 1.234,50 (default en_US)",
    )
    actuals.add_argument(
        "--apply", action="store_true", help="book the actuals (default: only show)"
    )
    actuals.add_argument(
        "--include-duplicates",
        action="store_true",
        help="also book rows identical to actuals already booked (default: skip them)",
    )
    actuals.set_defaults(handler=_cmd_import_actuals)

    reports = commands.add_parser(
        "contact-reports",
        help="contact reports and their state under the 24-hour rule",
        description="List contact reports, newest meeting first, with their state: sent, "
        "upcoming, due (within 24 hours of the meeting's end), due today or overdue. --owed "
        "lists only those not sent whose meeting is over, oldest due first.",
    )
    reports.add_argument("path", metavar="PATH", type=Path, help="a .keyplan workspace")
    reports.add_argument("--account", metavar="NAME_OR_ID", help="only this account")
    reports.add_argument("--owed", action="store_true", help="only reports owed to clients")
    reports.add_argument("--json", action="store_true", help="print JSON (docs/cli.md)")
    reports.set_defaults(handler=_cmd_contact_reports)

    report_pdf = commands.add_parser(
        "export-contact-report",
        help="write a contact report as the client's PDF",
        description="Write one contact report (its id: see contact-reports) as a PDF for the "
        "client: attendees, agenda, discussion, decisions, action items, next meeting. Internal "
        "notes are never in it.",
    )
    report_pdf.add_argument("path", metavar="PATH", type=Path, help="a .keyplan workspace")
    report_pdf.add_argument("report_id", metavar="REPORT_ID", type=int, help="the report's id")
    _add_pdf_output(report_pdf)
    report_pdf.set_defaults(handler=_cmd_export_contact_report)

    status = commands.add_parser(
        "export-status-report",
        help="write an account's status report for a period as a PDF",
        description="Write the status report of an account for a week, month or quarter: "
        "health, decisions and actions owed by the client, the agency's actions, meetings, "
        "estimates, next steps. --audience internal adds budget versus actual, margins and "
        "internal notes, and marks every page INTERNAL.",
    )
    status.add_argument("path", metavar="PATH", type=Path, help="a .keyplan workspace")
    status.add_argument("account", metavar="ACCOUNT", help="the account's name or id")
    status.add_argument(
        "--period", required=True, help="2026-Q3 (quarter), 2026-09 (month) or 2026-W38 (week)"
    )
    status.add_argument("--audience", choices=AUDIENCES, default="client")
    status.add_argument("--headline", help="the director's one-paragraph headline")
    _add_pdf_output(status)
    status.set_defaults(handler=_cmd_export_status_report)

    draft = commands.add_parser(
        "email-draft",
        help="write an e-mail draft (.eml) with the document attached",
        description="Write an RFC 5322 draft (X-Unsent: 1) to the account's contacts with the "
        "document's PDF attached (written beside the draft unless --attach names the files). "
        "Subject and text come from the agency's e-mail templates. Nothing is sent: open the "
        ".eml in a mail program.",
    )
    draft.add_argument("path", metavar="PATH", type=Path, help="a .keyplan workspace")
    which = draft.add_argument_group("the document (one of)")
    which.add_argument("--estimate", metavar="NUMBER", help="an estimate's latest revision")
    which.add_argument("--contact-report", metavar="REPORT_ID", type=int, help="a contact report")
    which.add_argument("--status-report", metavar="ACCOUNT", help="an account's status report")
    draft.add_argument("--period", help="the status report's period, e.g. 2026-Q3")
    draft.add_argument(
        "--to",
        action="append",
        metavar="NAME_OR_EMAIL",
        help="a contact of the account (repeat for more; a contact report defaults to its "
        "client attendees)",
    )
    draft.add_argument(
        "--attach", action="append", type=Path, metavar="FILE", help="attach this file instead"
    )
    draft.add_argument("-o", "--output", metavar="FILE.eml", type=Path, required=True)
    draft.add_argument("--force", action="store_true", help="replace existing files")
    draft.set_defaults(handler=_cmd_email_draft)

    pipeline = commands.add_parser(
        "pipeline",
        help="opportunities across accounts, with totals per stage",
        description="List the opportunities of every account (or one) with stage, amount, "
        "probability and weighted value (amount x probability, rounded to the currency), and "
        "the totals per stage and currency; amounts in different currencies are never added.",
    )
    pipeline.add_argument("path", metavar="PATH", type=Path, help="a .keyplan workspace")
    pipeline.add_argument("--account", metavar="NAME_OR_ID", help="only this account")
    pipeline.add_argument("--json", action="store_true", help="print JSON (docs/cli.md)")
    pipeline.set_defaults(handler=_cmd_pipeline)
    for name in COMMAND_MODULES:  # imported here: they import the helpers of this module
        importlib.import_module(f"keyplan.cli.{name}").register(commands)
    return parser


def _add_pdf_output(command: argparse.ArgumentParser) -> None:
    """``-o FILE.pdf|FOLDER`` and ``--force``, as every report export takes them."""
    command.add_argument(
        "-o",
        "--output",
        metavar="FILE|FOLDER",
        type=Path,
        required=True,
        help="the .pdf file, or a folder for the suggested name",
    )
    command.add_argument("--force", action="store_true", help="replace an existing file")


def _describe_os_error(exc: OSError) -> str:
    reason = exc.strerror or str(exc) or type(exc).__name__
    return f"{exc.filename}: {reason}" if exc.filename else reason


def main(argv: list[str] | None = None) -> int:
    """Run ``keyplan-cli`` with ``argv`` (default: the process arguments); return the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version (0) and usage errors (2)
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    handler: Handler = args.handler
    try:
        return handler(args)
    except (
        WorkspaceError,
        DomainError,
        ExportError,
        rate_import.RateImportError,
        EmailDraftError,
    ) as exc:
        _error(str(exc))
    except BrokenPipeError:  # e.g. piped into `head`: stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_USER_ERROR
    except OSError as exc:
        _error(_describe_os_error(exc))
    except KeyboardInterrupt:
        _error("interrupted")
        return EXIT_INTERRUPTED
    except Exception as exc:  # a bug: still one line for the user, details on request
        if os.environ.get("KEYPLAN_DEBUG"):
            traceback.print_exc()
        _error(
            f"internal error ({type(exc).__name__}: {exc}); please report it "
            "(set KEYPLAN_DEBUG=1 to see the details)"
        )
        return EXIT_INTERNAL_ERROR
    return EXIT_USER_ERROR
