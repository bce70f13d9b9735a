"""Import actual cost and hours for one estimate from a finance .xlsx or .csv file.

The steps, each usable on its own by the GUI and the CLI:

1. :func:`read_actuals_table` reads the first sheet (or the CSV file); files that are not ours,
   damaged, password-protected, too big, without a header row or with formulas are refused (the
   same reader as the rate import).
2. :func:`guess_mapping` says which column holds which field, by the header titles.
3. :func:`plan_import` turns the rows into actuals of the estimate: each row names a line by
   its reference ("2.3", as printed on the estimate workbook; "CO1-1.2" for a change order) or
   a section ("2", or the section's name in a Section column). Rows of another estimate (when
   the file has an Estimate column) are skipped and counted; rows that look already imported
   are flagged. *Every* problem is collected (sheet, row, column, message) before refusing.
4. :func:`apply_import` books the planned rows in one transaction under one batch id;
   :func:`revert_import` removes exactly them again (undo).

Nothing is written unless every row is valid.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

from keyplan.domain.actuals import validate_actual
from keyplan.domain.errors import ValidationError
from keyplan.domain.money import Currency
from keyplan.domain.numbers import parse_decimal
from keyplan.services.actuals import ActualDraft, ActualTarget, VarianceReport
from keyplan.services.rate_import import (
    Problems,
    RateImportError,
    RateTable,
    cell_date,
    column_letter,
    match_headers,
    read_rate_table,
)

if TYPE_CHECKING:
    from keyplan.services.workspace import WorkspaceServices

__all__ = [
    "FIELDS",
    "ActualsImportError",
    "ActualsPlan",
    "ImportedActuals",
    "PlannedActual",
    "apply_import",
    "existing_keys",
    "guess_mapping",
    "plan_import",
    "prepare_import",
    "read_actuals_table",
    "revert_import",
]

ActualsImportError = RateImportError
"""Nothing was imported; ``problems`` say what is wrong and where."""

FIELDS = ("ref", "section", "estimate", "date", "hours", "cost", "description", "reference")
FIELD_LABELS = {
    "ref": "line no.",
    "section": "section",
    "estimate": "estimate",
    "date": "date",
    "hours": "hours",
    "cost": "cost",
    "description": "description",
    "reference": "reference",
}
_SYNONYMS: Mapping[str, tuple[str, ...]] = {
    "ref": ("no", "line no", "line", "line ref", "ref", "item", "item no", "#"),
    "section": ("section", "phase", "stage"),
    "estimate": ("estimate", "estimate no", "estimate number", "job", "job no", "job number"),
    "date": ("date", "entry date", "posting date", "posted", "work date", "invoice date"),
    "hours": ("hours", "actual hours", "hrs", "time"),
    "cost": ("cost", "actual cost", "amount", "net amount", "net", "value"),
    "description": ("description", "text", "narrative", "memo", "details"),
    "reference": (
        "reference",
        "document",
        "doc no",
        "invoice",
        "invoice no",
        "voucher",
        "timesheet",
    ),
}


def read_actuals_table(path: Path) -> RateTable:
    """The header row and rows of the first sheet of an .xlsx file, or of a .csv file."""
    return read_rate_table(path)


def guess_mapping(headers: Sequence[str]) -> dict[str, int | None]:
    """Field -> index of the column whose header names it, or None."""
    return match_headers(headers, FIELDS, _SYNONYMS)


@dataclass(frozen=True)
class PlannedActual:
    row: int  # the row number the user sees in the file
    target: ActualTarget
    draft: ActualDraft
    duplicate: bool  # an actual with the same target, date, cost, hours and reference exists

    @property
    def id(self) -> int:
        """The row number: unique in the file, so lists can key the rows by it."""
        return self.row


@dataclass(frozen=True)
class ActualsPlan:
    estimate_id: int
    number: str
    currency: str
    sheet: str
    rows: tuple[PlannedActual, ...]
    skipped_other_estimates: int

    @property
    def duplicates(self) -> int:
        return sum(1 for row in self.rows if row.duplicate)

    @property
    def total_cost(self) -> Decimal:
        return sum((row.draft.cost for row in self.rows), Decimal(0))

    @property
    def total_hours(self) -> Decimal:
        return sum((row.draft.hours or Decimal(0) for row in self.rows), Decimal(0))


@dataclass(frozen=True)
class ImportedActuals:
    estimate_id: int
    batch: str
    ids: tuple[int, ...]
    drafts: tuple[ActualDraft, ...]


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _ref_text(value: Any, refs: set[str]) -> str:
    """A line reference from a cell. Excel turns a typed 1.10 into the number 1.1, so a
    number is accepted only when it cannot mean two references."""
    if isinstance(value, bool):
        raise ValidationError("ref", "Write the line number as text, such as 2.3.")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float | Decimal):
        text = format(Decimal(repr(value)) if isinstance(value, float) else value, "f")
        section, _, line = text.partition(".")
        if line:
            # 1.1 could be line 1 or line 10 (100, …) of section 1
            candidates = {ref for ref in refs if ref.startswith(f"{section}.")}
            matches = [
                ref for ref in candidates if ref.split(".", 1)[1].rstrip("0") == line.rstrip("0")
            ]
            if len(matches) > 1:
                raise ValidationError(
                    "ref",
                    f"{text} could be line {' or '.join(sorted(matches))}: format the "
                    "column as text so Excel keeps the number as typed.",
                )
            if matches:
                return matches[0]
        return text
    return str(value).strip()


def _number(value: Any, field: str, places: int, locale: str) -> Decimal:
    label = FIELD_LABELS[field]
    if isinstance(value, bool | date):
        raise ValidationError(field, f"The {label} must be a number.")
    try:
        if isinstance(value, int):
            number = Decimal(value)
        elif isinstance(value, float):
            number = Decimal(repr(value))
        elif isinstance(value, str):
            number = parse_decimal(value, locale, field=field)
        else:
            raise ValidationError(field, f"The {label} must be a number.")
    except InvalidOperation:
        raise ValidationError(field, f"The {label} must be a number.") from None
    except ValidationError as error:
        raise ValidationError(field, f"The {label}: {error.message.rstrip('.')}.") from None
    if not number.is_finite():
        raise ValidationError(field, f"The {label} must be a number.")
    normal = number.normalize()
    if normal.as_tuple().exponent < -places:  # type: ignore[operator]
        where = "whole numbers" if places == 0 else f"at most {places} decimals"
        raise ValidationError(field, f"The {label} {value}: use {where}.")
    return number


def plan_import(
    report: VarianceReport,
    table: RateTable,
    mapping: Mapping[str, int | None],
    locale: str,
    existing: Sequence[tuple[str | None, str | None, date, Decimal, Decimal | None, str]] = (),
    *,
    source: str = "",
) -> ActualsPlan:
    """Check every row against the estimate ``report``; refuse with all problems at once.

    ``existing`` holds (line key, section key, date, cost, hours, reference) of the actuals
    already booked, to flag rows that were imported before.
    """
    problems = Problems(table.sheet)
    for field in ("date", "cost"):
        if mapping.get(field) is None:
            problems.add(
                table.header_row, "", f"No {FIELD_LABELS[field]} column: name one '{field}'."
            )
    if mapping.get("ref") is None and mapping.get("section") is None:
        problems.add(
            table.header_row,
            "",
            "No column says which line the cost is for: add a 'No.' column with the line "
            "numbers of the estimate workbook (such as 2.3), or a 'Section' column.",
        )
    chosen = [index for index in mapping.values() if index is not None]
    if len(chosen) != len(set(chosen)):
        problems.add(table.header_row, "", "One column is chosen for two fields.")
    problems.raise_if_any()

    currency = Currency.get(report.currency)
    by_ref = {option.ref: option for option in report.targets}
    line_refs = {ref for ref, option in by_ref.items() if not option.is_section}
    sections_by_name: dict[str, list[ActualTarget]] = {}
    for option in report.targets:
        if option.is_section:
            sections_by_name.setdefault(option.label.casefold().strip(), []).append(option)
    seen = set(existing)
    number = report.number.casefold().strip()

    def cell(values: tuple[Any, ...], field: str) -> Any:
        index = mapping.get(field)
        if index is None or index >= len(values):
            return None
        return values[index]

    def letter(field: str) -> str:
        index = mapping.get(field)
        return column_letter(index) if index is not None else ""

    planned: list[PlannedActual] = []
    skipped = 0
    for table_row in table.rows:
        values, row = table_row.values, table_row.number
        estimate = cell(values, "estimate")
        if not _empty(estimate) and str(estimate).casefold().strip() != number:
            skipped += 1
            continue
        target: ActualTarget | None = None
        ref_cell, section_cell = cell(values, "ref"), cell(values, "section")
        try:
            if not _empty(ref_cell):
                ref = _ref_text(ref_cell, line_refs)
                target = by_ref.get(ref)
                if target is None:
                    raise ValidationError(
                        "ref", f"There is no line {ref} in {report.number} ({report.basis})."
                    )
            elif not _empty(section_cell):
                found = sections_by_name.get(str(section_cell).casefold().strip(), [])
                if len(found) != 1:
                    raise ValidationError(
                        "section",
                        f"No section '{section_cell}' in {report.number}."
                        if not found
                        else f"Two sections are named '{section_cell}': use the line numbers.",
                    )
                target = found[0]
            else:
                problems.add(
                    row, letter("ref") or letter("section"), "Say which line: it is empty."
                )
        except ValidationError as error:
            problems.add(row, letter(error.field or "ref"), error.message)

        parsed: dict[str, Any] = {}
        for field, required in (("date", True), ("cost", True), ("hours", False)):
            value = cell(values, field)
            if _empty(value):
                if required:
                    problems.add(row, letter(field), f"The {FIELD_LABELS[field]} is empty.")
                parsed[field] = None
                continue
            try:
                parsed[field] = (
                    cell_date(value, "date")
                    if field == "date"
                    else _number(
                        value, field, currency.minor_units if field == "cost" else 2, locale
                    )
                )
            except ValidationError as error:
                problems.add(row, letter(field), error.message)
        texts = {
            field: "" if _empty(cell(values, field)) else str(cell(values, field)).strip()
            for field in ("description", "reference")
        }
        if target is None or parsed.get("date") is None or parsed.get("cost") is None:
            continue
        draft = ActualDraft(
            entry_date=parsed["date"],
            cost=parsed["cost"],
            hours=parsed.get("hours"),
            line_key=target.line_key,
            section_key=target.section_key,
            description=texts["description"],
            reference=" ".join(texts["reference"].split()),
            source=source,
        )
        try:
            validate_actual(
                cost=draft.cost,
                hours=draft.hours,
                currency=currency,
                entry_date=draft.entry_date,
                description=draft.description,
                reference=draft.reference,
            )
        except ValidationError as error:
            field = {"entry_date": "date"}.get(error.field or "", error.field or "")
            problems.add(row, letter(field) if field in FIELDS else "", error.message)
            continue
        key = (
            draft.line_key,
            None if draft.line_key else draft.section_key,
            draft.entry_date,
            draft.cost,
            draft.hours,
            draft.reference,
        )
        planned.append(PlannedActual(row, target, draft, key in seen))
    problems.raise_if_any()
    if not planned:
        problems.add(
            table.header_row,
            "",
            f"No rows for {report.number}"
            + (f": {skipped} rows are for other estimates." if skipped else "."),
        )
        problems.raise_if_any()
    return ActualsPlan(
        report.estimate_id,
        report.number,
        report.currency,
        table.sheet,
        tuple(planned),
        skipped,
    )


def existing_keys(
    services: WorkspaceServices, estimate_id: int
) -> list[tuple[str | None, str | None, date, Decimal, Decimal | None, str]]:
    """What :func:`plan_import` compares rows with to flag those imported before."""
    return [
        (
            record.line_key,
            None if record.line_key else record.section_key,
            record.entry_date,
            record.cost,
            record.hours,
            record.reference,
        )
        for record in services.actuals.entries(estimate_id)
    ]


def prepare_import(
    services: WorkspaceServices,
    estimate_id: int,
    path: Path,
    locale: str,
    mapping: Mapping[str, int | None] | None = None,
) -> ActualsPlan:
    """Read ``path`` and plan its rows for the estimate (guessing the columns if not given)."""
    table = read_actuals_table(path)
    return plan_import(
        services.actuals.variance(estimate_id),
        table,
        guess_mapping(table.headers) if mapping is None else mapping,
        locale,
        existing_keys(services, estimate_id),
        source=Path(path).name,
    )


def apply_import(
    services: WorkspaceServices,
    plan: ActualsPlan,
    *,
    skip_duplicates: bool = True,
    batch: str | None = None,
    ids: Sequence[int] | None = None,
) -> ImportedActuals:
    """Book the plan's rows in one transaction (all or none); ``batch`` and ``ids`` let a redo
    re-create exactly what an undo removed."""
    drafts = tuple(row.draft for row in plan.rows if not (skip_duplicates and row.duplicate))
    batch = batch or str(uuid.uuid4())
    created = services.actuals.add_many(plan.estimate_id, drafts, batch=batch, ids=ids)
    return ImportedActuals(plan.estimate_id, batch, tuple(created), drafts)


def revert_import(services: WorkspaceServices, result: ImportedActuals) -> None:
    """Undo :func:`apply_import`: the actuals it booked are removed."""
    services.actuals.purge(result.ids)
