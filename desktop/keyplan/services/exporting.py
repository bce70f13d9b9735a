"""Exports as use cases: build the audience's document from the workspace, write the file.

:func:`build_estimate_document` is where the client/internal split is made for an estimate: the
client document is built from client fields only (see :mod:`keyplan.exports.documents`), with
the figures ``EstimateService.document`` priced through ``domain.estimates.compute_totals``.
:func:`export_estimate_xlsx` writes it atomically (a temporary file renamed into place) and
never replaces an existing file unless asked to; :func:`export_estimate_pdf` writes the client
document as a PDF quote the same way (there is no internal PDF). The GUI and ``keyplan-cli``
call these same functions.

The contact report and the status report are PDFs written the same way
(:func:`export_contact_report_pdf`, :func:`export_status_report_pdf`), from the documents
:mod:`keyplan.services.reporting` builds; their suggested names come from
:func:`contact_report_file_name` and :func:`status_report_file_name`.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Literal, overload

from keyplan.domain.errors import ValidationError
from keyplan.domain.money import Currency
from keyplan.domain.periods import Period, parse_period
from keyplan.exports.documents import (
    AgencyHeader,
    ClientEstimateDocument,
    EstimateHeader,
    InternalEstimateDocument,
    PaperSize,
    client_estimate_document,
    internal_estimate_document,
)
from keyplan.exports.files import (
    ExportError,
    ExportExistsError,
    atomic_write,
    clean_file_name,
    safe_file_name,
)
from keyplan.exports.pdf import build_estimate_pdf
from keyplan.exports.pdf.contact_report import build_contact_report_pdf
from keyplan.exports.pdf.fonts import register_fonts
from keyplan.exports.pdf.status_report import build_status_report_pdf
from keyplan.exports.tables import CellValue, TableColumn, TableDocument, TableRow
from keyplan.exports.xlsx import write_estimate_workbook
from keyplan.exports.xlsx.table import write_table_workbook
from keyplan.services.estimate_records import EstimateDocument, EstimateFilter
from keyplan.services.workspace import WorkspaceServices

# ExportError and ExportExistsError are re-exported: the UI and the CLI catch what the
# services they call raise.
__all__ = [
    "AUDIENCES",
    "Audience",
    "ExportError",
    "ExportExistsError",
    "agency_header",
    "build_estimate_document",
    "contact_report_file_name",
    "estimate_file_name",
    "estimate_pdf_file_name",
    "export_contact_report_pdf",
    "export_estimate_pdf",
    "export_estimate_xlsx",
    "export_status_report_pdf",
    "status_report_file_name",
]

Audience = Literal["client", "internal"]
AUDIENCES: tuple[Audience, ...] = ("client", "internal")


def agency_header(services: WorkspaceServices) -> AgencyHeader:
    """The agency's letterhead: profile fields and logo."""
    profile = services.agency.get()
    logo = services.agency.logo()
    paper: PaperSize = "Letter" if profile.paper_size == "Letter" else "A4"
    return AgencyHeader(
        name=profile.name,
        legal_name=profile.legal_name,
        address=profile.address,
        tax_id=profile.tax_id,
        brand_colour=profile.brand_colour,
        logo=logo[0] if logo else None,
        logo_mime=logo[1] if logo else "",
        paper_size=paper,
    )


def _estimate_header(services: WorkspaceServices, record: EstimateDocument) -> EstimateHeader:
    account = services.accounts.get(record.account_id, deleted_ok=True)
    currency = record.totals.currency
    return EstimateHeader(
        number=record.number,
        revision=record.revision,
        title=record.title,
        status=record.status,
        client_name=record.account_name or account.name,
        client_legal_name=account.legal_name,
        project_name=record.project_name,
        prepared_by=account.owner_name,
        currency_code=currency.code,
        minor_units=currency.minor_units,
        issued_on=record.issued_on,
        valid_until=record.valid_until,
        terms=record.terms,
        client_notes=record.client_notes,
    )


