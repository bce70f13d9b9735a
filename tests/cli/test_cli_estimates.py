"""keyplan-cli estimates / estimate: JSON shapes, exact amounts, filters and one-line errors.

The totals printed are checked twice: against what ``services.estimates`` computes, and against
an independent recomputation from the printed lines with ``Decimal`` and the rules of DOMAIN.md
("Money, numbers and dates"), so a wrong figure in either place fails here.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import re
from collections.abc import Iterator
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, localcontext
from pathlib import Path
from typing import Any

import pytest

from keyplan.cli import main
from keyplan.services import demo
from keyplan.services.demo import create_demo_workspace
from keyplan.services.workspace import WorkspaceServices

TODAY = date(2026, 3, 16)
PREFIX = "keyplan-cli: error: "
DECIMALS = {"USD": 2, "EUR": 2, "JPY": 0, "KRW": 0, "VND": 0, "HKD": 2, "TWD": 2, "RUB": 2}
TOTAL_KEYS = ("subtotal", "discount", "contingency", "fee", "net", "tax_total", "total")
ROW_KEYS = {
    "number",
    "revision",
    "title",
    "account",
    "account_id",
    "project",
    "status",
    "currency",
    "issued_on",
    "valid_until",
    *TOTAL_KEYS,
    "tax",
    "contracted_total",
}
CLIENT_LINE_KEYS = {
    "line_number",
    "kind",
    "description",
    "quantity",
    "unit",
    "unit_price",
    "discount_percent",
    "tax_rate",
    "optional",
    "amount",
}
INTERNAL_ONLY = {"unit_cost", "markup_percent", "cost", "margin", "margin_percent", "role",
                 "supplier", "internal_notes", "below_margin_floor"}  # fmt: skip


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli_estimates") / "demo.keyplan"
    create_demo_workspace(path, today=TODAY).close()
    return path


@pytest.fixture(scope="module")
def services(demo_path: Path) -> Iterator[WorkspaceServices]:
    with WorkspaceServices.open(demo_path, read_only=True) as opened:
        yield opened


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    code, out, err = run(capsys, *argv)
    assert (code, err) == (0, "")
    return json.loads(out)


def assert_one_error_line(err: str, *fragments: str) -> None:
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(PREFIX)
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


@pytest.fixture(scope="module")
def rows(demo_path: Path) -> list[dict[str, Any]]:
    """``estimates --json`` of the whole demo (read once; capsys is per test)."""
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        assert main(["estimates", str(demo_path), "--json"]) == 0
    result: list[dict[str, Any]] = json.loads(buffer.getvalue())
    return result


def number_of(rows: list[dict[str, Any]], key: str) -> str:
    """The number of the demo estimate ``key`` (found by its title)."""
    title = next(e.title for e in demo.ESTIMATES if e.key == key)
    return next(row["number"] for row in rows if row["title"] == title)


# -- independent arithmetic (DOMAIN.md) -------------------------------------------------------


def r(value: Decimal, places: int) -> Decimal:
    """Half-up to ``places`` decimals, like Excel's ROUND."""
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def recompute(document: dict[str, Any]) -> dict[str, Any]:
    """Every total of ``estimate --json`` from its lines and adjustments alone."""
    places = DECIMALS[document["currency"]]
    adj = document["adjustments"]
    with localcontext() as context:
        context.prec = 60
        subtotal = labour = third_party = cost = Decimal(0)
        taxable: dict[Decimal, Decimal] = {}
        sections = []
        for section in document["sections"]:
            section_total = Decimal(0)
            for line in section["lines"]:
                amount = r(
                    Decimal(line["quantity"])
                    * Decimal(line["unit_price"])
                    * (1 - Decimal(line["discount_percent"]) / 100),
                    places,
                )
                assert Decimal(line["amount"]) == amount, line
                if line["optional"]:
                    continue
                section_total += amount
                rate = Decimal(line["tax_rate"])
                taxable[rate] = taxable.get(rate, Decimal(0)) + amount
                labour += amount if line["kind"] == "labour" else 0
                third_party += amount if line["kind"] == "third_party" else 0
            sections.append(section_total)
            subtotal += section_total
        for internal in document["internal"]["lines"]:
            line = next(
                line
                for section in document["sections"]
                for line in section["lines"]
                if line["line_number"] == internal["line_number"]
            )
            line_cost = r(Decimal(line["quantity"]) * Decimal(internal["unit_cost"]), places)
            assert Decimal(internal["cost"]) == line_cost
            if not line["optional"]:
                cost += line_cost
        if adj["discount_mode"] == "percent":
            discount = r(subtotal * Decimal(adj["discount_value"]) / 100, places)
        else:
            discount = Decimal(adj["discount_value"])
        contingency = r(subtotal * Decimal(adj["contingency_percent"]) / 100, places)
        base = {"subtotal": subtotal, "labour": labour, "third_party": third_party}
        fee = r(base[adj["fee_base"]] * Decimal(adj["fee_percent"]) / 100, places)
        for amount, rate in (
            (-discount, adj["discount_tax_rate"]),
            (contingency, adj["contingency_tax_rate"]),
            (fee, adj["fee_tax_rate"]),
        ):
            if amount:
                taxable[Decimal(rate)] = taxable.get(Decimal(rate), Decimal(0)) + amount
        tax = {rate: r(rate / 100 * amount, places) for rate, amount in taxable.items()}
        net = subtotal - discount + contingency + fee
        margin = net - cost
        return {
            "sections": sections,
            "subtotal": subtotal,
            "discount": discount,
            "contingency": contingency,
            "fee": fee,
            "net": net,
            "taxable": taxable,
            "tax": tax,
            "tax_total": sum(tax.values(), Decimal(0)),
            "total": net + sum(tax.values(), Decimal(0)),
            "cost": cost,
            "margin": margin,
            "margin_percent": r(margin / net * 100, 2) if net else None,
        }


