"""The estimates list and rate card workbooks: totals per currency, audiences, recalculation."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from keyplan.services.exporting import (
    ExportExistsError,
    estimates_list_document,
    export_table_xlsx,
    rate_card_document,
)
from keyplan.services.workspace import WorkspaceServices

from .conftest import LibreOffice, decimal_of


def _totals_by_label(path: Path) -> dict[str, Decimal]:
    sheet = load_workbook(path, data_only=True).active
    found: dict[str, Decimal] = {}
    for row in sheet.iter_rows():
        cells = [cell.value for cell in row]
        for index, value in enumerate(cells[:-1]):
            if (
                isinstance(value, str)
                and value.startswith("Total ")
                and cells[index + 1] is not None
            ):
                found[value.removeprefix("Total ")] = decimal_of(cells[index + 1])
    return found


def test_the_estimates_list_totals_each_currency_apart(
    demo: WorkspaceServices, tmp_path: Path, libreoffice: LibreOffice
) -> None:
    expected: dict[str, Decimal] = defaultdict(Decimal)
    for summary in demo.estimates.summaries():
        expected[summary.currency] += summary.totals.total
    path = export_table_xlsx(estimates_list_document(demo), tmp_path / "list.xlsx")
    formulas = load_workbook(path).active
    assert any(
        isinstance(c.value, str) and c.value.startswith("=SUMIFS(")
        for row in formulas.iter_rows()
        for c in row
    )
    assert _totals_by_label(path) == dict(expected)  # cached values, straight after export
    recalculated = libreoffice.recalculate([path])[path]
    assert _totals_by_label(recalculated) == dict(expected)  # and after a real recalculation
    with pytest.raises(ExportExistsError):
        export_table_xlsx(estimates_list_document(demo), path)


def test_a_client_rate_card_carries_no_cost(demo: WorkspaceServices, tmp_path: Path) -> None:
    card = next(c for c in demo.rate_cards.cards() if c.currency == "USD" and c.account_id is None)
    rates = demo.rate_cards.rates(card.id)
    client = export_table_xlsx(rate_card_document(demo, card.id, "client"), tmp_path / "c.xlsx")
    internal = export_table_xlsx(rate_card_document(demo, card.id, "internal"), tmp_path / "i.xlsx")
    book = load_workbook(client)
    words = [c.value for row in book.active.iter_rows() for c in row if isinstance(c.value, str)]
    words += [book.properties.title or "", book.properties.subject or ""]
    text = " ".join(words)
    numbers = {
        decimal_of(c.value)
        for row in load_workbook(client).active.iter_rows()
        for c in row
        if isinstance(c.value, int | float)
    }
    bills = {rate.bill_rate for rate in rates}
    assert bills <= numbers  # every bill rate is there
    leaked = {rate.cost_rate for rate in rates} - bills
    assert not leaked & numbers  # no cost rate is, not even as a bare number
    for word in ("Cost", "Margin", "INTERNAL"):
        at = text.find(word)
        assert at < 0, text[max(0, at - 120) : at + 40]
    headers = [c.value for c in load_workbook(internal).active[4]]
    assert "Margin %" in headers and any(str(h).startswith("Cost") for h in headers)
    assert "INTERNAL" in str(load_workbook(internal).active["A1"].value)