def _check_audience(audience: str) -> None:
    if audience not in AUDIENCES:
        raise ValidationError(
            "audience", f"Choose the audience: client or internal, not {audience!r}."
        )


@overload
def build_estimate_document(
    services: WorkspaceServices, revision_id: int, audience: Literal["client"]
) -> ClientEstimateDocument: ...
@overload
def build_estimate_document(
    services: WorkspaceServices, revision_id: int, audience: Literal["internal"]
) -> InternalEstimateDocument: ...
@overload
def build_estimate_document(
    services: WorkspaceServices, revision_id: int, audience: Audience
) -> ClientEstimateDocument | InternalEstimateDocument: ...


def build_estimate_document(
    services: WorkspaceServices, revision_id: int, audience: Audience
) -> ClientEstimateDocument | InternalEstimateDocument:
    """The estimate revision ``revision_id`` as the ``audience`` may see it."""
    _check_audience(audience)
    record = services.estimates.document(revision_id)
    agency = agency_header(services)
    header = _estimate_header(services, record)
    if audience == "client":
        return client_estimate_document(agency, header, record.priced, record.totals)
    return internal_estimate_document(
        agency,
        header,
        record.priced,
        record.totals,
        internal_notes=record.internal_notes,
        margin_floor_percent=record.margin_floor_percent,
        below_floor=record.below_margin_floor,
    )


def estimate_file_name(services: WorkspaceServices, revision_id: int, audience: Audience) -> str:
    """The suggested file name: ``{account} - {number} rev{n} - {title}.xlsx``.

    The internal variant's name ends in " - INTERNAL" so the two are not mixed up.
    """
    _check_audience(audience)
    record = services.estimates.document(revision_id)
    title = record.title if audience == "client" else f"{record.title} - INTERNAL"
    name = safe_file_name(record.account_name, record.number, record.revision, title)
    if audience == "internal" and "INTERNAL" not in name:  # the title was cut: keep the mark
        name = safe_file_name(record.account_name, record.number, record.revision, "INTERNAL")
    return name


def export_estimate_xlsx(
    services: WorkspaceServices,
    revision_id: int,
    audience: Audience,
    path: Path,
    *,
    overwrite: bool = False,
) -> Path:
    """Write the estimate workbook for ``audience`` to ``path``; returns the path written.

    Raises ``ExportExistsError`` when ``path`` exists and ``overwrite`` is false, and
    ``ExportError`` (with a message for the user) when the file cannot be written.
    """
    document = build_estimate_document(services, revision_id, audience)

    def write(temp: Path) -> None:
        write_estimate_workbook(document, temp)

    return atomic_write(Path(path), write, overwrite=overwrite)


def estimate_pdf_file_name(services: WorkspaceServices, revision_id: int) -> str:
    """The suggested name of the PDF quote: ``{account} - {number} rev{n} - {title}.pdf``.

    The PDF is the client's document only, so there is no internal variant of the name.
    """
    record = services.estimates.document(revision_id)
    return safe_file_name(
        record.account_name, record.number, record.revision, record.title, extension=".pdf"
    )


def export_estimate_pdf(
    services: WorkspaceServices, revision_id: int, path: Path, *, overwrite: bool = False
) -> Path:
    """Write the client estimate (the PDF quote) to ``path``; returns the path written.

    The document is the client one (:func:`build_estimate_document` with ``"client"``): the
    PDF has no cost, margin, markup or internal note to leak. Written like the workbook:
    atomically, and an existing file is kept unless ``overwrite`` (``ExportExistsError``);
    ``ExportError`` says what went wrong with the file or the shipped fonts.
    """
    try:
        register_fonts()
    except FileNotFoundError as exc:  # a damaged installation, not a problem with the file
        raise ExportError(f"{exc} Reinstall Keyplan to export PDFs.") from None
    document = build_estimate_document(services, revision_id, "client")

    def write(temp: Path) -> None:
        temp.write_bytes(build_estimate_pdf(document))

    return atomic_write(Path(path), write, overwrite=overwrite)