def normalised(text: str) -> bool:
    """Whether a percentage or quantity string has no trailing zeros ("10", "7.5", "0")."""
    return text == "0" or text == f"{Decimal(text).normalize():f}"


def by_rate(values: dict[str, str]) -> dict[Decimal, Decimal]:
    """A tax object with Decimal keys; its keys must be normalised rates."""
    assert all(normalised(key) for key in values), values
    return {Decimal(key): Decimal(value) for key, value in values.items()}


def money_strings(document: dict[str, Any]) -> list[str]:
    """Every amount string of an ``estimate --json`` object."""
    values: list[str] = []

    def totals(block: dict[str, Any]) -> None:
        values.extend(block[key] for key in TOTAL_KEYS)
        values.extend(block["tax"].values())
        values.extend(block.get("taxable", {}).values())
        if "optional_total" in block:
            values.append(block["optional_total"])

    totals(document["totals"])
    for order in document["change_orders"]:
        totals(order["totals"])
    if document["contracted_total"] is not None:
        values.append(document["contracted_total"])
    if document["adjustments"]["discount_mode"] == "amount":
        values.append(document["adjustments"]["discount_value"])
    for section in document["sections"]:
        values.append(section["subtotal"])
        for line in section["lines"]:
            values += [line["unit_price"], line["amount"]]
    internal = document["internal"]
    values += [internal["cost"], internal["margin"]]
    values += [section["cost"] for section in internal["sections"]]
    for line in internal["lines"]:
        values += [line["unit_cost"], line["cost"]]
    return values


def assert_exact_decimals(values: list[str], currency: str) -> None:
    places = DECIMALS[currency]
    pattern = re.compile(r"-?\d+" + (rf"\.\d{{{places}}}" if places else "") + "$")
    for value in values:
        assert isinstance(value, str) and pattern.match(value), (currency, value)


# -- estimates --------------------------------------------------------------------------------


