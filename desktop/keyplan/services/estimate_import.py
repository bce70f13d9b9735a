"""The round trip: a client-edited client workbook becomes the next draft revision.

1. :func:`read_client_workbook` reads the file the client sent back. It must be *our* estimate
   workbook (the sheet "Estimate", the lines-table header, the estimate number and revision of
   the revision it is compared with); every line row gives description, kind, quantity, unit,
   unit price, discount %, tax % and the optional marker. Anything else is refused with an
   :class:`EstimateImportError` whose problems name the sheet, row and column: a file that is
   not xlsx, password-protected or huge, another estimate's workbook, a formula where a value is
   expected (the Amount and subtotal cells are formulas and are ignored), unreadable numbers,
   more decimals than the currency (or the quantity/percent rules) allow.
2. :func:`plan_round_trip` compares it with the revision: changed lines, removed rows and
   inserted rows, plus a preview the user reads before anything is written.
3. :func:`apply_round_trip` creates the next draft revision and applies the plan to it in one
   batch (updates and new lines) plus one deletion; if anything fails the new revision is
   removed again and the previous one gets its status back. ``services.estimates.diff(old,
   new)`` then gives the diff the user reviews.

Matching lines
--------------
The client file hides nothing (EXPORTS.md), so it carries no line keys. It carries each line's
visible reference instead: the "No." cell holds "2.3" for the third line of the second section
(:func:`keyplan.domain.estimates.line_refs`, the numbering the exporter prints). A section's
lines are the rows between its title row (found by name) and its "Subtotal <name>" row.

- **By reference** (workbooks with references): a row is the line its reference names, wherever
  the row now is: reordered rows and changed descriptions still match, and a row moved into
  another section moves the line there. A row whose "No." is empty is a new line; a line whose
  reference is on no row was removed. A reference that is not a line of the revision, one that
  appears twice, or a number where the reference text was is refused (sheet, row, column).
  The new revision takes the workbook's order of the lines.
- **By description** (workbooks exported before the references, whose "No." cells hold 1, 2,
  ... per section): lines are matched within their section by the order of their descriptions:
  rows whose description is unchanged and in the same order are the same lines; in a stretch
  where rows differ, a row with an empty "No." cell is a new line, and the other rows pair with
  the old lines of that stretch by position (a line whose description changed at the same
  position is that line, changed); what is left over is a removed line or an added one.

A workbook is read by reference when a line row's "No." holds a reference ("1.2"), or when no
line row holds one of the old numbers.

Third-party lines price as cost plus markup (internal, not in the file): a new client price
for one becomes the markup that gives exactly that price on the line's cost (or, at cost 0,
the cost itself); a new third-party line gets the client's price as its cost, markup 0.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from openpyxl import load_workbook  # type: ignore[import-untyped, unused-ignore]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped, unused-ignore]

from keyplan.domain.errors import DomainError, ValidationError
from keyplan.domain.estimates import (
    PERCENT_PLACES,
    QUANTITY_PLACES,
    LineKind,
    line_refs,
    third_party_price,
)
from keyplan.domain.money import Currency
from keyplan.exports.documents import KIND_LABELS
from keyplan.exports.files import safe_text
from keyplan.exports.xlsx.estimate import ESTIMATE_SHEET, MAX_CELL_TEXT
from keyplan.services.estimate_records import (
    EstimateDocument,
    LineDraft,
    LineRecord,
    SectionRecord,
)
from keyplan.services.estimates import BatchValidationError, LineEdit
from keyplan.services.workspace import WorkspaceServices

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_ROWS",
    "EstimateImportError",
    "ImportProblem",
    "LineAddition",
    "LineDeletion",
    "LineMove",
    "LineUpdate",
    "RoundTripPlan",
    "WorkbookEdits",
    "WorkbookLine",
    "WorkbookSection",
    "apply_round_trip",
    "plan_round_trip",
    "read_client_workbook",
]

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # a small zip that unpacks to this much is a bomb
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTION_INFO = "EncryptionInfo".encode("utf-16-le")

# the lines-table titles the exporter writes (see exports.xlsx.estimate), by field
_TITLES = {
    "no": "No.",
    "description": "Description",
    "kind": "Kind",
    "quantity": "Qty",
    "unit": "Unit",
    "unit_price": "Unit price",
    "discount": "Disc. %",
    "tax": "Tax %",
    "amount": "Amount",
    "optional": "Optional",
}
_REQUIRED = tuple(key for key in _TITLES if key != "amount")
_LINE_KEYS = (
    "description",
    "kind",
    "quantity",
    "unit",
    "unit_price",
    "discount",
    "tax",
    "optional",
)
_KINDS = {label.casefold(): kind for kind, label in KIND_LABELS.items()} | {
    kind.value.casefold(): kind for kind in LineKind
}
_PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?")
# what a line reference looks like ("2.3"; a change order's "CO1-2.3"): the workbook has them
_REF_SHAPE = re.compile(r"(?:[A-Za-z]+\d*-)?\d+\.\d+")
_GROUPED_NUMBER = re.compile(r"-?\d{1,3}(,\d{3})+(\.\d+)?")


# -- problems ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportProblem:
    """What is wrong, and where: sheet, 1-based row and column letter (None: the whole file)."""

    sheet: str | None
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = []
        if self.sheet:
            where.append(f"sheet '{self.sheet}'")
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.message}" if where else self.message


class EstimateImportError(DomainError):
    """The workbook was refused; ``problems`` says where and why. Nothing was imported."""

    def __init__(self, problems: Sequence[ImportProblem]) -> None:
        self.problems = tuple(problems)
        first = str(self.problems[0]) if self.problems else "the workbook was refused"
        more = f" (and {len(self.problems) - 1} more)" if len(self.problems) > 1 else ""
        super().__init__(f"Nothing was imported: {first}{more}")


# -- what the workbook says ----------------------------------------------------------------


@dataclass(frozen=True)
class WorkbookLine:
    """One line row as the client left it; ``None``: the cell is empty."""

    row: int
    number: int | None  # a whole number in "No.": exports before the references (1, 2, ...)
    description: str
    kind: LineKind | None
    quantity: Decimal | None
    unit: str
    unit_price: Decimal | None
    discount_percent: Decimal  # an empty cell is 0
    tax_rate: Decimal | None
    optional: bool
    ref: str = ""  # the "No." cell as text ("2.3"); "" when empty


@dataclass(frozen=True)
class WorkbookSection:
    name: str
    title_row: int
    subtotal_row: int
    lines: tuple[WorkbookLine, ...]


@dataclass(frozen=True)
class WorkbookEdits:
    """A client workbook read back: the revision it is, and its sections' line rows."""

    path: Path
    sheet: str
    number: str
    revision: int
    currency: str
    header_row: int
    columns: Mapping[str, str]  # field -> column letter, as found by the header titles
    sections: tuple[WorkbookSection, ...]
    by_ref: bool = False  # lines are matched by their "No." reference (see the module)


