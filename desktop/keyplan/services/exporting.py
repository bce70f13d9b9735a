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

import dataclasses
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Literal, TypeVar, overload

from keyplan.domain.errors import ValidationError
from keyplan.domain.forecast import FIGURES, AccountMonth, MonthFigures, year_months
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
from keyplan.exports.jbp_documents import JbpDocument
from keyplan.exports.pdf import build_estimate_pdf
from keyplan.exports.pdf.account_plan import build_account_plan_pdf
from keyplan.exports.pdf.contact_report import build_contact_report_pdf
from keyplan.exports.pdf.fonts import register_fonts
from keyplan.exports.pdf.jbp import build_jbp_pdf
from keyplan.exports.pdf.status_report import build_status_report_pdf
from keyplan.exports.plan_documents import AccountPlanDocument
from keyplan.exports.tables import CellValue, TableColumn, TableDocument, TableRow
from keyplan.exports.xlsx import write_estimate_workbook
from keyplan.exports.xlsx.forecast import (
    ForecastAccount,
    ForecastUnit,
    ForecastWorkbookDocument,
    MonthConversion,
    write_forecast_workbook,
)
from keyplan.exports.xlsx.jbp import write_jbp_workbook
from keyplan.exports.xlsx.pipeline import (
    TYPE_LABELS,
    PipelineDocument,
    PipelineRow,
    write_pipeline_workbook,
)
from keyplan.exports.xlsx.table import write_table_workbook
from keyplan.services.estimate_records import EstimateDocument, EstimateFilter
from keyplan.services.jbp_documents import build_jbp_document
from keyplan.services.opportunities import PipelineFilter
from keyplan.services.plan_export import build_plan_document
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
_Document = TypeVar("_Document")
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

    return _write_file(path, write_estimate_workbook, document, overwrite)


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
    _pdf_fonts_ready()
    document = build_estimate_document(services, revision_id, "client")

    return _write_pdf(path, build_estimate_pdf, document, overwrite)


# -- contact report and status report PDFs ----------------------------------------------------


def _pdf_fonts_ready() -> None:
    """The shipped fonts, registered; a missing one is an ``ExportError`` for the user."""
    try:
        register_fonts()
    except FileNotFoundError as exc:  # a damaged installation, not a problem with the file
        raise ExportError(f"{exc} Reinstall Keyplan to export PDFs.") from None


def _write_file(
    path: Path, writer: Callable[[_Document, Path], object], document: _Document, overwrite: bool
) -> Path:
    """``writer(document, temp)`` through :func:`atomic_write`: the one way every export
    reaches the disk (an existing file is kept unless ``overwrite``)."""

    def write(temp: Path) -> None:
        writer(document, temp)

    return atomic_write(Path(path), write, overwrite=overwrite)


def _write_pdf(
    path: Path, build: Callable[[_Document], bytes], document: _Document, overwrite: bool
) -> Path:
    """The PDF ``build(document)`` makes, written like :func:`_write_file` (built inside the
    write, so a failure leaves no file behind)."""
    return _write_file(path, lambda doc, temp: temp.write_bytes(build(doc)), document, overwrite)