def test_estimates_lists_the_latest_revision_of_every_demo_estimate(
    rows: list[dict[str, Any]], services: WorkspaceServices
) -> None:
    assert len(rows) == len(demo.ESTIMATES) >= 12
    assert {row["currency"] for row in rows} == set(DECIMALS)
    summaries = {s.number: s for s in services.estimates.summaries()}
    for row in rows:
        assert set(row) == ROW_KEYS
        summary = summaries[row["number"]]
        assert row["revision"] == summary.revision
        assert row["status"] == summary.status
        assert row["account"] == summary.account_name
        assert row["issued_on"] == summary.issued_on.isoformat()
        totals = summary.totals
        for key in ("subtotal", "discount", "contingency", "fee", "net", "total"):
            assert Decimal(row[key]) == getattr(totals, key), (row["number"], key)
        assert Decimal(row["tax_total"]) == totals.tax
        assert by_rate(row["tax"]) == dict(totals.tax_by_rate)
        money = [row[key] for key in TOTAL_KEYS] + list(row["tax"].values())
        if row["contracted_total"] is not None:
            money.append(row["contracted_total"])
        assert_exact_decimals(money, row["currency"])
    issued = [row["issued_on"] for row in rows]
    assert issued == sorted(issued, reverse=True)


def test_contracted_total_only_for_approved_estimates(rows: list[dict[str, Any]]) -> None:
    for row in rows:
        assert (row["contracted_total"] is not None) == (row["status"] == "approved")
    playbook = next(row for row in rows if row["number"] == number_of(rows, "aurora_playbook"))
    assert Decimal(playbook["contracted_total"]) > Decimal(playbook["total"])


def test_zero_decimal_currencies_print_whole_numbers(rows: list[dict[str, Any]]) -> None:
    for row in rows:
        if row["currency"] in ("JPY", "KRW", "VND"):
            assert "." not in row["total"] and "." not in row["subtotal"]
        else:
            assert row["total"].split(".")[1].isdigit() and len(row["total"].split(".")[1]) == 2


def test_filters_by_status_account_and_currency(
    capsys: pytest.CaptureFixture[str], demo_path: Path, rows: list[dict[str, Any]]
) -> None:
    path = str(demo_path)
    approved = run_json(capsys, "estimates", path, "--json", "--status", "approved")
    assert approved and {row["status"] for row in approved} == {"approved"}
    two = run_json(capsys, "estimates", path, "--json", "--status", "sent", "--status", "draft")
    assert {row["status"] for row in two} == {"sent", "draft"}
    assert len(two) == sum(row["status"] in ("sent", "draft") for row in rows)

    vietnam = run_json(capsys, "estimates", path, "--json", "--account", "Sen Việt E-commerce")
    assert len(vietnam) == 2 and {row["currency"] for row in vietnam} == {"VND"}
    account_id = str(vietnam[0]["account_id"])
    assert run_json(capsys, "estimates", path, "--json", "--account", account_id) == vietnam
    assert run_json(capsys, "estimates", path, "--json", "--account", "sen việt") == vietnam
    russian = run_json(capsys, "estimates", path, "--json", "--account", "северный")
    assert [row["currency"] for row in russian] == ["RUB"]

    yen = run_json(capsys, "estimates", path, "--json", "--currency", "jpy")
    assert len(yen) == 2 and {row["currency"] for row in yen} == {"JPY"}
    none = run_json(capsys, "estimates", path, "--json", "--currency", "GBP")
    assert none == []
    both = run_json(
        capsys, "estimates", path, "--json", "--currency", "JPY", "--status", "rejected"
    )
    assert [row["status"] for row in both] == ["rejected"]


@pytest.mark.parametrize(
    ("argv", "fragments"),
    [
        (["--account", "Nobody Ltd"], ["No account named 'Nobody Ltd'."]),
        (["--account", "9999"], ["No account with id 9999."]),
        (["--account", "aurora"], ["matches several accounts", "Aurora Consumer Brands Japan"]),
        (["--currency", "XYZ"], ["XYZ"]),
    ],
)
def test_estimates_filter_errors_are_one_line(
    capsys: pytest.CaptureFixture[str], demo_path: Path, argv: list[str], fragments: list[str]
) -> None:
    code, out, err = run(capsys, "estimates", str(demo_path), "--json", *argv)
    assert (code, out) == (1, "")
    assert_one_error_line(err, *fragments)


