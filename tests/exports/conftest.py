"""Fixtures for the export tests: the demo workspace, its exported workbooks, LibreOffice.

LibreOffice recalculates the workbooks the way a client's spreadsheet would. It keeps the cached
values of an xlsx file unless told otherwise (its default for Excel files is "never
recalculate"; it ignores ``fullCalcOnLoad``), so every run gets a fresh profile set to "always
recalculate", and every batch carries a canary workbook whose cached value is wrong: if the
canary comes back unchanged, nothing was recalculated and the batch fails.
"""

from __future__ import annotations

import io
import itertools
import os
import shutil
import subprocess
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from PIL import Image as PILImage

from keyplan.domain.estimates import PricedDocument, compute_totals, is_below_floor
from keyplan.domain.money import round_half_up
from keyplan.exports.documents import (
    AgencyHeader,
    ClientEstimateDocument,
    EstimateHeader,
    InternalEstimateDocument,
    InternalLine,
    InternalSection,
    client_estimate_document,
    internal_estimate_document,
)
from keyplan.exports.xlsx.estimate import EstimateLayout, write_estimate_workbook
from keyplan.exports.xlsx.package import finish_package
from keyplan.services.demo import create_demo_workspace
from keyplan.services.exporting import Audience, build_estimate_document
from keyplan.services.workspace import WorkspaceServices

TODAY = date(2026, 3, 16)
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")

EstimateDocument = ClientEstimateDocument | InternalEstimateDocument

_RECALC_ALWAYS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">\
<prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">\
<prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def png_logo(width: int = 240, height: int = 80) -> bytes:
    image = PILImage.new("RGB", (width, height), (14, 90, 138))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


# -- LibreOffice ---------------------------------------------------------------------------