# -- reading -------------------------------------------------------------------------------


def _place(problem: ImportProblem) -> tuple[int, str]:
    """Problems in the order of the sheet: by row, then column."""
    return (problem.row or 0, problem.column or "")


def _refuse(message: str, sheet: str | None = None, row: int | None = None) -> EstimateImportError:
    return EstimateImportError([ImportProblem(sheet, row, None, message)])


def _check_container(path: Path, data: bytes) -> None:
    if len(data) > MAX_FILE_BYTES:
        raise _refuse(
            f"{path.name} is {len(data) / 1024 / 1024:.1f} MB; an estimate workbook is at most "
            f"{MAX_FILE_BYTES // 1024 // 1024} MB."
        )
    if data.startswith(_OLE_MAGIC):
        if _ENCRYPTION_INFO in data:
            raise _refuse(
                f"{path.name} is password-protected: save it without a password and import again."
            )
        raise _refuse(f"{path.name} is an old Excel (.xls) file: save it as .xlsx and try again.")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise _refuse(f"{path.name} is not an Excel workbook (.xlsx).")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _refuse(f"{path.name} is not a readable .xlsx file ({exc}).") from exc
    if "xl/workbook.xml" not in names:
        raise _refuse(f"{path.name} is not an Excel workbook (.xlsx).")
    if unpacked > MAX_UNPACKED_BYTES:
        raise _refuse(f"{path.name} unpacks to {unpacked // 1024 // 1024} MB: too large.")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