def test_an_unknown_status_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], demo_path: Path
) -> None:
    code, _, err = run(capsys, "estimates", str(demo_path), "--status", "lost")
    assert code == 2
    assert "invalid choice" in err


def test_estimates_table_is_readable(
    capsys: pytest.CaptureFixture[str], demo_path: Path, rows: list[dict[str, Any]]
) -> None:
    code, out, err = run(capsys, "estimates", str(demo_path))
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["Number", "Rev", "Status"]
    assert len(lines) == len(rows) + 1
    for row in rows:
        assert row["number"] in out
    assert "243,430,000" in out  # VND grouped, no decimals
    code, out, _ = run(capsys, "estimates", str(demo_path), "--currency", "GBP")
    assert (code, out.strip()) == (0, "No estimates.")


# -- estimate ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def documents(demo_path: Path, rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """``estimate NUMBER --json`` of every demo estimate, by number."""
    result = {}
    for row in rows:
        buffer = io.StringIO()
        with contextlib.redirect_stdout(buffer):
            assert main(["estimate", str(demo_path), row["number"], "--json"]) == 0
        result[row["number"]] = json.loads(buffer.getvalue())
    return result


def test_estimate_json_has_the_documented_shape(documents: dict[str, dict[str, Any]]) -> None:
    for number, document in documents.items():
        assert document["number"] == number
        assert document["revision"] == document["latest_revision"]
        assert [info["revision"] for info in document["revisions"]] == list(
            range(1, document["revision"] + 1)
        )
        assert set(document["totals"]) == {*TOTAL_KEYS, "tax", "taxable", "optional_total"}
        assert set(document["internal"]) == {
            "cost", "margin", "margin_percent", "margin_floor_percent", "below_margin_floor",
            "internal_notes", "sections", "lines",
        }  # fmt: skip
        numbers = [line["line_number"] for s in document["sections"] for line in s["lines"]]
        assert numbers == list(range(1, len(numbers) + 1))
        assert [line["line_number"] for line in document["internal"]["lines"]] == numbers
        for section in document["sections"]:
            for line in section["lines"]:
                assert set(line) == CLIENT_LINE_KEYS
                assert line["kind"] in ("labour", "third_party", "fixed_fee", "expense")
                assert isinstance(line["optional"], bool)


def test_every_amount_has_exactly_the_currency_decimals(
    documents: dict[str, dict[str, Any]],
) -> None:
    for document in documents.values():
        assert_exact_decimals(money_strings(document), document["currency"])


def test_percentages_and_quantities_are_normalised(documents: dict[str, dict[str, Any]]) -> None:
    percents = ("discount_tax_rate", "contingency_percent", "contingency_tax_rate", "fee_percent",
                "fee_tax_rate")  # fmt: skip
    for document in documents.values():
        adj = document["adjustments"]
        assert all(normalised(adj[key]) for key in percents), adj
        if adj["discount_mode"] == "percent":
            assert normalised(adj["discount_value"])
        assert normalised(document["standard_tax_rate"])
        for section in document["sections"]:
            for line in section["lines"]:
                for key in ("quantity", "discount_percent", "tax_rate"):
                    assert normalised(line[key]), (key, line[key])
        for line in document["internal"]["lines"]:
            assert normalised(line["markup_percent"])


