"""Rate card import from .xlsx or .csv: read, map columns, validate, preview, apply, revert.

The steps, each usable on its own by the GUI and the CLI:

1. :func:`read_rate_table` reads the first sheet of a workbook (or a CSV file) into a
   :class:`RateTable`: the header row and the raw values below it. Files that are not ours,
   damaged, password-protected, too big, without a header row or with formulas are refused.
2. :func:`guess_mapping` proposes which column holds which field; the user may change it.
3. :func:`build_rates` turns the table into :class:`RateRow` values for a card's currency,
   collecting *every* problem (sheet, row, column, message) before refusing.
4. :func:`preview_import` says what each row would do ("add", "update" or "same");
   :func:`apply_import` does it in one transaction and returns an :class:`ImportResult` that
   :func:`revert_import` undoes exactly.

Every refusal is a :class:`RateImportError` whose ``problems`` name where and what; nothing is
written unless every row is valid.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import select

from keyplan.domain import accounts as rules
from keyplan.domain.errors import NotFoundError, ValidationError
from keyplan.domain.money import Currency
from keyplan.domain.numbers import parse_decimal
from keyplan.services.rate_cards import from_minor, to_minor
from keyplan.store.models import Rate, RateCard

if TYPE_CHECKING:
    from keyplan.services.workspace import WorkspaceServices

__all__ = [
    "FIELDS",
    "MAX_FILE_BYTES",
    "MAX_ROWS",
    "ImportProblem",
    "ImportResult",
    "Problems",
    "RateImportError",
    "RatePreview",
    "RateRow",
    "RateTable",
    "RateUpdate",
    "apply_import",
    "build_rates",
    "cell_date",
    "guess_mapping",
    "match_headers",
    "preview_import",
    "read_rate_table",
    "revert_import",
]

MAX_FILE_BYTES = 5 * 1024 * 1024
"""Largest file accepted (5 MB)."""
MAX_ROWS = 5000
"""Most data rows below the header."""
MAX_PROBLEMS = 200
"""Problems kept in one error; the rest are counted in the summary only."""

FIELDS = ("role", "unit", "bill_rate", "cost_rate", "valid_from")
REQUIRED_FIELDS = ("role", "bill_rate", "cost_rate", "valid_from")
"""``unit`` may be left unmapped: every rate is then per hour."""

FIELD_LABELS = {
    "role": "role",
    "unit": "unit",
    "bill_rate": "bill rate",
    "cost_rate": "cost rate",
    "valid_from": "valid-from date",
}

_SYNONYMS: dict[str, tuple[str, ...]] = {
    "role": ("role", "position", "title"),
    "unit": ("unit",),
    "bill_rate": ("bill", "bill rate", "price", "sell"),
    "cost_rate": ("cost", "cost rate"),
    "valid_from": ("valid from", "from", "date", "effective"),
}

_UNITS = {"hour": "hour", "hours": "hour", "h": "hour", "day": "day", "days": "day", "d": "day"}
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted .xlsx and old .xls files
_ZIP_MAGIC = b"PK\x03\x04"
CSV_SHEET = "CSV"

Action = Literal["add", "update", "same"]


# -- problems --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ImportProblem:
    """What is wrong and where: ``sheet`` ("CSV" for a CSV file), 1-based ``row`` as the user
    sees it (0 for the whole file) and ``column`` letter ("" for a whole row or file)."""

    sheet: str
    row: int
    column: str
    message: str

    @property
    def where(self) -> str:
        if self.row and self.column:
            return f"{self.sheet}!{self.column}{self.row}"
        if self.row:
            return f"{self.sheet}, row {self.row}"
        return self.sheet

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.sheet else self.message


class RateImportError(Exception):
    """Nothing was imported; ``problems`` say what is wrong and where."""

    def __init__(self, problems: Sequence[ImportProblem], *, total: int | None = None) -> None:
        self.problems = tuple(problems)
        self.total = max(total or 0, len(self.problems))
        super().__init__(self.summary())

    def summary(self, first: int = 3) -> str:
        shown = " ".join(str(problem).rstrip(".") + "." for problem in self.problems[:first])
        more = self.total - min(first, len(self.problems))
        if more > 0:
            shown += f" (and {more} more problem{'s' if more > 1 else ''})"
        return f"Nothing was imported. {shown}"

    def __str__(self) -> str:
        return self.summary()


class Problems:
    """Collects problems, keeping the first :data:`MAX_PROBLEMS`."""

    def __init__(self, sheet: str) -> None:
        self.sheet = sheet
        self.items: list[ImportProblem] = []
        self.count = 0

    def add(self, row: int, column: str, message: str) -> None:
        self.count += 1
        if len(self.items) < MAX_PROBLEMS:
            self.items.append(ImportProblem(self.sheet, row, column, message))

    def raise_if_any(self) -> None:
        if self.items:
            raise RateImportError(self.items, total=self.count)


def _file_problem(path: Path, message: str) -> RateImportError:
    return RateImportError([ImportProblem(path.name, 0, "", message)])


def column_letter(index: int) -> str:
    """0 -> "A", 25 -> "Z", 26 -> "AA"."""
    letters = ""
    number = index + 1
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


# -- reading ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TableRow:
    """The raw values of one row below the header; ``number`` is the row the user sees."""

    number: int
    values: tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class RateTable:
    """The header row and the non-empty rows below it, as read from the file."""

    sheet: str
    header_row: int
    headers: list[str]
    rows: list[TableRow]


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read_rate_table(path: Path) -> RateTable:
    """The first sheet of an .xlsx file, or a .csv file (UTF-8, delimiter , ; or tab)."""
    path = Path(path)
    suffix = path.suffix.casefold()
    if suffix not in (".xlsx", ".csv"):
        hint = " Save it as .xlsx first." if suffix in (".xls", ".xlsm", ".ods") else ""
        raise _file_problem(path, f"Only .xlsx and .csv files can be imported.{hint}")
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            start = handle.read(8)
    except FileNotFoundError:
        raise _file_problem(path, "The file does not exist.") from None
    except OSError as error:
        raise _file_problem(path, f"The file cannot be read: {error.strerror}.") from None
    if size > MAX_FILE_BYTES:
        raise _file_problem(
            path, f"The file is too big: {size / 1024 / 1024:.1f} MB, at most 5 MB."
        )
    if suffix == ".xlsx":
        if start.startswith(_OLE_MAGIC):
            raise _file_problem(
                path,
                "The workbook is password-protected (or an old .xls file): "
                "remove the password and save it as .xlsx.",
            )
        if not start.startswith(_ZIP_MAGIC):
            raise _file_problem(path, "This is not an Excel workbook (.xlsx), or it is damaged.")
        sheet, rows = _read_xlsx(path)
    else:
        sheet, rows = CSV_SHEET, _read_csv(path)
    return _table(sheet, rows)


def _read_xlsx(path: Path) -> tuple[str, Iterable[tuple[int, tuple[Any, ...]]]]:
    from openpyxl import load_workbook  # type: ignore[import-untyped, unused-ignore]

    try:
        workbook = load_workbook(path, read_only=True, data_only=False)
    except Exception as error:  # openpyxl raises many kinds for foreign or damaged files
        if "encrypt" in str(error).casefold() or "password" in str(error).casefold():
            raise _file_problem(path, "The workbook is password-protected.") from None
        raise _file_problem(
            path, "This is not an Excel workbook (.xlsx), or it is damaged."
        ) from None
    try:
        if not workbook.worksheets:
            raise _file_problem(path, "The workbook has no sheets.")
        sheet = workbook.worksheets[0]
        title = str(sheet.title)
        try:
            sheet.reset_dimensions()  # some writers record wrong dimensions
            rows: list[tuple[int, tuple[Any, ...]]] = []
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                if not all(_is_empty(value) for value in values):
                    rows.append((number, tuple(values)))
                    if len(rows) > MAX_ROWS + 1:
                        break  # the header and one row too many: enough to refuse
        except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
            raise _file_problem(path, f"The workbook is damaged: {error}.") from None
        return title, rows
    finally:
        workbook.close()


def _read_csv(path: Path) -> list[tuple[int, tuple[Any, ...]]]:
    data = path.read_bytes()
    if b"\x00" in data:
        raise _file_problem(path, "This is not a CSV text file.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise _file_problem(
            path, f"The file is not UTF-8 text (byte {error.start + 1}): save it as CSV UTF-8."
        ) from None
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max((";", "\t", ","), key=first.count) if first else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, tuple[Any, ...]]] = []
    start = 1
    try:
        for values in reader:
            if any(value.strip() for value in values):
                rows.append((start, tuple(values)))
                if len(rows) > MAX_ROWS + 1:
                    break  # the header and one row too many: enough to refuse
            start = reader.line_num + 1
    except csv.Error as error:
        raise _file_problem(path, f"The CSV file is malformed: {error}.") from None
    return rows


def _table(sheet: str, rows: Iterable[tuple[int, tuple[Any, ...]]]) -> RateTable:
    problems = Problems(sheet)
    header_row = 0
    headers: list[str] = []
    body: list[TableRow] = []
    for number, values in rows:
        if all(_is_empty(value) for value in values):
            continue
        for index, value in enumerate(values):
            if isinstance(value, str) and value.lstrip().startswith("="):
                problems.add(
                    number,
                    column_letter(index),
                    "A formula where a value is expected: type the value itself.",
                )
        if not header_row:
            if not any(isinstance(value, str) and value.strip() for value in values):
                problems.add(number, "", "No header row: the first row must name the columns.")
                problems.raise_if_any()
            header_row = number
            headers = ["" if value is None else str(value).strip() for value in values]
            while headers and not headers[-1]:
                headers.pop()
            continue
        body.append(TableRow(number, tuple(values)))
        if len(body) > MAX_ROWS:
            raise RateImportError(
                [
                    ImportProblem(
                        sheet, number, "", f"Too big: more than {MAX_ROWS:,} rows to import."
                    )
                ]
            )
    if not header_row:
        problems.add(0, "", "The file is empty: no header row.")
    problems.raise_if_any()
    return RateTable(sheet, header_row, headers, body)


# -- mapping ---------------------------------------------------------------------------------


def _normalise_header(text: str) -> str:
    return " ".join(re.sub(r"[_\-:./()]+", " ", text).casefold().split())


def match_headers(
    headers: Sequence[str], fields: Sequence[str], synonyms: Mapping[str, Sequence[str]]
) -> dict[str, int | None]:
    """Field -> index of the first header that is one of its synonyms (ignoring case and
    punctuation), each column given to one field at most, in ``fields`` order; or None."""
    normalised = [_normalise_header(header) for header in headers]
    mapping: dict[str, int | None] = {}
    taken: set[int] = set()
    for field in fields:
        found = next(
            (
                index
                for synonym in synonyms[field]
                for index, header in enumerate(normalised)
                if header == synonym and index not in taken
            ),
            None,
        )
        mapping[field] = found
        if found is not None:
            taken.add(found)
    return mapping


def guess_mapping(headers: Sequence[str]) -> dict[str, int | None]:
    """Field -> index of the header that names it (case-insensitive synonyms), or None."""
    return match_headers(headers, FIELDS, _SYNONYMS)


# -- validation ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RateRow:
    """One valid rate read from row ``row`` of the file."""

    row: int
    role: str
    unit: str
    bill_rate: Decimal
    cost_rate: Decimal
    valid_from: date


def build_rates(
    table: RateTable, mapping: Mapping[str, int | None], currency: str, locale: str
) -> list[RateRow]:
    """Every row as a :class:`RateRow` in ``currency``, or a :class:`RateImportError` listing
    every problem (nothing partial)."""
    code = Currency.get(currency)
    problems = Problems(table.sheet)
    columns: dict[str, int | None] = {}
    for field in FIELDS:
        index = mapping.get(field)
        if index is not None and not 0 <= index < max(len(table.headers), 1):
            problems.add(table.header_row, "", f"No column {index + 1} for the {field}.")
            index = None
        if index is None and field in REQUIRED_FIELDS:
            problems.add(
                table.header_row, "", f"Choose the column that holds the {FIELD_LABELS[field]}."
            )
        columns[field] = index
    used: dict[int, str] = {}
    for field, index in columns.items():
        if index is None:
            continue
        if index in used:
            problems.add(
                table.header_row,
                column_letter(index),
                f"Column {column_letter(index)} is chosen for both the "
                f"{FIELD_LABELS[used[index]]} and the {FIELD_LABELS[field]}.",
            )
        else:
            used[index] = field
    problems.raise_if_any()
    if not table.rows:
        problems.add(table.header_row, "", "There are no rates below the header row.")
        problems.raise_if_any()

    rates: list[RateRow] = []
    seen: dict[tuple[str, date], int] = {}
    for row in table.rows:
        cells: dict[str, Any] = {}
        ok = True
        for field, index in columns.items():
            if index is None:
                continue
            value = row.values[index] if index < len(row.values) else None
            letter = column_letter(index)
            try:
                cells[field] = _convert(field, value, code, locale)
            except ValidationError as error:
                problems.add(row.number, letter, error.message)
                ok = False
        if not ok:
            continue
        rate = RateRow(
            row.number,
            cells["role"],
            cells.get("unit", "hour"),
            cells["bill_rate"],
            cells["cost_rate"],
            cells["valid_from"],
        )
        key = (rate.role.casefold(), rate.valid_from)
        if key in seen:
            role_index = columns["role"]
            assert role_index is not None
            problems.add(
                row.number,
                column_letter(role_index),
                f"'{rate.role}' from {rate.valid_from.isoformat()} is also on row {seen[key]}.",
            )
            continue
        seen[key] = row.number
        rates.append(rate)
    problems.raise_if_any()
    return rates


def _convert(field: str, value: Any, currency: Currency, locale: str) -> Any:
    label = FIELD_LABELS[field]
    if _is_empty(value):
        raise ValidationError(field, f"The {label} is empty.")
    if field == "role":
        if not isinstance(value, str | int) or isinstance(value, bool):
            raise ValidationError(field, "Enter the role as text.")
        return rules.clean_name(str(value), field, max_length=120)
    if field == "unit":
        unit = _UNITS.get(str(value).strip().casefold()) if isinstance(value, str) else None
        if unit is None:
            raise ValidationError(field, f"Unknown unit '{value}': use hour or day.")
        return unit
    if field == "valid_from":
        return cell_date(value, "valid_from")
    return _amount(field, value, currency, locale)


def cell_date(value: Any, field: str) -> date:
    """A date from a cell: a date cell (without a time of day) or ``YYYY-MM-DD`` text, from
    1990 to 2200; ``ValidationError(field, ...)`` otherwise."""
    if isinstance(value, datetime):
        if value.time() != datetime.min.time():
            raise ValidationError(field, "Enter a date without a time of day.")
        day = value.date()
    elif isinstance(value, date):
        day = value
    elif isinstance(value, str) and _ISO_DATE.fullmatch(value.strip()):
        try:
            day = date.fromisoformat(value.strip())
        except ValueError:
            raise ValidationError(field, f"'{value.strip()}' is not a real date.") from None
    else:
        raise ValidationError(field, f"'{value}' is not a date: use a date cell or YYYY-MM-DD.")
    if not 1990 <= day.year <= 2200:
        raise ValidationError(field, "Enter a date from 1990 to 2200.")
    return day


def _amount(field: str, value: Any, currency: Currency, locale: str) -> Decimal:
    label = FIELD_LABELS[field]
    if isinstance(value, bool | date):
        raise ValidationError(field, f"The {label} must be a number.")
    if isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, float):
        try:
            amount = Decimal(repr(value))
        except InvalidOperation:
            raise ValidationError(field, f"The {label} must be a number.") from None
        if not amount.is_finite():
            raise ValidationError(field, f"The {label} must be a number.")
    elif isinstance(value, str):
        try:
            amount = parse_decimal(value, locale, field=field)
        except ValidationError as error:
            raise ValidationError(field, f"The {label}: {error.message}.") from None
    else:
        raise ValidationError(field, f"The {label} must be a number.")
    if amount < 0:
        raise ValidationError(field, f"The {label} cannot be negative.")
    try:
        to_minor(amount, currency, field)
    except ValidationError as error:
        raise ValidationError(field, f"The {label} {amount}: {error.message}") from None
    return amount


# -- preview, apply, revert ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RatePreview:
    """What importing one row would do; ``previous_*`` are the current rates of an update."""

    role: str
    unit: str
    bill: Decimal
    cost: Decimal
    valid_from: date
    action: Action
    row: int = 0
    previous_bill: Decimal | None = None
    previous_cost: Decimal | None = None
    previous_unit: str | None = None


@dataclass(frozen=True, slots=True)
class RateUpdate:
    """One existing rate the import changed: (unit, bill minor, cost minor) before and after."""

    rate_id: int
    before: tuple[str, int, int]
    after: tuple[str, int, int]


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What :func:`apply_import` did, enough for :func:`revert_import` to undo it."""

    card_id: int
    added: int
    updated: int
    unchanged: int
    created_ids: tuple[int, ...]
    changes: tuple[RateUpdate, ...]