def _client_file_name(client: str, suffix: str, extension: str, *, fallback: str = "export") -> str:
    """``{client}{suffix}{extension}``, safe on every system; a long client name is cut a
    tenth at a time so the suffix (a date, a year, the INTERNAL mark) is never lost."""
    client = " ".join(client.split())
    while True:
        name = clean_file_name(f"{client}{suffix}", extension=extension, fallback=fallback)
        if name.endswith(f"{suffix}{extension}") or not client:
            return name
        client = client[: len(client) - max(1, len(client) // 10)].rstrip()


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

    return _write_pdf(path, build_contact_report_pdf, document, overwrite)


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
    return _client_file_name(account.name, suffix, ".pdf", fallback="status")


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

    return _write_pdf(path, build_status_report_pdf, document, overwrite)


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


# -- the pipeline workbook --------------------------------------------------------------------


def _pipeline_filter(account_id: int | None, filters: PipelineFilter | None) -> PipelineFilter:
    chosen = filters or PipelineFilter()
    if account_id is not None:
        chosen = dataclasses.replace(chosen, account_id=account_id)
    return chosen


def _pipeline_subtitle(
    services: WorkspaceServices, filters: PipelineFilter, count: int, today: date
) -> str:
    """'12 opportunities · owner Amelia Hart · Upsell · USD · open only · as of 2026-11-20'."""
    parts = [f"{count} opportunit{'y' if count == 1 else 'ies'}"]
    if filters.owner_id is not None:
        names = {m.id: m.name for m in services.team.all()}
        parts.append(f"owner {names.get(filters.owner_id, '?')}")
    if filters.kind:
        # the workbook's own name for the type ("Cross-sell"), not one made up from the key
        parts.append(next((t for k, t in TYPE_LABELS.items() if k == filters.kind), filters.kind))
    if filters.currency:
        parts.append(filters.currency)
    if filters.close_from or filters.close_to:
        start = filters.close_from.isoformat() if filters.close_from else "…"
        end = filters.close_to.isoformat() if filters.close_to else "…"
        parts.append(f"closing {start} to {end}")
    if filters.open_only:
        parts.append("open only")
    parts.append(f"as of {today.isoformat()}")
    return " · ".join(parts)


def pipeline_document(
    services: WorkspaceServices,
    *,
    account_id: int | None = None,
    filters: PipelineFilter | None = None,
    today: date | None = None,
) -> PipelineDocument:
    """The pipeline (of one account, or as ``filters`` narrow it) for the workbook; the
    opportunities' notes stay out."""
    chosen = _pipeline_filter(account_id, filters)
    records = services.opportunities.filtered(chosen)
    rows = tuple(
        PipelineRow(
            account=record.account_name,
            name=record.name,
            kind=record.kind,
            stage=record.stage,
            stage_since=record.stages[-1][1] if record.stages else None,
            expected_close=record.expected_close,
            owner=record.owner_name,
            currency=record.currency,
            minor_units=Currency.get(record.currency).minor_units,
            amount=record.amount,
            probability=record.probability,
            weighted=record.weighted,
            next_step=record.next_step,
            service_line=record.service_line,
        )
        for record in records
    )
    title = "Pipeline"
    if chosen.account_id is not None:
        title = f"Pipeline — {services.accounts.get(chosen.account_id, deleted_ok=True).name}"
    return PipelineDocument(
        agency_name=services.agency.get().name,
        title=title,
        subtitle=_pipeline_subtitle(services, chosen, len(rows), today or date.today()),
        rows=rows,
        totals=tuple(services.opportunities.by_stage(records)),
    )


def pipeline_file_name(
    services: WorkspaceServices, *, account_id: int | None = None, today: date | None = None
) -> str:
    """The suggested name: ``Pipeline {yyyy-mm-dd}.xlsx``, or ``{account} - pipeline
    {yyyy-mm-dd}.xlsx`` for one account (a long account name is cut, never the date)."""
    day = (today or date.today()).isoformat()
    if account_id is None:
        return clean_file_name(f"Pipeline {day}", extension=".xlsx")
    client = services.accounts.get(account_id, deleted_ok=True).name
    return _client_file_name(client, f" - pipeline {day}", ".xlsx")


def export_pipeline_xlsx(
    services: WorkspaceServices,
    path: Path,
    *,
    account_id: int | None = None,
    filters: PipelineFilter | None = None,
    overwrite: bool = False,
    today: date | None = None,
) -> Path:
    """Write the pipeline workbook to ``path`` atomically; returns the path written. An
    existing file is kept unless ``overwrite`` (``ExportExistsError``)."""
    document = pipeline_document(services, account_id=account_id, filters=filters, today=today)

    return _write_file(path, write_pipeline_workbook, document, overwrite)


# -- the forecast workbook --------------------------------------------------------------------


def forecast_document(
    services: WorkspaceServices,
    *,
    account_id: int | None = None,
    year: int,
    currency: str | None = None,
    today: date | None = None,
) -> ForecastWorkbookDocument:
    """The revenue forecast of ``year`` for the portfolio (``account_id`` None) or an account
    with its child accounts: a sheet per account in its currency, the roll-up in ``currency``
    (None: the agency's default currency) with the rate used per currency and month."""
    if isinstance(year, bool) or not isinstance(year, int) or not 1990 <= year <= 2200:
        raise ValidationError("year", "Choose a year from 1990 to 2200.")
    months = year_months(year)
    profile = services.agency.get()
    roll = services.forecast.roll_up(
        months[0], len(months), currency=currency, account_id=account_id
    )
    reporting = Currency.get(roll.currency)
    accounts = _forecast_accounts(services, months, account_id)
    table = services.forecast.rate_table()
    conversions = tuple(
        MonthConversion(code, month, table.for_month(code, reporting.code, month))
        for code in sorted({a.currency for a in accounts} - {reporting.code})
        for month in months
    )
    scope = services.accounts.get(account_id).name if account_id is not None else "Portfolio"
    return ForecastWorkbookDocument(
        agency_name=profile.name,
        title=f"Revenue forecast {year}",
        scope=scope,
        months=months,
        currency=reporting.code,
        minor_units=reporting.minor_units,
        accounts=tuple(accounts),
        conversions=conversions,
        rates_used=roll.rates_used,
        missing=roll.missing,
        brand_colour=profile.brand_colour,
        paper_size=profile.paper_size,
        issued_on=today or date.today(),
    )


def _forecast_accounts(
    services: WorkspaceServices, months: tuple[date, ...], account_id: int | None
) -> list[ForecastAccount]:
    """Each account (and currency) with figures in ``months``, its business units in it; the
    account asked for first, with a sheet even when it has no figure yet."""
    names = {a.id: a.name for a in services.accounts.all()}
    grouped: dict[tuple[int, str], dict[str, dict[date, AccountMonth]]] = {}
    for owner, unit, entry in services.forecast.month_entries(months, account_id=account_id):
        grouped.setdefault((owner, entry.currency), {}).setdefault(unit, {})[entry.month] = entry
    if account_id is not None and not any(key[0] == account_id for key in grouped):
        grouped[(account_id, services.accounts.get(account_id).currency)] = {"": {}}

    def unit_row(unit: str, by_month: dict[date, AccountMonth]) -> ForecastUnit:
        figures = []
        for month in months:
            entry = by_month.get(month)
            values = [getattr(entry, name) if entry else None for name in FIGURES]
            figures.append(MonthFigures(month, *values))
        return ForecastUnit(unit, tuple(figures))

    accounts = []
    for (owner, code), units in grouped.items():
        ordered = sorted(units.items(), key=lambda item: (item[0] != "", item[0].casefold()))
        accounts.append(
            ForecastAccount(
                account_id=owner,
                name=names.get(owner, f"Account {owner}"),
                currency=code,
                minor_units=Currency.get(code).minor_units,
                units=tuple(unit_row(unit, by_month) for unit, by_month in ordered),
            )
        )
    accounts.sort(key=lambda a: (a.account_id != account_id, a.name.casefold(), a.currency))
    return accounts


def forecast_file_name(
    services: WorkspaceServices, *, account_id: int | None = None, year: int
) -> str:
    """``Portfolio - revenue forecast 2026.xlsx`` or ``{account} - revenue forecast 2026.xlsx``."""
    scope = services.accounts.get(account_id).name if account_id is not None else "Portfolio"
    tail = f" - revenue forecast {year}"
    name = clean_file_name(f"{' '.join(scope.split())}{tail}", extension=".xlsx")
    if tail not in name:  # a long account name: keep the year
        name = clean_file_name(f"revenue forecast {year} - {scope}", extension=".xlsx")
    return name


def export_forecast_xlsx(
    services: WorkspaceServices,
    path: Path,
    *,
    account_id: int | None = None,
    year: int,
    currency: str | None = None,
    overwrite: bool = False,
) -> Path:
    """Write the forecast workbook (:func:`forecast_document`) to ``path`` atomically; an
    existing file is kept unless ``overwrite`` (``ExportExistsError``)."""
    document = forecast_document(services, account_id=account_id, year=year, currency=currency)

    return _write_file(path, write_forecast_workbook, document, overwrite)


# -- the account plan one-pager -----------------------------------------------------------------


def _plan_id(services: WorkspaceServices, account_id: int, year: int) -> int:
    plan_id = services.plans.find(account_id, year)
    if plan_id is None:
        name = services.accounts.get(account_id, deleted_ok=True).name
        raise ValidationError("year", f"{name} has no plan for {year}.")
    return plan_id


def plan_document(
    services: WorkspaceServices,
    account_id: int,
    year: int,
    *,
    audience: Audience = "client",
    today: date | None = None,
    snapshot_id: int | None = None,
) -> AccountPlanDocument:
    """The plan of ``account_id`` for ``year`` (or its snapshot ``snapshot_id``) as the PDF
    prints it: client-safe (no risks, ratings, strengths, goals, notes or revenue target) unless
    ``audience`` is "internal". ``ValidationError`` when there is no such plan."""
    _check_audience(audience)
    day = today or date.today()
    plan_id = _plan_id(services, account_id, year)
    label = ""
    if snapshot_id is None:
        plan = services.plans.get(plan_id)
    else:
        found = [s for s in services.plans.snapshots(plan_id) if s.id == snapshot_id]
        if not found:
            raise ValidationError("snapshot", "That snapshot is not one of this plan's.")
        plan = services.plans.snapshot_document(snapshot_id)
        label = f"Snapshot of {found[0].taken_on.isoformat()}" + (
            f": {found[0].label}" if found[0].label else ""
        )
    return build_plan_document(
        services, plan, agency_header(services), audience=audience, today=day, snapshot=label
    )


def plan_file_name(
    services: WorkspaceServices, account_id: int, year: int, audience: Audience = "client"
) -> str:
    """``{client} - account plan 2026.pdf`` (`` - INTERNAL`` before the extension for the
    internal variant); a long client name is cut, never the year or the INTERNAL mark."""
    _check_audience(audience)
    client = services.accounts.get(account_id, deleted_ok=True).name
    suffix = f" - account plan {year}" + (" - INTERNAL" if audience == "internal" else "")
    return _client_file_name(client, suffix, ".pdf", fallback="account plan")


def export_plan_pdf(
    services: WorkspaceServices,
    account_id: int,
    year: int,
    path: Path,
    *,
    audience: Audience = "client",
    overwrite: bool = False,
    today: date | None = None,
    snapshot_id: int | None = None,
) -> Path:
    """Write the account plan one-pager of ``account_id`` for ``year`` to ``path``: the
    client-safe variant unless ``audience`` is "internal" (marked INTERNAL on every page).
    Written atomically; an existing file is kept unless ``overwrite`` (``ExportExistsError``)."""
    _pdf_fonts_ready()
    document = plan_document(
        services, account_id, year, audience=audience, today=today, snapshot_id=snapshot_id
    )

    return _write_pdf(path, build_account_plan_pdf, document, overwrite)


# -- the joint business plan (JBP) workbook and PDF -------------------------------------------


def jbp_document(
    services: WorkspaceServices, jbp_id: int, *, today: date | None = None
) -> JbpDocument:
    """The JBP ``jbp_id`` as the client sees it (both sides agreed it: no internal notes),
    issued ``today`` (by default the real day)."""
    record = services.jbp.get(jbp_id)
    account = services.accounts.get(record.account_id, deleted_ok=True)
    return build_jbp_document(
        record,
        agency_header(services),
        client_legal_name=account.legal_name,
        prepared_by=account.owner_name,
        issued_on=today,
    )


def jbp_file_name(services: WorkspaceServices, jbp_id: int, extension: str = ".xlsx") -> str:
    """The suggested name: ``{client} - JBP {year}.xlsx`` (or ``.pdf``); a long client name
    is cut, never the year."""
    if extension not in (".xlsx", ".pdf"):
        raise ValidationError("extension", "A JBP is written as .xlsx or .pdf.")
    record = services.jbp.get(jbp_id)
    return _client_file_name(
        record.account_name, f" - JBP {record.year}", extension, fallback="JBP"
    )


def export_jbp_xlsx(
    services: WorkspaceServices,
    jbp_id: int,
    path: Path,
    *,
    overwrite: bool = False,
    today: date | None = None,
) -> Path:
    """Write the JBP workbook to ``path`` atomically; an existing file is kept unless
    ``overwrite`` (``ExportExistsError``)."""
    document = jbp_document(services, jbp_id, today=today)

    return _write_file(path, write_jbp_workbook, document, overwrite)


def export_jbp_pdf(
    services: WorkspaceServices,
    jbp_id: int,
    path: Path,
    *,
    overwrite: bool = False,
    today: date | None = None,
) -> Path:
    """Write the JBP summary PDF to ``path`` atomically; an existing file is kept unless
    ``overwrite`` (``ExportExistsError``)."""
    _pdf_fonts_ready()
    document = jbp_document(services, jbp_id, today=today)

    return _write_pdf(path, build_jbp_pdf, document, overwrite)
