"""Exports as use cases: build the audience's document from the workspace, write the file.

:func:`build_estimate_document` is where the client/internal split is made for an estimate: the
client document is built from client fields only (see :mod:`keyplan.exports.documents`), with
the figures ``EstimateService.document`` priced through ``domain.estimates.compute_totals``.
:func:`export_estimate_xlsx` writes it atomically (a temporary file renamed into place) and
never replaces an existing file unless asked to. The GUI and ``keyplan-cli`` call these same
functions.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal, overload

from keyplan.domain.errors import ValidationError
from keyplan.exports.documents import (
    AgencyHeader,
    ClientEstimateDocument,
    EstimateHeader,
    InternalEstimateDocument,
    PaperSize,
    client_estimate_document,
    internal_estimate_document,
)
from keyplan.exports.files import ExportError, ExportExistsError, atomic_write, safe_file_name
from keyplan.exports.xlsx import write_estimate_workbook
from keyplan.services.estimate_records import EstimateDocument
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
    "estimate_file_name",
    "export_estimate_xlsx",
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