# -- contact report and status report PDFs ----------------------------------------------------


def _pdf_fonts_ready() -> None:
    """The shipped fonts, registered; a missing one is an ``ExportError`` for the user."""
    try:
        register_fonts()
    except FileNotFoundError as exc:  # a damaged installation, not a problem with the file
        raise ExportError(f"{exc} Reinstall Keyplan to export PDFs.") from None


def _period(period: Period | str) -> Period:
    return period if isinstance(period, Period) else parse_period(period)


def contact_report_file_name(services: WorkspaceServices, report_id: int) -> str:
    """The suggested name: ``{client} - contact report {yyyy-mm-dd} - {title}.pdf`` (the
    meeting's day in its own time zone), safe on every system; a long title is cut first."""
    report = services.contact_reports.get(report_id)
    account = services.accounts.get(report.account_id, deleted_ok=True)
    day = report.local_start.date().isoformat()
    head = f"{' '.join(account.name.split())} - contact report {day}"
    title = " ".join(report.title.split())
    name = clean_file_name(f"{head} - {title}" if title else head, extension=".pdf")
    if day not in name:  # the client's name alone fills the name: keep the date
        name = clean_file_name(f"contact report {day} - {account.name}", extension=".pdf")
    return name


def export_contact_report_pdf(
    services: WorkspaceServices,
    report_id: int,
    path: Path,
    *,
    overwrite: bool = False,
    today: date | None = None,
) -> Path:
    """Write the contact report ``report_id`` as the client receives it (no internal notes)
    to ``path``; returns the path written. Action items past due on ``today`` (by default the
    real day) are marked overdue.

    Written atomically; an existing file is kept unless ``overwrite`` (``ExportExistsError``);
    ``ExportError`` says what went wrong with the file or the shipped fonts.
    """
    from keyplan.services.reporting import contact_report_document

    _pdf_fonts_ready()
    document = contact_report_document(services, report_id, today=today)

    def write(temp: Path) -> None:
        temp.write_bytes(build_contact_report_pdf(document))

    return atomic_write(Path(path), write, overwrite=overwrite)