def _card(session: Any, card_id: int) -> RateCard:
    card = session.get(RateCard, card_id)
    if card is None or card.deleted_at is not None:
        raise NotFoundError(f"No rate card with id {card_id}.")
    return card  # type: ignore[no-any-return]


def _existing(session: Any, card_id: int) -> dict[tuple[str, date], Rate]:
    found: dict[tuple[str, date], Rate] = {}
    rows = session.scalars(select(Rate).where(Rate.rate_card_id == card_id).order_by(Rate.id)).all()
    for rate in rows:
        found.setdefault((rate.role.casefold(), rate.valid_from), rate)
    return found


def _minor_values(
    row: RateRow, currency: Currency, problems: Problems
) -> tuple[str, int, int] | None:
    try:
        return (
            row.unit,
            to_minor(row.bill_rate, currency, "bill_rate"),
            to_minor(row.cost_rate, currency, "cost_rate"),
        )
    except ValidationError as error:
        problems.add(row.row, "", f"{FIELD_LABELS.get(error.field, error.field)}: {error}")
        return None


def _plan(
    session: Any, card_id: int, rows: Sequence[RateRow]
) -> tuple[Currency, list[tuple[RateRow, tuple[str, int, int], Rate | None]]]:
    card = _card(session, card_id)
    currency = Currency.get(card.currency)
    existing = _existing(session, card_id)
    problems = Problems(card.name)
    plan: list[tuple[RateRow, tuple[str, int, int], Rate | None]] = []
    for row in rows:
        if row.unit not in ("hour", "day"):
            problems.add(row.row, "", f"Unknown unit '{row.unit}'.")
            continue
        values = _minor_values(row, currency, problems)
        if values is not None:
            plan.append((row, values, existing.get((row.role.casefold(), row.valid_from))))
    problems.raise_if_any()
    return currency, plan