def test_totals_match_the_services_and_an_independent_recomputation(
    documents: dict[str, dict[str, Any]], services: WorkspaceServices
) -> None:
    mixed = 0
    for number, document in documents.items():
        expected = recompute(document)
        totals = document["totals"]
        for key in TOTAL_KEYS:
            assert Decimal(totals[key]) == expected[key], (number, key)
        assert by_rate(totals["tax"]) == expected["tax"], number
        assert by_rate(totals["taxable"]) == expected["taxable"], number
        assert [Decimal(s["subtotal"]) for s in document["sections"]] == expected["sections"]
        internal = document["internal"]
        assert Decimal(internal["cost"]) == expected["cost"]
        assert Decimal(internal["margin"]) == expected["margin"]
        assert Decimal(internal["margin_percent"]) == expected["margin_percent"]
        assert internal["below_margin_floor"] == (
            expected["margin_percent"] < Decimal(internal["margin_floor_percent"])
        )

        record = services.estimates.document(services.estimates.find(number))
        computed = record.totals
        for key in ("subtotal", "discount", "contingency", "fee", "net", "total"):
            assert Decimal(totals[key]) == getattr(computed, key), (number, key)
        assert Decimal(totals["tax_total"]) == computed.tax
        assert Decimal(totals["optional_total"]) == computed.optional_total
        assert by_rate(totals["tax"]) == dict(computed.tax_by_rate)
        assert Decimal(internal["cost"]) == computed.internal.cost
        mixed += len(totals["tax"]) > 1
    assert mixed >= 2  # the German 19 % / 7 % and the Japanese 10 % / 0 % estimates


def test_contracted_total_is_the_approved_revision_plus_approved_change_orders(
    documents: dict[str, dict[str, Any]], rows: list[dict[str, Any]]
) -> None:
    playbook = documents[number_of(rows, "aurora_playbook")]
    assert playbook["status"] == "approved"
    assert playbook["approved_by"] and playbook["approval_po"]
    statuses = [order["status"] for order in playbook["change_orders"]]
    assert statuses == ["approved", "draft"]
    approved = sum(
        Decimal(order["totals"]["total"])
        for order in playbook["change_orders"]
        if order["status"] == "approved"
    )
    assert Decimal(playbook["contracted_total"]) == Decimal(playbook["totals"]["total"]) + approved
    assert playbook["change_orders"][0]["number"] == f"{playbook['number']}-CO1"
    for document in documents.values():
        if document["status"] != "approved":
            assert document["contracted_total"] is None


def test_client_lines_never_carry_internal_fields(documents: dict[str, dict[str, Any]]) -> None:
    def keys(value: Any) -> Iterator[str]:
        if isinstance(value, dict):
            for key, item in value.items():
                yield key
                yield from keys(item)
        elif isinstance(value, list):
            for item in value:
                yield from keys(item)

    for document in documents.values():
        client = {key: value for key, value in document.items() if key != "internal"}
        assert not INTERNAL_ONLY & set(keys(client)), document["number"]
        internal_lines = document["internal"]["lines"]
        assert all({"unit_cost", "markup_percent", "cost"} <= set(line) for line in internal_lines)


def test_an_older_revision_is_shown_with_revision(
    capsys: pytest.CaptureFixture[str],
    demo_path: Path,
    rows: list[dict[str, Any]],
    services: WorkspaceServices,
) -> None:
    number = number_of(rows, "hanbit_winback")
    first = run_json(capsys, "estimate", str(demo_path), number, "--revision", "1", "--json")
    latest = run_json(capsys, "estimate", str(demo_path), number, "--json")
    assert (first["revision"], first["latest_revision"], first["status"]) == (1, 3, "superseded")
    assert latest["revision"] == 3
    assert first["totals"]["total"] != latest["totals"]["total"]
    assert first["revisions"] == latest["revisions"]
    record = services.estimates.document(services.estimates.find(number, 1))
    assert Decimal(first["totals"]["total"]) == record.totals.total
    expected = recompute(first)
    assert Decimal(first["totals"]["total"]) == expected["total"]


def test_the_large_estimate_prints_every_line(
    capsys: pytest.CaptureFixture[str],
    demo_path: Path,
    documents: dict[str, dict[str, Any]],
    rows: list[dict[str, Any]],
) -> None:
    number = number_of(rows, "beauty_hydraglow")
    lines = [line for s in documents[number]["sections"] for line in s["lines"]]
    assert len(lines) >= 300
    code, out, err = run(capsys, "estimate", str(demo_path), number)
    assert (code, err) == (0, "")
    assert f"\n{len(lines)}  " in out or f"\n{len(lines)} " in out