def status_report_file_name(
    services: WorkspaceServices,
    account_id: int,
    period: Period | str,
    audience: Audience = "client",
    *,
    today: date | None = None,
) -> str:
    """The suggested name: ``{client}-status-{yyyy-mm-dd}.pdf`` (the day it is issued,
    ``today`` or the real day), ``{client}-status-{yyyy-mm-dd} - INTERNAL.pdf`` for the
    internal variant; a long client name is cut, never the date or the INTERNAL mark.
    ``period`` is checked (``ValidationError`` for "2026-Q5"), not named: the file is the
    account's status as of that day."""
    _check_audience(audience)
    _period(period)
    account = services.accounts.get(account_id, deleted_ok=True)
    issued = (today or date.today()).isoformat()
    suffix = f"-status-{issued}" + (" - INTERNAL" if audience == "internal" else "")
    client = " ".join(account.name.split())
    while True:
        name = clean_file_name(f"{client}{suffix}", extension=".pdf", fallback="status")
        if name.endswith(f"{suffix}.pdf") or not client:
            return name
        client = client[: len(client) - max(1, len(client) // 10)].rstrip()


def export_status_report_pdf(
    services: WorkspaceServices,
    account_id: int,
    period: Period | str,
    path: Path,
    *,
    audience: Audience = "client",
    overwrite: bool = False,
    today: date | None = None,
    headline: str = "",
) -> Path:
    """Write the status report of ``account_id`` for ``period`` ("2026-Q3", "2026-09",
    "2026-W38" or a ``Period``) to ``path``; returns the path written.

    ``audience`` "client" (the default) has no cost, margin or internal note; "internal" adds
    them and is marked INTERNAL on every page. ``headline`` is the director's paragraph
    (default: the account's health reason); ``today`` is the day of issue.
    Written atomically; an existing file is kept unless ``overwrite`` (``ExportExistsError``).
    """
    from keyplan.services.reporting import status_report_document

    _check_audience(audience)
    _pdf_fonts_ready()
    document = status_report_document(
        services,
        account_id,
        _period(period),
        audience=audience,
        today=today,
        headline=headline,
    )

    def write(temp: Path) -> None:
        temp.write_bytes(build_status_report_pdf(document))

    return atomic_write(Path(path), write, overwrite=overwrite)


# -- list workbooks: the estimates list and a rate card ----------------------------------------


def estimates_list_document(
    services: WorkspaceServices, filters: EstimateFilter | None = None, *, subtitle: str = ""
) -> TableDocument:
    """The estimates list as the Estimates page shows it (latest revision of each)."""
    rows = []
    for summary in services.estimates.summaries(filters):
        totals = summary.totals
        rows.append(
            TableRow(
                (
                    summary.number,
                    f"R{summary.revision}",
                    summary.title,
                    summary.account_name,
                    summary.project_name,
                    summary.status,
                    summary.currency,
                    totals.subtotal,
                    totals.tax,
                    totals.total,
                    summary.contracted_total,
                    summary.issued_on,
                    summary.valid_until,
                ),
                Currency.get(summary.currency).minor_units,
            )
        )
    columns = (
        TableColumn("Number", width=16),
        TableColumn("Rev.", width=6),
        TableColumn("Title", width=40),
        TableColumn("Account", width=28),
        TableColumn("Project", width=24),
        TableColumn("Status", width=11),
        TableColumn("Currency", width=9),
        TableColumn("Subtotal", "money"),
        TableColumn("Tax", "money"),
        TableColumn("Total", "money", 16),
        TableColumn("Contracted", "money", 16),
        TableColumn("Issued", "date", 12),
        TableColumn("Valid until", "date", 12),
    )
    return TableDocument(
        agency_name=services.agency.get().name,
        sheet_name="Estimates",
        title="Estimates",
        subtitle=subtitle or f"{len(rows)} estimates",
        columns=columns,
        rows=tuple(rows),
        currency_column=6,
        total_column=9,
    )


def rate_card_document(
    services: WorkspaceServices, card_id: int, audience: Audience
) -> TableDocument:
    """A rate card: roles with bill rates; the internal one adds cost rates and margin."""
    _check_audience(audience)
    card = next((c for c in services.rate_cards.cards() if c.id == card_id), None)
    if card is None:
        raise ExportError("That rate card does not exist any more.")
    minor = Currency.get(card.currency).minor_units
    internal = audience == "internal"
    columns = [
        TableColumn("Role", width=30),
        TableColumn("Unit", width=8),
        TableColumn(f"Rate ({card.currency})", "money", 16),
        TableColumn("Valid from", "date", 12),
    ]
    if internal:
        columns += [
            TableColumn(f"Cost ({card.currency})", "money", 16),
            TableColumn("Margin %", "percent", 10),
        ]
    rows = []
    for rate in services.rate_cards.rates(card_id):
        cells: list[CellValue] = [rate.role, rate.unit, rate.bill_rate, rate.valid_from]
        if internal:
            margin = (
                ((rate.bill_rate - rate.cost_rate) / rate.bill_rate * 100).quantize(Decimal("0.01"))
                if rate.bill_rate
                else None
            )
            cells += [rate.cost_rate, margin]
        rows.append(TableRow(tuple(cells), minor))
    owner = f"{card.account_name} — " if card.account_name else ""
    return TableDocument(
        agency_name=services.agency.get().name,
        sheet_name="Rate card",
        title=f"{owner}{card.name}",
        subtitle=f"Rates in {card.currency}",
        columns=tuple(columns),
        rows=tuple(rows),
        internal=internal,
    )


def export_table_xlsx(document: TableDocument, path: Path, *, overwrite: bool = False) -> Path:
    """Write a list workbook atomically; an existing file is kept unless ``overwrite``."""
    return atomic_write(
        Path(path), lambda temp: write_table_workbook(document, temp), overwrite=overwrite
    )
