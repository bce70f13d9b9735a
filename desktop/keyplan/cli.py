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
import json
import os
import sys
import traceback
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

from keyplan import __version__
from keyplan.domain.errors import DomainError
from keyplan.services.demo import create_demo_workspace
from keyplan.services.records import AccountRecord
from keyplan.services.workspace import WorkspaceError, WorkspaceServices

PROG = "keyplan-cli"

EXIT_OK = 0
EXIT_USER_ERROR = 1
EXIT_USAGE = 2
EXIT_INTERNAL_ERROR = 3
EXIT_INTERRUPTED = 130

Handler = Callable[[argparse.Namespace], int]


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


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [_width(h) for h in headers]
    for row in rows:
        widths = [max(w, _width(cell)) for w, cell in zip(widths, row, strict=True)]

    def line(cells: Sequence[str]) -> str:
        padded = [cell + " " * (w - _width(cell)) for cell, w in zip(cells, widths, strict=True)]
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
    return parser


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
    except (WorkspaceError, DomainError) as exc:
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


if __name__ == "__main__":
    raise SystemExit(main())