def test_estimate_text_shows_sections_totals_and_internal_figures(
    capsys: pytest.CaptureFixture[str],
    demo_path: Path,
    documents: dict[str, dict[str, Any]],
    rows: list[dict[str, Any]],
) -> None:
    number = number_of(rows, "aurora_de_amazon")
    code, out, err = run(capsys, "estimate", str(demo_path), number)
    assert (code, err) == (0, "")
    document = documents[number]
    assert f"{number} revision 1 of 1" in out
    for section in document["sections"]:
        assert section["name"] in out
    assert "Tax 7 % on" in out and "Tax 19 % on" in out
    total = Decimal(document["totals"]["total"])
    assert f"{total:,f}" in out
    assert "Internal" in out and "Margin:" in out
    assert "Traceback" not in out


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["HLP-1999-0001"], "No estimate numbered HLP-1999-0001."),
        (["{playbook}", "--revision", "7"], "has no revision 7"),
        (["{playbook}", "--revision", "0"], "has no revision 0"),
    ],
)
def test_unknown_number_or_revision_is_one_error_line(
    capsys: pytest.CaptureFixture[str],
    demo_path: Path,
    rows: list[dict[str, Any]],
    argv: list[str],
    fragment: str,
) -> None:
    argv = [arg.format(playbook=number_of(rows, "aurora_playbook")) for arg in argv]
    for extra in ([], ["--json"]):
        code, out, err = run(capsys, "estimate", str(demo_path), *argv, *extra)
        assert (code, out) == (1, "")
        assert_one_error_line(err, fragment)


def test_missing_workspace_is_one_error_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    for argv in (["estimates"], ["estimate"]):
        extra = ["KP-2026-0001"] if argv == ["estimate"] else []
        code, _, err = run(capsys, *argv, str(tmp_path / "missing.keyplan"), *extra)
        assert code == 1
        assert_one_error_line(err)


def test_read_commands_leave_the_file_unchanged(
    capsys: pytest.CaptureFixture[str], demo_path: Path, rows: list[dict[str, Any]]
) -> None:
    before = hashlib.sha256(demo_path.read_bytes()).hexdigest()
    run(capsys, "estimates", str(demo_path), "--json")
    run(capsys, "estimate", str(demo_path), rows[0]["number"], "--json")
    assert hashlib.sha256(demo_path.read_bytes()).hexdigest() == before


def test_export_estimate_writes_client_and_internal_workbooks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from openpyxl import load_workbook

    path = tmp_path / "demo.keyplan"
    assert main(["demo", str(path)]) == 0
    capsys.readouterr()
    number = "HLP-2026-0009"
    client = tmp_path / "client.xlsx"
    assert main(["export-estimate", str(path), number, "-o", str(client)]) == 0
    assert capsys.readouterr().out.strip() == str(client)
    assert (
        main(["export-estimate", str(path), number, "--audience", "internal", "-o", str(tmp_path)])
        == 0
    )
    internal = Path(capsys.readouterr().out.strip())
    assert internal.parent == tmp_path and internal.name.endswith(" - INTERNAL.xlsx")
    with WorkspaceServices.open(path, read_only=True) as services:
        total = services.estimates.document(services.estimates.find(number)).totals.total
    shown = load_workbook(client, data_only=True)
    values = [c.value for row in shown.active.iter_rows() for c in row if c.value is not None]
    assert any(isinstance(v, int | float) and Decimal(str(v)) == total for v in values)
    assert "Margin summary" in load_workbook(internal).sheetnames
    before = client.read_bytes()
    assert main(["export-estimate", str(path), number, "-o", str(client)]) == 1  # never replaced
    assert "already exists" in capsys.readouterr().err
    assert client.read_bytes() == before
    assert main(["export-estimate", str(path), number, "-o", str(client), "--force"]) == 0