def _values(rate: Rate) -> tuple[str, int, int]:
    return (rate.unit, rate.bill_rate_minor, rate.cost_rate_minor)


def preview_import(
    services: WorkspaceServices, card_id: int, rows: Sequence[RateRow]
) -> list[RatePreview]:
    """Each row with the action importing it would take; nothing is written."""
    with services.workspace.reading() as session:
        currency, plan = _plan(session, card_id, rows)
        previews: list[RatePreview] = []
        for row, values, current in plan:
            action: Action = "add"
            before: tuple[str, int, int] | None = None
            if current is not None:
                before = _values(current)
                action = "same" if before == values else "update"
            previews.append(
                RatePreview(
                    row.role,
                    row.unit,
                    row.bill_rate,
                    row.cost_rate,
                    row.valid_from,
                    action,
                    row.row,
                    from_minor(before[1], currency) if before else None,
                    from_minor(before[2], currency) if before else None,
                    before[0] if before else None,
                )
            )
        return previews


def apply_import(
    services: WorkspaceServices, card_id: int, rows: Sequence[RateRow]
) -> ImportResult:
    """Add new rates and update changed ones in one transaction: all rows or none."""
    with services.workspace.transaction() as session:
        _currency, plan = _plan(session, card_id, rows)
        created: list[Rate] = []
        changes: list[RateUpdate] = []
        unchanged = 0
        for row, values, current in plan:
            unit, bill, cost = values
            if current is None:
                rate = Rate(
                    rate_card_id=card_id,
                    role=row.role,
                    unit=unit,
                    bill_rate_minor=bill,
                    cost_rate_minor=cost,
                    valid_from=row.valid_from,
                )
                session.add(rate)
                created.append(rate)
            elif _values(current) == values:
                unchanged += 1
            else:
                changes.append(RateUpdate(current.id, _values(current), values))
                current.unit, current.bill_rate_minor, current.cost_rate_minor = values
        session.flush()
        return ImportResult(
            card_id,
            len(created),
            len(changes),
            unchanged,
            tuple(rate.id for rate in created),
            tuple(changes),
        )


def revert_import(services: WorkspaceServices, result: ImportResult) -> None:
    """Undo :func:`apply_import`: remove the rates it added, restore the ones it changed."""
    with services.workspace.transaction() as session:
        for rate_id in result.created_ids:
            rate = session.get(Rate, rate_id)
            if rate is not None:
                session.delete(rate)
        for change in result.changes:
            rate = session.get(Rate, change.rate_id)
            if rate is not None:
                rate.unit, rate.bill_rate_minor, rate.cost_rate_minor = change.before
