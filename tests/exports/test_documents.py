"""The documents exporters render: the client type has no internal field at all, and every
figure is the one the domain computed (EstimateService.document)."""

from __future__ import annotations

import dataclasses
import typing
from datetime import date

import pytest

from keyplan.domain.errors import ValidationError
from keyplan.domain.estimates import LineKind, compute_totals, line_refs
from keyplan.exports import documents
from keyplan.exports.documents import (
    AgencyHeader,
    ClientEstimateDocument,
    ClientLine,
    ClientSection,
    ClientTotals,
    EstimateHeader,
    InternalEstimateDocument,
    InternalLine,
    InternalSection,
    client_estimate_document,
)
from keyplan.services.exporting import build_estimate_document, estimate_file_name
from keyplan.services.workspace import WorkspaceServices

INTERNAL_WORDS = ("cost", "margin", "markup", "internal", "role", "supplier", "floor")
CLIENT_TYPES = (
    ClientEstimateDocument,
    AgencyHeader,
    EstimateHeader,
    ClientSection,
    ClientLine,
    ClientTotals,
)


def field_types(cls: type) -> dict[str, object]:
    return typing.get_type_hints(cls, vars(documents))


@pytest.mark.parametrize("cls", CLIENT_TYPES, ids=lambda cls: cls.__name__)
def test_client_types_have_no_internal_fields(cls: type) -> None:
    for name in field_types(cls):
        assert not any(word in name.lower() for word in INTERNAL_WORDS), f"{cls.__name__}.{name}"


def test_client_types_only_nest_client_types() -> None:
    allowed = {*CLIENT_TYPES}
    for cls in CLIENT_TYPES:
        for name, hint in field_types(cls).items():
            text = repr(hint)
            assert "Internal" not in text, f"{cls.__name__}.{name}: {text}"
            for nested in typing.get_args(hint) or (hint,):
                if dataclasses.is_dataclass(nested):
                    assert nested in allowed, f"{cls.__name__}.{name}: {nested}"


def test_internal_types_are_not_client_types() -> None:
    assert not issubclass(InternalLine, ClientLine)
    assert not issubclass(InternalSection, ClientSection)
    assert not issubclass(InternalEstimateDocument, ClientEstimateDocument)
    client_fields = {f.name for f in dataclasses.fields(ClientLine)}
    internal_fields = {f.name for f in dataclasses.fields(InternalLine)}
    assert client_fields < internal_fields
    assert internal_fields - client_fields == {
        "role",
        "supplier",
        "unit_cost",
        "markup_percent",
        "cost",
        "margin",
    }


def test_documents_are_frozen(demo: WorkspaceServices, demo_revision_ids: list[int]) -> None:
    document = build_estimate_document(demo, demo_revision_ids[0], "client")
    with pytest.raises(dataclasses.FrozenInstanceError):
        document.header = document.header  # type: ignore[misc]