class _Reader:
    def __init__(self, ws: Any, document: EstimateDocument) -> None:
        self.ws = ws
        self.sheet = ws.title
        self.document = document
        self.currency = Currency.get(document.currency)
        self.problems: list[ImportProblem] = []
        self.columns: dict[str, str] = {}

    def problem(self, row: int | None, key: str | None, message: str) -> None:
        column = None
        if key is not None:
            letter = self.columns.get(key, key)
            title = _TITLES.get(key)
            column = f"{letter} ({title})" if title else letter
        self.problems.append(ImportProblem(self.sheet, row, column, message))

    def cell(self, row: int, key: str) -> Any:
        return self.ws[f"{self.columns[key]}{row}"]

    def raw(self, row: int, key: str) -> str:
        """The cell as text for finding rows (a formula counts as nothing)."""
        cell = self.cell(row, key)
        return "" if cell.data_type == "f" else _text(cell.value)

    def empty(self, row: int, key: str) -> bool:
        return _text(self.cell(row, key).value) == ""

    # -- the header block and the table header -----------------------------------------------

    def find_header_row(self) -> int:
        for row in range(1, min(self.ws.max_row, 200) + 1):
            titles: dict[str, str] = {}
            for column in range(1, min(self.ws.max_column, 60) + 1):
                text = _text(self.ws.cell(row, column).value)
                for key, title in _TITLES.items():
                    if text == title and key not in titles:
                        titles[key] = get_column_letter(column)
            if "description" in titles and "quantity" in titles:
                missing = [_TITLES[key] for key in _REQUIRED if key not in titles]
                if missing:
                    raise EstimateImportError(
                        [
                            ImportProblem(
                                self.sheet,
                                row,
                                None,
                                f"the lines table has no column {', '.join(missing)}: "
                                "put the column back as it was exported",
                            )
                        ]
                    )
                self.columns = titles
                return row
        raise _refuse(
            "this is not a Keyplan estimate workbook: no lines table (No., Description, Qty...)",
            self.sheet,
        )

    def header_value(self, label: str, last_row: int) -> tuple[Any, int, str] | None:
        """The value right of the label ``label`` in the estimate block, with its cell."""
        for row in range(1, last_row):
            for column in range(1, min(self.ws.max_column, 60) + 1):
                if _text(self.ws.cell(row, column).value) != label:
                    continue
                for right in range(column + 1, min(self.ws.max_column, 60) + 1):
                    value = self.ws.cell(row, right).value
                    if _text(value):
                        return value, row, get_column_letter(right)
        return None

    def check_identity(self, header_row: int) -> tuple[str, int, str]:
        document = self.document
        number = self.header_value("Estimate no.", header_row)
        revision = self.header_value("Revision", header_row)
        if number is None or revision is None:
            raise _refuse(
                "this is not a Keyplan estimate workbook: the estimate number and revision are "
                "missing from the header",
                self.sheet,
            )
        number_text = _text(number[0])
        try:
            revision_number = int(Decimal(_text(revision[0])))
        except (InvalidOperation, ValueError):
            revision_number = -1
        if number_text != document.number or revision_number != document.revision:
            raise EstimateImportError(
                [
                    ImportProblem(
                        self.sheet,
                        number[1],
                        number[2],
                        f"this workbook is estimate {number_text} rev {_text(revision[0])}, "
                        f"not {document.number} rev {document.revision}",
                    )
                ]
            )
        currency = self.header_value("Currency", header_row)
        code = _text(currency[0]).upper() if currency else self.currency.code
        if currency and code != self.currency.code:
            raise EstimateImportError(
                [
                    ImportProblem(
                        self.sheet,
                        currency[1],
                        currency[2],
                        f"this workbook is in {code}; the estimate is in {self.currency.code}",
                    )
                ]
            )
        return number_text, revision_number, code

    # -- values ------------------------------------------------------------------------------

    def no_formula(self, row: int, key: str) -> Any:
        cell = self.cell(row, key)
        if cell.data_type == "f":
            kind = "a number" if key in ("quantity", "unit_price", "discount", "tax") else "text"
            self.problem(row, key, f"a formula ({cell.value}) where {kind} is expected")
            return None
        return cell.value

    def text_value(self, row: int, key: str) -> str:
        value = self.no_formula(row, key)
        if value is None:
            return ""
        if isinstance(value, str):
            return value.strip() if key != "description" else value.strip("\r\n\t ")
        return _text(value)

    def number(self, row: int, key: str, places: int, what: str) -> Decimal | None:
        value = self.no_formula(row, key)
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        number: Decimal | None = None
        percent_text = False
        if isinstance(value, bool):
            number = None
        elif isinstance(value, int | Decimal):
            number = Decimal(value)
        elif isinstance(value, float):
            number = Decimal(repr(value))
        elif isinstance(value, str):
            text = value.strip().replace("\u00a0", "").replace(" ", "")
            if key in ("discount", "tax") and text.endswith("%"):
                text, percent_text = text[:-1], True
            if _GROUPED_NUMBER.fullmatch(text):
                text = text.replace(",", "")
            if _PLAIN_NUMBER.fullmatch(text):
                number = Decimal(text)
        if number is None or not number.is_finite():
            self.problem(row, key, f"{_text(value)!r} is not a number")
            return None
        if key in ("discount", "tax"):
            if isinstance(value, str) and not percent_text:
                self.problem(row, key, f"write the percentage as 10%, not {value.strip()!r}")
                return None
            if not percent_text:
                number = number.scaleb(2)  # the cell holds a fraction shown as %
        exponent = number.normalize().as_tuple().exponent
        decimals = -exponent if isinstance(exponent, int) and exponent < 0 else 0
        if decimals > places:
            allowed = "no decimals" if places == 0 else f"at most {places} decimals"
            self.problem(row, key, f"{what} {_text(value)} has {decimals} decimals; {allowed}")
            return None
        return number

    def line(self, row: int) -> WorkbookLine:
        number_value = self.cell(row, "no").value
        number = None
        if isinstance(number_value, int | float) and not isinstance(number_value, bool):
            number = int(number_value)
        elif _text(number_value).isdigit():
            number = int(_text(number_value))
        ref = _text(number_value) if isinstance(number_value, str) else ""
        kind_text = self.text_value(row, "kind")
        kind = _KINDS.get(kind_text.casefold()) if kind_text else None
        if kind_text and kind is None:
            labels = ", ".join(KIND_LABELS.values())
            self.problem(row, "kind", f"{kind_text!r} is not a kind of line ({labels})")
        code = self.currency.code
        return WorkbookLine(
            row=row,
            number=number,
            description=self.text_value(row, "description"),
            kind=kind,
            quantity=self.number(row, "quantity", QUANTITY_PLACES, "the quantity"),
            unit=self.text_value(row, "unit"),
            unit_price=self.number(row, "unit_price", self.currency.minor_units, f"a {code} price"),
            discount_percent=self.number(row, "discount", PERCENT_PLACES, "the discount")
            or Decimal(0),
            tax_rate=self.number(row, "tax", PERCENT_PLACES, "the tax rate"),
            optional=self.text_value(row, "optional") != "",
            ref=ref,
        )

    # -- references ----------------------------------------------------------------------------

    def check_refs(self, sections: Sequence[WorkbookSection]) -> None:
        """Every "No." of a workbook read by reference names one line of the revision, once."""
        known = set(line_refs(self.document.priced).values())
        document = self.document
        seen: dict[str, int] = {}
        empty_it = "leave No. empty for a new line"
        for section in sections:
            for line in section.lines:
                cell = self.cell(line.row, "no")
                if cell.data_type == "f":
                    self.problem(
                        line.row,
                        "no",
                        f"a formula ({cell.value}) where the line's reference is expected: "
                        f"put back the reference it was exported with, or {empty_it}",
                    )
                elif line.number is not None and not isinstance(cell.value, str):
                    self.problem(
                        line.row,
                        "no",
                        f"the number {_text(cell.value)} where the line's reference is expected "
                        f"(text, as exported: 1.2): put back the reference, or {empty_it}",
                    )
                elif not line.ref:
                    continue
                elif line.ref not in known:
                    self.problem(
                        line.row,
                        "no",
                        f"{line.ref!r} is not a line of {document.number} rev "
                        f"{document.revision}: put back the reference the row was exported "
                        f"with, or {empty_it}",
                    )
                elif line.ref in seen:
                    self.problem(
                        line.row,
                        "no",
                        f"line {line.ref} is on row {seen[line.ref]} too: a line is on one row "
                        f"only; for a copy, {empty_it}",
                    )
                else:
                    seen[line.ref] = line.row

    # -- sections ----------------------------------------------------------------------------

    def has_line_content(self, row: int) -> bool:
        return any(not self.empty(row, key) for key in _LINE_KEYS)

    def sections(self, header_row: int) -> tuple[WorkbookSection, ...]:
        last = self.ws.max_row
        row = header_row + 1
        found: list[WorkbookSection] = []
        for record in self.document.sections:
            name = safe_text(record.name)[:MAX_CELL_TEXT]
            start = row
            title = next(
                (
                    r
                    for r in range(start, last + 1)
                    if self.raw(r, "description") == name
                    and all(self.empty(r, key) for key in ("kind", "quantity", "unit_price"))
                ),
                None,
            )
            if title is None:
                raise _refuse(
                    f"the section {name!r} is missing (looked from row {start} down); "
                    "sections cannot be removed or renamed in the workbook",
                    self.sheet,
                    start,
                )
            self.outside(start, title)
            label = safe_text(f"Subtotal {record.name}")[:MAX_CELL_TEXT]
            subtotal = next(
                (r for r in range(title + 1, last + 1) if self.raw(r, "description") == label),
                None,
            )
            if subtotal is None:
                raise _refuse(
                    f"the row {label!r} that ends the section {name!r} is missing",
                    self.sheet,
                    title,
                )
            lines = tuple(
                self.line(r) for r in range(title + 1, subtotal) if self.has_line_content(r)
            )
            found.append(WorkbookSection(name, title, subtotal, lines))
            row = subtotal + 1
        # rows typed between the last section and the totals would silently be lost
        totals = next(
            (r for r in range(row, last + 1) if self.raw(r, "unit_price") == "Subtotal"),
            None,
        )
        if totals is not None:
            self.outside(row, totals)
        return tuple(found)

    def outside(self, first: int, stop: int) -> None:
        """Rows between sections must stay empty: a line there belongs to no section."""
        for r in range(first, stop):
            if any(not self.empty(r, key) for key in ("description", "kind", "quantity")):
                self.problem(
                    r, None, "this row is outside every section: move it into a section's lines"
                )


