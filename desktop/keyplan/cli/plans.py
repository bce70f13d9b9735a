"""``keyplan-cli plans`` and ``keyplan-cli export-plan``: account plans without a window.

``plans`` lists the live plans with their completeness score and what is still empty;
``export-plan`` writes an account's plan for a year as the one-pager PDF, client-safe unless
``--internal``. Both open the workspace read-only, so they work beside a running app.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from keyplan.cli import (
    EXIT_OK,
    _add_pdf_output,
    _find_account,
    _pdf_output,
    _print_json,
    _table,
    _write,
)
from keyplan.services.exporting import Audience, export_plan_pdf, plan_file_name
from keyplan.services.plan_records import PlanSummary
from keyplan.services.workspace import WorkspaceServices

__all__ = ["plan_row", "register"]


def plan_row(summary: PlanSummary) -> dict[str, Any]:
    """One plan in ``plans --json`` (a public shape: see docs/cli.md)."""
    return {
        "id": summary.id,
        "account_id": summary.account_id,
        "account": summary.account_name,
        "year": summary.year,
        "status": summary.status,
        "template": summary.template,
        "completeness": summary.score,
        "missing": list(summary.missing),
        "snapshots": summary.snapshots,
        "updated_at": summary.updated_at.isoformat(),
    }


def _cmd_plans(args: argparse.Namespace) -> int:
    with WorkspaceServices.open(args.path, read_only=True) as services:
        if args.account:
            plans = services.plans.plans_for(_find_account(services, args.account))
            if args.year is not None:
                plans = [p for p in plans if p.year == args.year]
        else:
            plans = services.plans.all_plans(year=args.year)
    if args.json:
        _print_json([plan_row(plan) for plan in plans])
        return EXIT_OK
    if not plans:
        _write(sys.stdout, "No account plans.")
        return EXIT_OK
    rows = [
        [str(p.id), p.account_name, str(p.year), p.status, f"{p.score} %", str(len(p.missing))]
        for p in plans
    ]
    _write(
        sys.stdout,
        _table(["Id", "Account", "Year", "Status", "Complete", "Gaps"], rows, right={0, 2, 4, 5}),
    )
    return EXIT_OK


def _cmd_export_plan(args: argparse.Namespace) -> int:
    audience: Audience = "internal" if args.internal else "client"
    with WorkspaceServices.open(args.path, read_only=True) as services:
        account_id = _find_account(services, args.account)
        output = _pdf_output(args.output, plan_file_name(services, account_id, args.year, audience))
        written = export_plan_pdf(
            services,
            account_id,
            args.year,
            Path(output),
            audience=audience,
            overwrite=args.force,
            snapshot_id=args.snapshot,
        )
    _write(sys.stdout, str(written))
    return EXIT_OK


def register(commands: Any) -> None:
    """Add ``plans`` and ``export-plan`` to the subcommands."""
    plans = commands.add_parser(
        "plans",
        help="list the account plans with their completeness",
        description="List the live account plans (of one account, or all) with status, "
        "completeness score (0-100) and the number of sections still empty; --json also lists "
        "what is missing.",
    )
    plans.add_argument("path", metavar="PATH", type=Path, help="a .keyplan workspace")
    plans.add_argument("--account", metavar="NAME_OR_ID", help="only this account")
    plans.add_argument("--year", type=int, help="only plans for this year")
    plans.add_argument("--json", action="store_true", help="print JSON (docs/cli.md)")
    plans.set_defaults(handler=_cmd_plans)

    export = commands.add_parser(
        "export-plan",
        help="write an account's plan for a year as the one-pager PDF",
        description="Write the account plan of ACCOUNT for --year as a PDF: summary, "
        "objectives with KPI progress, SWOT, whitespace heatmap, action plan, relationship map "
        "and review history. Client-safe by default (no risk ratings, relationship strengths, "
        "goals, notes or revenue target); --internal adds them and marks every page INTERNAL.",
    )
    export.add_argument("path", metavar="PATH", type=Path, help="a .keyplan workspace")
    export.add_argument("account", metavar="ACCOUNT", help="the account's name or id")
    export.add_argument("--year", type=int, required=True, help="the plan's year, e.g. 2026")
    export.add_argument(
        "--internal", action="store_true", help="the internal variant (never for the client)"
    )
    export.add_argument(
        "--snapshot", type=int, metavar="ID", help="a frozen snapshot of the plan instead"
    )
    _add_pdf_output(export)
    export.set_defaults(handler=_cmd_export_plan)