def test_every_demo_revision_maps_the_services_figures(
    demo: WorkspaceServices, demo_revision_ids: list[int]
) -> None:
    agency = demo.agency.get()
    for revision_id in demo_revision_ids:
        record = demo.estimates.document(revision_id)
        client = build_estimate_document(demo, revision_id, "client")
        internal = build_estimate_document(demo, revision_id, "internal")
        assert isinstance(client, ClientEstimateDocument)
        assert isinstance(internal, InternalEstimateDocument)
        account = demo.accounts.get(record.account_id)
        header = client.header
        assert header == internal.header
        assert (header.number, header.revision, header.title) == (
            record.number,
            record.revision,
            record.title,
        )
        assert header.client_name == record.account_name
        assert header.client_legal_name == account.legal_name
        assert header.prepared_by == account.owner_name and header.prepared_by
        assert header.currency_code == record.currency
        assert header.minor_units == record.totals.currency.minor_units
        assert (header.issued_on, header.valid_until) == (record.issued_on, record.valid_until)
        assert (header.terms, header.client_notes) == (record.terms, record.client_notes)
        assert client.agency.name == agency.name and client.agency.logo
        assert client.agency.paper_size == agency.paper_size

        refs = line_refs(record.priced)
        shown_refs = [line.ref for section in client.sections for line in section.lines]
        assert shown_refs == [refs[line.key] for line in record.lines]  # "1.1", "1.2", "2.1"...
        assert shown_refs == [line.ref for section in internal.sections for line in section.lines]

        totals = record.totals
        for shown in (client.totals, internal.totals):
            assert shown.subtotal == totals.subtotal
            assert shown.discount == totals.discount
            assert shown.contingency == totals.contingency
            assert shown.fee == totals.fee
            assert shown.net == totals.net
            assert dict(shown.tax_by_rate) == dict(totals.tax_by_rate)
            assert dict(shown.taxable_by_rate) == dict(totals.taxable_by_rate)
            assert shown.total == totals.total
            assert shown.optional_total == totals.optional_total
        assert len(client.sections) == len(record.sections)
        for section, source, inside in zip(
            client.sections, record.sections, internal.sections, strict=True
        ):
            assert section.name == source.name == inside.name
            assert section.subtotal == source.subtotal == inside.subtotal
            assert inside.cost == source.cost
            assert inside.margin == source.subtotal - source.cost
            for number, (line, row, deep) in enumerate(
                zip(section.lines, source.lines, inside.lines, strict=True), start=1
            ):
                assert line.number == deep.number == number
                assert line.kind == LineKind(row.kind)
                assert line.description == row.description
                assert (line.quantity, line.unit_price, line.amount) == (
                    row.quantity,
                    row.unit_price,
                    row.amount,
                )
                assert (line.discount_percent, line.tax_rate, line.optional) == (
                    row.discount_percent,
                    row.tax_rate,
                    row.optional,
                )
                assert (deep.unit_cost, deep.cost, deep.markup_percent) == (
                    row.unit_cost,
                    row.cost,
                    row.markup_percent,
                )
                assert deep.margin == row.amount - row.cost
        assert internal.cost == totals.internal.cost
        assert internal.margin == totals.internal.margin
        assert internal.margin_percent == totals.internal.margin_percent
        assert internal.below_floor == record.below_margin_floor
        assert internal.internal_notes == record.internal_notes


def test_an_unknown_audience_is_refused(
    demo: WorkspaceServices, demo_revision_ids: list[int]
) -> None:
    with pytest.raises(ValidationError, match="client or internal"):
        build_estimate_document(demo, demo_revision_ids[0], "everyone")  # type: ignore[call-overload]


def test_file_names_of_both_audiences(
    demo: WorkspaceServices, demo_revision_ids: list[int]
) -> None:
    record = demo.estimates.document(demo_revision_ids[0])
    client = estimate_file_name(demo, record.revision_id, "client")
    internal = estimate_file_name(demo, record.revision_id, "internal")
    prefix = f"{record.account_name} - {record.number} rev{record.revision} - "
    assert client.startswith(prefix) and client.endswith(".xlsx")
    assert internal.endswith(" - INTERNAL.xlsx")


def test_a_header_in_another_currency_is_refused(
    demo: WorkspaceServices, demo_revision_ids: list[int]
) -> None:
    record = demo.estimates.document(demo_revision_ids[0])
    header = EstimateHeader(
        number="X",
        revision=1,
        title="t",
        status="draft",
        client_name="c",
        client_legal_name="",
        project_name="",
        prepared_by="",
        currency_code="BHD" if record.currency != "BHD" else "USD",
        minor_units=3,
        issued_on=date(2026, 1, 1),
        valid_until=None,
        terms="",
        client_notes="",
    )
    with pytest.raises(ValueError, match="header says"):
        client_estimate_document(AgencyHeader("A"), header, record.priced, record.totals)


def test_a_change_order_numbers_its_lines_with_its_prefix(
    demo: WorkspaceServices, demo_revision_ids: list[int]
) -> None:
    record = demo.estimates.document(demo_revision_ids[0])
    client = build_estimate_document(demo, record.revision_id, "client")
    priced = record.priced
    again = client_estimate_document(
        client.agency, client.header, priced, compute_totals(priced), ref_prefix="CO2-"
    )
    for section_number, (plain, prefixed) in enumerate(
        zip(client.sections, again.sections, strict=True), start=1
    ):
        for number, (line, other) in enumerate(zip(plain.lines, prefixed.lines, strict=True), 1):
            assert line.ref == f"{section_number}.{number}"
            assert other.ref == f"CO2-{section_number}.{number}"
            assert dataclasses.replace(other, ref=line.ref) == line