class LibreOffice:
    """Recalculates workbooks with LibreOffice headless, many per call (about 1 s a call)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.calls = itertools.count(1)
        self.home = folder / "home"
        self.home.mkdir(parents=True, exist_ok=True)

    def _canary(self, folder: Path) -> Path:
        workbook = Workbook()
        sheet = workbook.active
        sheet["A1"] = 2
        sheet["A2"] = "=A1*3"
        buffer = io.BytesIO()
        workbook.save(buffer)
        data = finish_package(buffer.getvalue(), {"xl/worksheets/sheet1.xml": {"A2": Decimal(999)}})
        path = folder / "zz-canary.xlsx"
        path.write_bytes(data)
        return path

    def recalculate(self, files: Sequence[Path], *, batch: int = 50) -> dict[Path, Path]:
        """Open each file in LibreOffice, recalculate, save as xlsx; input -> output path.

        Files go ``batch`` at a time to one LibreOffice process (a single process has been
        seen to stop after a few hundred files).
        """
        outputs: dict[Path, Path] = {}
        for start in range(0, len(files), batch):
            outputs.update(self._run(files[start : start + batch]))
        return outputs

    def _run(self, files: Sequence[Path]) -> dict[Path, Path]:
        assert SOFFICE is not None
        call = next(self.calls)
        profile = self.folder / "profile"
        if not profile.exists():
            (profile / "user").mkdir(parents=True)
            (profile / "user" / "registrymodifications.xcu").write_text(_RECALC_ALWAYS)
        inputs = self.folder / f"in-{call}"
        output = self.folder / f"out-{call}"
        inputs.mkdir()
        output.mkdir()
        names: dict[Path, Path] = {}
        for index, file in enumerate(files):
            copy = inputs / f"{index:04d}.xlsx"  # unique, plain names
            shutil.copyfile(file, copy)
            names[file] = output / copy.name
        canary = self._canary(inputs)
        environment = {**os.environ, "HOME": str(self.home)}
        result = subprocess.run(
            [
                SOFFICE,
                f"-env:UserInstallation={profile.as_uri()}",
                "--headless",
                "--norestore",
                "--convert-to",
                "xlsx",
                "--outdir",
                str(output),
                *sorted(str(p) for p in inputs.iterdir()),
            ],
            capture_output=True,
            text=True,
            timeout=600,
            env=environment,
        )
        missing = [p.name for p in [*names.values(), output / canary.name] if not p.exists()]
        assert not missing, (
            f"LibreOffice (exit {result.returncode}) wrote no {missing}:\n"
            f"{result.stdout[-2000:]}\n{result.stderr[-2000:]}"
        )
        recalculated = load_workbook(output / canary.name, data_only=True).active["A2"].value
        assert recalculated == 6, "LibreOffice did not recalculate (the canary kept 999)"
        return names


@pytest.fixture(scope="session")
def libreoffice(tmp_path_factory: pytest.TempPathFactory) -> LibreOffice:
    if SOFFICE is None:
        pytest.skip(
            "LibreOffice is not installed (soffice not on PATH): the recalculation tests need "
            "it; scripts/bootstrap.sh installs libreoffice-calc-nogui"
        )
    return LibreOffice(tmp_path_factory.mktemp("libreoffice"))


# -- figures -------------------------------------------------------------------------------


def decimal_of(value: object) -> Decimal:
    """A cell value read by openpyxl as a Decimal (floats through their shortest repr)."""
    assert isinstance(value, int | float) and not isinstance(value, bool), repr(value)
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def same(value: object, expected: Decimal | str, places: int) -> bool:
    """Whether a read cell value is ``expected`` to ``places`` decimals (text: equal)."""
    if isinstance(expected, str):
        return value == expected
    if not isinstance(value, int | float) or isinstance(value, bool):
        return False
    return round_half_up(decimal_of(value), places) == expected


def expected_figures(
    document: EstimateDocument, layout: EstimateLayout
) -> dict[tuple[str, str], tuple[Decimal | str, int]]:
    """(sheet, cell) -> (the app's figure, decimals to compare) for every computed figure.

    Built from the document and the layout's positions only, not from the cached values.
    """
    places = document.header.minor_units
    column = layout.columns
    sheet = layout.sheet
    figures: dict[tuple[str, str], tuple[Decimal | str, int]] = {}

    def put(key: str, row: int, value: Decimal | str, decimals: int = places) -> None:
        figures[(sheet, f"{column[key]}{row}")] = (value, decimals)

    totals = document.totals
    for section, rows, subtotal_row in zip(
        document.sections, layout.line_rows, layout.section_subtotal_rows, strict=True
    ):
        for line, row in zip(section.lines, rows, strict=True):
            put("amount", row, line.amount)
            if isinstance(line, InternalLine):
                put("cost", row, line.cost)
                put("margin", row, line.margin)
        if section.lines:
            put("amount", subtotal_row, section.subtotal)
        if isinstance(section, InternalSection) and section.lines:
            put("cost", subtotal_row, section.cost)
            put("margin", subtotal_row, section.margin)
    put("amount", layout.subtotal_row, totals.subtotal)
    if layout.discount_row:
        put("amount", layout.discount_row, totals.discount)
    if layout.contingency_row:
        put("amount", layout.contingency_row, totals.contingency)
    if layout.fee_row:
        put("amount", layout.fee_row, totals.fee)
    put("amount", layout.net_row, totals.net)
    assert list(layout.tax_rows) == list(totals.tax_by_rate)
    for rate, row in layout.tax_rows.items():
        put("amount", row, totals.tax_by_rate[rate])
    put("amount", layout.total_row, totals.total)
    if layout.optional_total_row:
        put("amount", layout.optional_total_row, totals.optional_total)
    if isinstance(document, InternalEstimateDocument):
        put("cost", layout.net_row, document.cost)
        put("margin", layout.net_row, document.margin)
        assert layout.summary_sheet is not None
        summary = layout.summary_sheet
        for section, row in zip(document.sections, layout.summary_section_rows, strict=True):
            figures[(summary, f"B{row}")] = (section.subtotal, places)
            figures[(summary, f"C{row}")] = (section.cost, places)
            figures[(summary, f"D{row}")] = (section.margin, places)
            percent = section.margin_percent
            figures[(summary, f"E{row}")] = ("–" if percent is None else percent, 2)
        rows = layout.summary_rows
        figures[(summary, f"B{rows['net']}")] = (totals.net, places)
        figures[(summary, f"B{rows['cost']}")] = (document.cost, places)
        figures[(summary, f"B{rows['margin']}")] = (document.margin, places)
        percent = document.margin_percent
        figures[(summary, f"B{rows['margin_percent']}")] = ("–" if percent is None else percent, 2)
        if percent is None:
            status = "–"
        else:
            status = "Below the floor" if document.below_floor else "At or above the floor"
        figures[(summary, f"B{rows['status']}")] = (status, 0)
    return figures


def mismatches(
    workbook: Any, figures: Mapping[tuple[str, str], tuple[Decimal | str, int]]
) -> list[str]:
    """The figures a (data_only) workbook does not show, described."""
    problems = []
    for (sheet, ref), (expected, places) in figures.items():
        value = workbook[sheet][ref].value
        if not same(value, expected, places):
            problems.append(f"{sheet}!{ref}: {value!r}, the app says {expected}")
    return problems


def documents_for(
    priced: PricedDocument,
    *,
    title: str = "Launch",
    client: str = "Client",
    notes: str = "",
    terms: str = "",
    internal_notes: str = "",
    floor: Decimal = Decimal(30),
) -> tuple[ClientEstimateDocument, InternalEstimateDocument]:
    """Both documents of a hand-made domain document (no workspace)."""
    totals = compute_totals(priced)
    currency = priced.currency
    agency = AgencyHeader(name="Mekong Media", brand_colour="#0E5A8A")
    header = EstimateHeader(
        number="MM-2026-0001",
        revision=1,
        title=title,
        status="draft",
        client_name=client,
        client_legal_name="",
        project_name="",
        prepared_by="Trần Minh Anh",
        currency_code=currency.code,
        minor_units=currency.minor_units,
        issued_on=TODAY,
        valid_until=None,
        terms=terms,
        client_notes=notes,
    )
    return (
        client_estimate_document(agency, header, priced, totals),
        internal_estimate_document(
            agency,
            header,
            priced,
            totals,
            internal_notes=internal_notes,
            margin_floor_percent=floor,
            below_floor=is_below_floor(totals, floor),
        ),
    )


@dataclass(frozen=True)
class Figures:
    """The helpers above, for the test modules (conftest is not importable with importlib)."""

    expected = staticmethod(expected_figures)
    mismatches = staticmethod(mismatches)
    same = staticmethod(same)
    decimal_of = staticmethod(decimal_of)
    png_logo = staticmethod(png_logo)
    documents_for = staticmethod(documents_for)


@pytest.fixture(scope="session")
def figures() -> Figures:
    return Figures()


# -- the demo ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Export:
    revision_id: int
    number: str
    revision: int
    audience: Audience
    document: EstimateDocument
    layout: EstimateLayout
    path: Path


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WorkspaceServices]:
    """The demo workspace, with a logo in the agency profile."""
    path = tmp_path_factory.mktemp("demo") / "demo.keyplan"
    with create_demo_workspace(path, today=TODAY) as services:
        services.agency.set_logo(png_logo())
        yield services


@pytest.fixture(scope="session")
def demo_revision_ids(demo: WorkspaceServices) -> list[int]:
    """Every revision of every demo estimate."""
    ids = []
    for summary in demo.estimates.summaries():
        ids += [info.id for info in demo.estimates.document(summary.revision_id).revisions]
    return ids


@pytest.fixture(scope="session")
def demo_exports(
    demo: WorkspaceServices, demo_revision_ids: list[int], tmp_path_factory: pytest.TempPathFactory
) -> list[Export]:
    """Every demo revision exported for both audiences."""
    folder = tmp_path_factory.mktemp("demo_exports")
    exports = []
    for revision_id in demo_revision_ids:
        for audience in ("client", "internal"):
            document = build_estimate_document(demo, revision_id, audience)
            header = document.header
            path = folder / f"{header.number}-r{header.revision}-{audience}.xlsx"
            layout = write_estimate_workbook(document, path)
            exports.append(
                Export(
                    revision_id, header.number, header.revision, audience, document, layout, path
                )
            )
    return exports