def read_client_workbook(path: Path, document: EstimateDocument) -> WorkbookEdits:
    """Read the client workbook at ``path`` exported from ``document``'s revision.

    Raises :class:`EstimateImportError` (every problem with sheet, row and column) when the
    file is not our estimate workbook of that revision or holds values that cannot be taken.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise _refuse(f"{path.name} cannot be read: {exc.strerror or exc}") from exc
    _check_container(path, data)
    try:
        workbook = load_workbook(io.BytesIO(data), data_only=False)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise _refuse(f"{path.name} is not a readable .xlsx file ({exc}).") from exc
    try:
        if ESTIMATE_SHEET not in workbook.sheetnames:
            raise _refuse(
                f"this is not a Keyplan estimate workbook: it has no sheet {ESTIMATE_SHEET!r}"
            )
        ws = workbook[ESTIMATE_SHEET]
        if ws.max_row > MAX_ROWS:
            raise _refuse(
                f"the sheet has {ws.max_row} rows; an estimate workbook has at most {MAX_ROWS}",
                ESTIMATE_SHEET,
            )
        reader = _Reader(ws, document)
        header_row = reader.find_header_row()
        number, revision, currency = reader.check_identity(header_row)
        sections = reader.sections(header_row)
        lines = [line for section in sections for line in section.lines]
        by_ref = any(_REF_SHAPE.fullmatch(line.ref) for line in lines) or all(
            line.number is None for line in lines
        )
        if by_ref:
            reader.check_refs(sections)
        if reader.problems:
            raise EstimateImportError(sorted(reader.problems, key=_place))
        return WorkbookEdits(
            path=path,
            sheet=ESTIMATE_SHEET,
            number=number,
            revision=revision,
            currency=currency,
            header_row=header_row,
            columns=dict(reader.columns),
            sections=sections,
            by_ref=by_ref,
        )
    finally:
        workbook.close()


# -- the plan ------------------------------------------------------------------------------


@dataclass(frozen=True)
class LineUpdate:
    """An existing line (by key: ids change with the revision) and its new field values."""

    line_key: str
    section_name: str
    row: int
    description: str  # as it was
    changes: Mapping[str, Any]  # service fields -> new value (third-party: markup/cost)
    shown: Mapping[str, tuple[Any, Any]]  # client fields -> (old, new), for the preview


@dataclass(frozen=True)
class LineAddition:
    section_key: str
    section_name: str
    position: int  # in the section, counting every old line (deletions come after)
    row: int
    draft: LineDraft


@dataclass(frozen=True)
class LineDeletion:
    line_key: str
    section_name: str
    description: str


@dataclass(frozen=True)
class LineMove:
    """A line the client moved: to another place in its section, or into another section."""

    line_key: str
    section_key: str  # where it is now
    section_name: str
    row: int
    description: str  # as it was
    from_section: str = ""  # the name of the section it came from; "" within its section


# the final order of a section's lines: the key of a kept line, the workbook row of an added one
LineOrder = tuple[str | int, ...]


@dataclass(frozen=True)
class RoundTripPlan:
    revision_id: int
    number: str
    revision: int
    updates: tuple[LineUpdate, ...] = ()
    additions: tuple[LineAddition, ...] = ()
    deletions: tuple[LineDeletion, ...] = ()
    preview: tuple[str, ...] = field(default=())
    sheet: str = ESTIMATE_SHEET
    columns: Mapping[str, str] = field(default_factory=dict)
    moves: tuple[LineMove, ...] = ()
    order: Mapping[str, LineOrder] = field(default_factory=dict)  # section key -> its lines

    @property
    def is_empty(self) -> bool:
        return not (self.updates or self.additions or self.deletions or self.moves)


_SHOWN_NAMES = {
    "description": "description",
    "kind": "kind",
    "quantity": "quantity",
    "unit": "unit",
    "unit_price": "unit price",
    "discount_percent": "discount %",
    "tax_rate": "tax %",
    "optional": "optional",
}
_FIELD_KEYS = {  # service field -> workbook column key
    "description": "description",
    "kind": "kind",
    "quantity": "quantity",
    "unit": "unit",
    "unit_price": "unit_price",
    "discount_percent": "discount",
    "tax_rate": "tax",
    "optional": "optional",
    "markup_percent": "unit_price",
    "unit_cost": "unit_price",
}


def _show(value: Any) -> str:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value else "0"
    if isinstance(value, LineKind):
        return KIND_LABELS[value]
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(value)
    return repr(text if len(text) <= 60 else text[:57] + "...")


def _align(old: Sequence[LineRecord], new: Sequence[WorkbookLine]) -> list[tuple[Any, Any]]:
    """(old line or None, workbook line or None) pairs in the section's final order."""
    matcher = SequenceMatcher(
        a=[safe_text(line.description)[:MAX_CELL_TEXT] for line in old],
        b=[line.description for line in new],
        autojunk=False,
    )
    pairs: list[tuple[Any, Any]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pairs += list(zip(old[i1:i2], new[j1:j2], strict=True))
            continue
        olds = list(old[i1:i2])
        # a row without a "No." is one the client inserted; the others were ours
        numbered = [line for line in new[j1:j2] if line.number is not None]
        partner = dict(zip((id(line) for line in numbered), olds, strict=False))
        paired = set(map(id, partner.values()))
        for line in new[j1:j2]:
            match = partner.get(id(line))
            if match is None:
                pairs.append((None, line))
            else:
                pairs.append((match, line))
        pairs += [(line, None) for line in olds if id(line) not in paired]
    return pairs


Pairs = list[tuple[LineRecord | None, WorkbookLine | None]]


class _Planner:
    def __init__(self, document: EstimateDocument, edits: WorkbookEdits) -> None:
        self.document = document
        self.edits = edits
        self.currency = Currency.get(document.currency)
        self.problems: list[ImportProblem] = []
        self.home = {line.key: section for section in document.sections for line in section.lines}

    def by_ref(self) -> list[Pairs]:
        """Per section, (old line or None, workbook line) in the workbook's order, then
        (old line, None) for the section's lines whose reference is on no row."""
        refs = line_refs(self.document.priced)
        lines = {line.key: line for line in self.document.lines}
        by_ref = {ref: lines[key] for key, ref in refs.items()}
        found: dict[str, int] = {}
        paired: list[Pairs] = []
        for section in self.edits.sections:
            pairs: Pairs = []
            for new in section.lines:
                old = by_ref.get(new.ref) if new.ref else None
                if new.ref and old is None:  # read_client_workbook refuses these already
                    self.problem(new.row, "no", f"{new.ref!r} is not a line of this revision")
                elif old is not None and old.key in found:
                    self.problem(new.row, "no", f"line {new.ref} is on row {found[old.key]} too")
                elif old is not None:
                    found[old.key] = new.row
                pairs.append((old, new))
            paired.append(pairs)
        for record, pairs in zip(self.document.sections, paired, strict=True):
            pairs += [(line, None) for line in record.lines if line.key not in found]
        return paired

    def moves(self, record: SectionRecord, pairs: Pairs) -> dict[str, LineMove]:
        """The kept lines of ``pairs`` that moved: from another section, or out of order."""
        kept = [(old, new) for old, new in pairs if old is not None and new is not None]
        stayed = [old.key for old, _ in kept if self.home[old.key].key == record.key]
        before = [line.key for line in record.lines if line.key in set(stayed)]
        matcher = SequenceMatcher(a=before, b=stayed, autojunk=False)
        in_place = {
            key for a, _, size in matcher.get_matching_blocks() for key in before[a : a + size]
        }
        moved: dict[str, LineMove] = {}
        for old, new in kept:
            home = self.home[old.key]
            if home.key != record.key or old.key not in in_place:
                source = home.name if home.key != record.key else ""
                moved[old.key] = LineMove(
                    old.key, record.key, record.name, new.row, old.description, source
                )
        return moved

    def problem(self, row: int, field_name: str, message: str) -> None:
        key = _FIELD_KEYS.get(field_name, field_name)
        letter = self.edits.columns.get(key)
        title = _TITLES.get(key)
        column = f"{letter} ({title})" if letter and title else letter
        self.problems.append(ImportProblem(self.edits.sheet, row, column, message))

    def third_party(
        self, old: LineRecord | None, price: Decimal, row: int
    ) -> dict[str, Any] | None:
        """The cost/markup giving exactly ``price`` (the price of a third-party line follows)."""
        cost = old.unit_cost if old is not None else Decimal(0)
        if cost <= 0:
            return {"unit_cost": price, "markup_percent": Decimal(0)}
        markup = ((price / cost - 1) * 100).quantize(Decimal(1).scaleb(-PERCENT_PLACES))
        try:
            exact = third_party_price(cost, markup, self.currency) == price
        except (DomainError, ArithmeticError, ValueError):
            exact = False
        if not exact:
            self.problem(
                row,
                "unit_price",
                f"the third-party price {_show(price)} cannot be reached from the line's cost: "
                "change this line in Keyplan",
            )
            return None
        return {"markup_percent": markup}

    def update(self, section_name: str, old: LineRecord, new: WorkbookLine) -> LineUpdate | None:
        values: dict[str, Any] = {
            "description": new.description,
            "kind": new.kind,
            "quantity": new.quantity,
            "unit": new.unit,
            "unit_price": new.unit_price,
            "discount_percent": new.discount_percent,
            "tax_rate": new.tax_rate,
            "optional": new.optional,
        }
        current: dict[str, Any] = {
            "description": safe_text(old.description)[:MAX_CELL_TEXT],
            "kind": LineKind(old.kind),
            "quantity": old.quantity,
            "unit": safe_text(old.unit),
            "unit_price": old.unit_price,
            "discount_percent": old.discount_percent,
            "tax_rate": old.tax_rate,
            "optional": old.optional,
        }
        shown: dict[str, tuple[Any, Any]] = {}
        for name, value in values.items():
            if value is None:  # an emptied kind/tax cell keeps the value; qty/price: see below
                if name in ("quantity", "unit_price"):
                    self.problem(new.row, name, f"the {_SHOWN_NAMES[name]} is empty")
                continue
            if value != current[name]:
                shown[name] = (current[name], value)
        if not shown:
            return None
        changes: dict[str, Any] = {
            name: (after.value if isinstance(after, LineKind) else after)
            for name, (_, after) in shown.items()
        }
        kind = new.kind or LineKind(old.kind)
        if kind is LineKind.THIRD_PARTY and "unit_price" in changes:
            pricing = self.third_party(old, changes.pop("unit_price"), new.row)
            if pricing is None:
                return None
            changes.update(pricing)
        return LineUpdate(old.key, section_name, new.row, old.description, changes, shown)

    def addition(
        self, section_key: str, section_name: str, position: int, new: WorkbookLine
    ) -> LineAddition | None:
        missing = [
            name
            for name, value in (
                ("kind", new.kind),
                ("quantity", new.quantity),
                ("unit_price", new.unit_price),
            )
            if value is None
        ]
        if not new.description:
            missing.insert(0, "description")
        for name in missing:
            self.problem(new.row, name, f"a new line needs its {_SHOWN_NAMES[name]}")
        if missing:
            return None
        assert new.kind is not None and new.quantity is not None and new.unit_price is not None
        values: dict[str, Any] = {
            "kind": new.kind.value,
            "description": new.description,
            "quantity": new.quantity,
            "unit": new.unit,
            "unit_price": new.unit_price,
            "discount_percent": new.discount_percent,
            "tax_rate": new.tax_rate,
            "optional": new.optional,
        }
        if new.kind is LineKind.THIRD_PARTY:
            values.update(unit_cost=new.unit_price, markup_percent=Decimal(0))
        return LineAddition(section_key, section_name, position, new.row, LineDraft(**values))

    def plan(self) -> RoundTripPlan:
        updates: list[LineUpdate] = []
        additions: list[LineAddition] = []
        deletions: list[LineDeletion] = []
        moves: list[LineMove] = []
        order: dict[str, LineOrder] = {}
        preview: list[str] = []
        if self.edits.by_ref:
            paired = self.by_ref()
        else:
            paired = [
                _align(record.lines, section.lines)
                for record, section in zip(self.document.sections, self.edits.sections, strict=True)
            ]
        for record, pairs in zip(self.document.sections, paired, strict=True):
            moved = self.moves(record, pairs) if self.edits.by_ref else {}
            order[record.key] = tuple(
                old.key if old is not None else new.row for old, new in pairs if new is not None
            )
            for position, (old, new) in enumerate(pairs):
                if old is not None and new is not None:
                    update = self.update(record.name, old, new)
                    if update is not None:
                        updates.append(update)
                        what = "; ".join(
                            f"{_SHOWN_NAMES[name]} {_show(before)} → {_show(after)}"
                            for name, (before, after) in update.shown.items()
                        )
                        preview.append(
                            f"{record.name}: line {_show(old.description)} (row {new.row}): {what}"
                        )
                    move = moved.get(old.key)
                    if move is not None:
                        moves.append(move)
                        where = (
                            f"moved here from {move.from_section}"
                            if move.from_section
                            else f"moved to place {order[record.key].index(old.key) + 1}"
                        )
                        preview.append(
                            f"{record.name}: line {_show(old.description)} (row {new.row}): {where}"
                        )
                elif new is not None:
                    addition = self.addition(record.key, record.name, position, new)
                    if addition is not None:
                        additions.append(addition)
                        draft = addition.draft
                        extra = " (optional)" if draft.optional else ""
                        note = (
                            " — its net cost is set to the price: check it"
                            if draft.kind == LineKind.THIRD_PARTY.value
                            else ""
                        )
                        preview.append(
                            f"{record.name}: new line {_show(draft.description)} (row {new.row}): "
                            f"{_show(draft.quantity)} {draft.unit} × {_show(draft.unit_price)}"
                            f"{extra}{note}".replace("  ×", " ×")
                        )
                elif old is not None:
                    deletions.append(LineDeletion(old.key, record.name, old.description))
                    preview.append(
                        f"{record.name}: line {_show(old.description)} removed (its row is gone)"
                    )
        if self.problems:
            raise EstimateImportError(self.problems)
        return RoundTripPlan(
            revision_id=self.document.revision_id,
            number=self.document.number,
            revision=self.document.revision,
            updates=tuple(updates),
            additions=tuple(additions),
            deletions=tuple(deletions),
            preview=tuple(preview),
            sheet=self.edits.sheet,
            columns=dict(self.edits.columns),
            moves=tuple(moves),
            order=order,
        )


def plan_round_trip(
    services: WorkspaceServices, revision_id: int, edits: WorkbookEdits
) -> RoundTripPlan:
    """What the workbook changes in revision ``revision_id``: updates, additions, deletions."""
    document = services.estimates.document(revision_id)
    if (edits.number, edits.revision) != (document.number, document.revision):
        raise _refuse(
            f"this workbook is estimate {edits.number} rev {edits.revision}, "
            f"not {document.number} rev {document.revision}",
            edits.sheet,
        )
    if len(edits.sections) != len(document.sections):
        raise _refuse("the workbook's sections are not the estimate's", edits.sheet)
    return _Planner(document, edits).plan()


# -- applying ------------------------------------------------------------------------------


def _batch_problems(
    plan: RoundTripPlan, rows: Sequence[int], keys: Sequence[str], exc: BatchValidationError
) -> list[ImportProblem]:
    problems = []
    for index, name, message in exc.problems:
        row = rows[index] if 0 <= index < len(rows) else None
        key = _FIELD_KEYS.get(name, keys[index] if 0 <= index < len(keys) else "")
        letter = plan.columns.get(key)
        title = _TITLES.get(key)
        column = f"{letter} ({title})" if letter and title else letter
        problems.append(ImportProblem(plan.sheet, row, column, message))
    return problems


def apply_round_trip(services: WorkspaceServices, revision_id: int, plan: RoundTripPlan) -> int:
    """Create the next draft revision with ``plan`` applied; returns its id.

    All or nothing: if any change is refused, the new revision is removed and revision
    ``revision_id`` gets its status back. Raises ``ValidationError`` when ``revision_id`` is
    still a draft (edit it directly), is not the latest revision, or the plan is empty, and
    :class:`EstimateImportError` (with the workbook rows) when a change is refused.
    """
    estimates = services.estimates
    document = estimates.document(revision_id)
    if plan.revision_id != revision_id:
        raise ValidationError("revision", "This plan was made for another revision.")
    if document.status == "draft":
        raise ValidationError(
            "status",
            f"Revision {document.revision} is still a draft: edit it directly "
            "(a client workbook becomes a new revision of a sent estimate).",
        )
    if not document.is_latest:
        latest = document.revisions[-1].revision if document.revisions else document.revision
        raise ValidationError(
            "revision",
            f"The workbook is revision {document.revision}, but the estimate is at revision "
            f"{latest} now: export the latest revision and send it again.",
        )
    if plan.is_empty:
        raise ValidationError("plan", "The workbook has no changes to import.")
    # one transaction: a refusal, a crash or a kill leaves the estimate exactly as it was
    with services.workspace.atomic():
        new_id = estimates.revise(document.estimate_id)
        _apply(services, new_id, plan)
    return new_id


def _apply(services: WorkspaceServices, new_id: int, plan: RoundTripPlan) -> None:
    estimates = services.estimates
    revised = estimates.document(new_id)
    line_ids = {line.key: line.id for line in revised.lines}
    section_ids = {section.key: section.id for section in revised.sections}
    edits: list[LineEdit] = []
    rows: list[int] = []
    keys: list[str] = []
    added: list[int] = []  # the workbook rows of the new lines, in the order they are made
    for update in plan.updates:
        edits.append(LineEdit(dict(update.changes), line_id=line_ids[update.line_key]))
        rows.append(update.row)
        keys.append(_FIELD_KEYS.get(next(iter(update.changes), ""), ""))
    for addition in sorted(plan.additions, key=lambda a: (a.section_key, a.position)):
        values = {
            name: getattr(addition.draft, name) for name in addition.draft.__dataclass_fields__
        }
        edits.append(
            LineEdit(
                values, section_id=section_ids[addition.section_key], position=addition.position
            )
        )
        rows.append(addition.row)
        keys.append("description")
        added.append(addition.row)
    created: tuple[int, ...] = ()
    try:
        if edits:
            created = estimates.apply_batch(edits).created
    except BatchValidationError as exc:
        raise EstimateImportError(_batch_problems(plan, rows, keys, exc)) from exc
    if plan.deletions:
        estimates.delete_lines(line_ids[deletion.line_key] for deletion in plan.deletions)
    if plan.order:
        _arrange(services, new_id, plan.order, dict(zip(added, created, strict=True)))


def _arrange(
    services: WorkspaceServices,
    new_id: int,
    order: Mapping[str, LineOrder],
    created: dict[int, int],
) -> None:
    """Put the lines of revision ``new_id`` in the workbook's order (moving only what differs).

    ``order`` names kept lines by key and new lines by workbook row (``created``: row -> id).
    """
    estimates = services.estimates
    revised = estimates.document(new_id)
    section_ids = {section.key: section.id for section in revised.sections}
    line_ids = {line.key: line.id for line in revised.lines}
    current = {section.id: [line.id for line in section.lines] for section in revised.sections}
    home = {line_id: section_id for section_id, ids in current.items() for line_id in ids}
    for section_key, entries in order.items():
        target = section_ids[section_key]
        for position, entry in enumerate(entries):
            line_id = line_ids[entry] if isinstance(entry, str) else created[entry]
            if current[target][position : position + 1] == [line_id]:
                continue
            estimates.move_line(line_id, target, position)  # as move_line does it:
            current[home[line_id]].remove(line_id)
            current[target].insert(position, line_id)
            home[line_id] = target
