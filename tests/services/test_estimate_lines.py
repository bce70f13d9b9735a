"""Estimate sections and lines through the service, and batches (a paste): all or nothing."""

from __future__ import annotations

import dataclasses
import hashlib
import sqlite3
import uuid
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from keyplan.domain.errors import NotFoundError, ValidationError
from keyplan.services.estimate_records import EstimateDocument, LineDraft
from keyplan.services.estimates import BatchValidationError, LineEdit
from keyplan.services.records import AccountDraft
from keyplan.services.workspace import WorkspaceServices

D = Decimal
DAY = date(2026, 3, 2)


def fingerprint(services: WorkspaceServices, folder: Path) -> str:
    """sha256 of an SQL dump of a consistent copy of the whole workspace file."""
    copy = services.save_copy(folder / f"fingerprint-{uuid.uuid4().hex}.keyplan")
    connection = sqlite3.connect(copy)
    try:
        dump = "\n".join(connection.iterdump())
    finally:
        connection.close()
    copy.unlink()
    return hashlib.sha256(dump.encode()).hexdigest()


def layout(doc: EstimateDocument) -> list[tuple[str, list[str]]]:
    """Section names with their line descriptions, checking positions are 0..n-1."""
    assert [s.position for s in doc.sections] == list(range(len(doc.sections)))
    for section in doc.sections:
        assert [line.position for line in section.lines] == list(range(len(section.lines)))
        assert all(line.section_id == section.id for line in section.lines)
    return [(s.name, [line.description for line in s.lines]) for s in doc.sections]


class Sheet:
    """A draft estimate with two sections, 'Design' (a, b, c) and 'Build' (d, e)."""

    def __init__(self, services: WorkspaceServices, account_id: int, currency: str = "") -> None:
        self.services = services
        self.estimates = services.estimates
        ref = self.estimates.create(
            account_id,
            "Sheet",
            issued_on=DAY,
            tax_rate=D(10),
            currency=currency,
            section_name="Design",
        )
        self.revision_id = ref.revision_id
        self.design = self.doc().sections[0].id
        self.build = self.estimates.add_section("Build", revision_id=self.revision_id)
        self.ids: dict[str, int] = {}
        for section, names in ((self.design, "abc"), (self.build, "de")):
            for index, name in enumerate(names, start=1):
                self.ids[name] = self.estimates.add_line(
                    section, LineDraft(description=name, quantity=D(index), unit_price=D(100))
                )

    def doc(self) -> EstimateDocument:
        return self.estimates.document(self.revision_id)


@pytest.fixture
def usd(services: WorkspaceServices) -> int:
    return services.accounts.create(AccountDraft("Lotus Bank", currency="USD", market="VN"))


@pytest.fixture
def sheet(services: WorkspaceServices, usd: int) -> Sheet:
    return Sheet(services, usd)


# -- adding and editing lines ------------------------------------------------------------------


def test_lines_are_added_at_the_end_or_at_a_position(sheet: Sheet) -> None:
    assert layout(sheet.doc()) == [("Design", ["a", "b", "c"]), ("Build", ["d", "e"])]
    sheet.estimates.add_line(sheet.design, LineDraft(description="first"), position=0)
    sheet.estimates.add_line(sheet.design, LineDraft(description="middle"), position=2)
    sheet.estimates.add_line(sheet.build, LineDraft(description="far"), position=99)
    assert layout(sheet.doc()) == [
        ("Design", ["first", "a", "middle", "b", "c"]),
        ("Build", ["d", "e", "far"]),
    ]


def test_a_new_line_takes_the_estimate_tax_rate_unless_given(sheet: Sheet) -> None:
    line = sheet.estimates.add_line(sheet.build, LineDraft(description="zero", tax_rate=D(0)))
    doc = sheet.doc()
    assert doc.line(sheet.ids["a"]).tax_rate == D(10)
    assert doc.line(line).tax_rate == D(0)
    assert doc.line(line).key and doc.line(line).key != doc.line(sheet.ids["a"]).key


def test_update_line_reports_its_change_and_reprices(sheet: Sheet) -> None:
    estimates = sheet.estimates
    line = sheet.ids["b"]
    change = estimates.update_line(
        line, {"quantity": D("2.5"), "discount_percent": D(10), "unit": "hour", "kind": "labour"}
    )
    assert change.before == {"quantity": D(2), "discount_percent": D(0), "unit": ""}
    assert change.after == {"quantity": D("2.5"), "discount_percent": D(10), "unit": "hour"}
    record = sheet.doc().line(line)
    assert record.amount == D("225.00")  # 2.5 x 100.00 x 0.9
    # undo puts the former values back exactly
    estimates.update_line(line, change.before, exact=True)
    record = sheet.doc().line(line)
    assert (record.quantity, record.discount_percent, record.unit, record.amount) == (
        D(2),
        D(0),
        "",
        D("200.00"),
    )


def test_line_discount_rounds_half_up_at_the_line(sheet: Sheet) -> None:
    line = sheet.estimates.add_line(
        sheet.build,
        LineDraft(
            description="odd", quantity=D("1.25"), unit_price=D("0.10"), discount_percent=D(0)
        ),
    )
    assert sheet.doc().line(line).amount == D("0.13")  # 0.125 -> 0.13, not banker's 0.12


def test_quantity_with_three_decimals_is_refused(sheet: Sheet, tmp_path: Path) -> None:
    before = fingerprint(sheet.services, tmp_path)
    with pytest.raises(ValidationError) as error:
        sheet.estimates.update_line(sheet.ids["a"], {"quantity": D("1.125")})
    assert error.value.field == "quantity"
    with pytest.raises(ValidationError):
        sheet.estimates.add_line(sheet.design, LineDraft(quantity=D("0.001")))
    assert fingerprint(sheet.services, tmp_path) == before
    sheet.estimates.update_line(sheet.ids["a"], {"quantity": D("1.12")})
    assert sheet.doc().line(sheet.ids["a"]).amount == D("112.00")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"quantity": D(-1)}, "quantity"),  # negative only in a change order
        ({"quantity": D(10) ** 9}, "quantity"),
        ({"unit_price": D(-1)}, "unit_price"),
        ({"unit_price": D("0.001")}, "unit_price"),
        ({"unit_price": D(10) ** 15}, "unit_price"),
        ({"unit_cost": D("1.005")}, "unit_cost"),
        ({"discount_percent": D(101)}, "discount_percent"),
        ({"tax_rate": D("10.00001")}, "tax_rate"),
        ({"markup_percent": D(1001)}, "markup_percent"),
        ({"kind": "media"}, "kind"),
        ({"optional": "yes"}, "optional"),
        ({"description": "x" * 2001}, "description"),
        ({"unit": "u" * 21}, "unit"),
        ({"role": "line\nbreak"}, "role"),
        ({"quantity": "12"}, "quantity"),
        ({"amount": D(1)}, "amount"),
        ({"section_id": 1}, "section_id"),
    ],
)
def test_bad_line_values_are_refused_and_nothing_is_written(
    sheet: Sheet, tmp_path: Path, changes: dict[str, Any], field: str
) -> None:
    before = fingerprint(sheet.services, tmp_path)
    with pytest.raises(ValidationError) as error:
        sheet.estimates.update_line(sheet.ids["a"], {"description": "changed", **changes})
    assert error.value.field == field
    if set(changes) <= {f.name for f in dataclasses.fields(LineDraft)}:
        with pytest.raises(ValidationError):
            sheet.estimates.add_line(sheet.design, LineDraft(**{"description": "new", **changes}))
    assert fingerprint(sheet.services, tmp_path) == before


def test_unknown_line_or_section_is_not_found(sheet: Sheet) -> None:
    with pytest.raises(NotFoundError):
        sheet.estimates.update_line(9999, {"description": "x"})
    with pytest.raises(NotFoundError):
        sheet.estimates.add_line(9999, LineDraft())
    with pytest.raises(NotFoundError):
        sheet.estimates.delete_lines([sheet.ids["a"], 9999])
    assert layout(sheet.doc())[0] == ("Design", ["a", "b", "c"])


# -- kinds, currencies, optional lines ---------------------------------------------------------


def test_third_party_price_follows_cost_and_markup(sheet: Sheet, tmp_path: Path) -> None:
    estimates = sheet.estimates
    line = estimates.add_line(
        sheet.build,
        LineDraft(
            kind="third_party",
            description="Printing",
            supplier="In Nhanh",
            quantity=D(2),
            unit_cost=D("333.33"),
            markup_percent=D(15),
            unit_price=D(1),  # ignored: the price follows cost and markup
        ),
    )
    record = sheet.doc().line(line)
    assert record.unit_price == D("383.33")  # 333.33 x 1.15 = 383.3295
    assert record.amount == D("766.66")
    assert record.cost == D("666.66")

    before = fingerprint(sheet.services, tmp_path)
    with pytest.raises(ValidationError) as error:
        estimates.update_line(line, {"unit_price": D(400)})
    assert error.value.field == "unit_price"
    assert fingerprint(sheet.services, tmp_path) == before

    estimates.update_line(line, {"markup_percent": D(20)})
    assert sheet.doc().line(line).unit_price == D("400.00")
    estimates.update_line(line, {"unit_cost": D(100)})
    assert sheet.doc().line(line).unit_price == D("120.00")
    # turning a line into a pass-through prices it from its cost
    estimates.update_line(sheet.ids["a"], {"unit_cost": D(50)})
    estimates.update_line(sheet.ids["a"], {"kind": "third_party", "markup_percent": D(10)})
    assert sheet.doc().line(sheet.ids["a"]).unit_price == D("55.00")


def test_zero_decimal_currency_refuses_fractional_prices(
    services: WorkspaceServices, tmp_path: Path
) -> None:
    jpy = services.accounts.create(AccountDraft("Sakura Foods", currency="JPY"))
    sheet = Sheet(services, jpy)
    before = fingerprint(services, tmp_path)
    for changes in ({"unit_price": D("1000.5")}, {"unit_cost": D("0.1")}):
        with pytest.raises(ValidationError) as error:
            sheet.estimates.update_line(sheet.ids["a"], changes)
        assert error.value.field in changes
        assert "JPY" in error.value.message
        with pytest.raises(ValidationError):
            sheet.estimates.add_line(sheet.design, LineDraft(**changes))
    assert fingerprint(services, tmp_path) == before
    line = sheet.estimates.add_line(
        sheet.design,
        LineDraft(quantity=D("1.5"), unit_price=D(333), discount_percent=D("3.3")),
    )
    amount = sheet.doc().line(line).amount
    assert amount == D(483)  # 499.5 x 0.967 = 483.0165
    assert amount.as_tuple().exponent == 0
    # a third-party price in yen rounds to whole yen
    tp = sheet.estimates.add_line(
        sheet.design, LineDraft(kind="third_party", unit_cost=D(101), markup_percent=D("12.5"))
    )
    assert sheet.doc().line(tp).unit_price == D(114)


def test_optional_lines_are_shown_but_not_in_the_totals(sheet: Sheet) -> None:
    estimates = sheet.estimates
    base = sheet.doc().totals
    assert base.subtotal == D("900.00")  # a 100 + b 200 + c 300 + d 100 + e 200
    line = estimates.add_line(
        sheet.design,
        LineDraft(description="Extra shoot", quantity=D(2), unit_price=D(250), optional=True),
    )
    doc = sheet.doc()
    assert doc.line(line).amount == D("500.00")
    assert doc.totals.optional_total == D("500.00")
    assert doc.totals.subtotal == base.subtotal
    assert doc.totals.total == base.total
    assert doc.sections[0].subtotal == D("600.00")
    estimates.update_line(line, {"optional": False})
    doc = sheet.doc()
    assert doc.totals.subtotal == D("1400.00")
    assert doc.totals.optional_total == D("0.00")
    assert doc.totals.total == D("1540.00")


# -- moving, deleting, restoring lines ---------------------------------------------------------


def test_move_line_within_a_section_and_back(sheet: Sheet) -> None:
    estimates = sheet.estimates
    original = sheet.doc()
    old = estimates.move_line(sheet.ids["a"], sheet.design, 2)
    assert old == (sheet.design, 0)
    assert layout(sheet.doc())[0] == ("Design", ["b", "c", "a"])
    estimates.move_line(sheet.ids["c"], sheet.design, 0)
    assert layout(sheet.doc())[0] == ("Design", ["c", "b", "a"])
    estimates.move_line(sheet.ids["c"], sheet.design, 1)
    estimates.move_line(sheet.ids["a"], *old)
    assert sheet.doc() == original


def test_move_line_across_sections_and_back(sheet: Sheet) -> None:
    estimates = sheet.estimates
    original = sheet.doc()
    old = estimates.move_line(sheet.ids["b"], sheet.build, 1)
    assert old == (sheet.design, 1)
    doc = sheet.doc()
    assert layout(doc) == [("Design", ["a", "c"]), ("Build", ["d", "b", "e"])]
    assert doc.sections[0].subtotal == D("400.00")
    assert doc.sections[1].subtotal == D("500.00")
    assert doc.totals.total == original.totals.total
    estimates.move_line(sheet.ids["e"], sheet.design, -5)  # clamped to the top
    estimates.move_line(sheet.ids["d"], sheet.design, 99)  # clamped to the end
    assert layout(sheet.doc()) == [("Design", ["e", "a", "c", "d"]), ("Build", ["b"])]
    estimates.move_line(sheet.ids["d"], sheet.build, 0)
    estimates.move_line(sheet.ids["e"], sheet.build, 2)
    estimates.move_line(sheet.ids["b"], *old)
    assert sheet.doc() == original


def test_a_line_cannot_move_into_another_estimate(
    services: WorkspaceServices, sheet: Sheet, usd: int, tmp_path: Path
) -> None:
    other = Sheet(services, usd)
    before = fingerprint(services, tmp_path)
    with pytest.raises(ValidationError):
        sheet.estimates.move_line(sheet.ids["a"], other.design, 0)
    assert fingerprint(services, tmp_path) == before


def test_delete_lines_and_restore_them_exactly(sheet: Sheet) -> None:
    estimates = sheet.estimates
    original = sheet.doc()
    snapshots = estimates.delete_lines([sheet.ids["c"], sheet.ids["a"], sheet.ids["e"]])
    assert len(snapshots) == 3
    doc = sheet.doc()
    assert layout(doc) == [("Design", ["b"]), ("Build", ["d"])]
    assert doc.totals.subtotal == D("300.00")
    estimates.restore_lines(snapshots)
    assert sheet.doc() == original  # same ids, keys, positions, values and totals

    estimates.purge_line(sheet.ids["b"])
    assert layout(sheet.doc())[0] == ("Design", ["a", "c"])


def test_restore_of_scattered_lines_keeps_the_order(sheet: Sheet) -> None:
    estimates = sheet.estimates
    extra = [estimates.add_line(sheet.design, LineDraft(description=name)) for name in "fgh"]
    original = sheet.doc()
    assert layout(original)[0] == ("Design", ["a", "b", "c", "f", "g", "h"])
    snapshots = estimates.delete_lines([extra[2], sheet.ids["b"], extra[0], sheet.ids["d"]])
    assert layout(sheet.doc()) == [("Design", ["a", "c", "g"]), ("Build", ["e"])]
    estimates.restore_lines(reversed(snapshots))
    assert sheet.doc() == original


# -- sections ----------------------------------------------------------------------------------


def test_sections_add_rename_move(sheet: Sheet) -> None:
    estimates = sheet.estimates
    first = estimates.add_section("Discovery", revision_id=sheet.revision_id, position=0)
    estimates.add_section("Launch", revision_id=sheet.revision_id)
    assert [s.name for s in sheet.doc().sections] == ["Discovery", "Design", "Build", "Launch"]
    change = estimates.rename_section(first, "  Khám phá  ")
    assert change.before == {"name": "Discovery"} and change.after == {"name": "Khám phá"}
    assert estimates.rename_section(first, "Khám phá").is_empty
    with pytest.raises(ValidationError):
        estimates.rename_section(first, "")
    old = estimates.move_section(first, 2)
    assert old == 0
    doc = sheet.doc()
    assert [s.name for s in doc.sections] == ["Design", "Build", "Khám phá", "Launch"]
    layout(doc)
    estimates.move_section(first, old)
    assert [s.name for s in sheet.doc().sections] == ["Khám phá", "Design", "Build", "Launch"]


def test_delete_section_with_its_lines_and_restore_it_exactly(sheet: Sheet) -> None:
    estimates = sheet.estimates
    estimates.add_section("Launch", revision_id=sheet.revision_id)
    original = sheet.doc()
    snapshot = estimates.delete_section(sheet.design)
    doc = sheet.doc()
    assert [s.name for s in doc.sections] == ["Build", "Launch"]
    layout(doc)
    assert doc.totals.subtotal == D("300.00")
    estimates.restore_section(snapshot)
    assert sheet.doc() == original


def test_the_last_section_cannot_be_deleted(sheet: Sheet, tmp_path: Path) -> None:
    estimates = sheet.estimates
    estimates.delete_section(sheet.build)
    before = fingerprint(sheet.services, tmp_path)
    with pytest.raises(ValidationError):
        estimates.delete_section(sheet.design)
    assert fingerprint(sheet.services, tmp_path) == before


# -- batches: all or nothing -------------------------------------------------------------------


def test_a_valid_batch_applies_every_edit_and_new_lines(sheet: Sheet) -> None:
    estimates = sheet.estimates
    result = estimates.apply_batch(
        [
            LineEdit({"quantity": D(5)}, line_id=sheet.ids["a"]),
            LineEdit({"description": "Бета", "unit_price": D("99.99")}, line_id=sheet.ids["b"]),
            LineEdit({"description": "new 1", "unit_price": D(10)}, section_id=sheet.build),
            LineEdit(
                {"description": "new 0", "quantity": D(2), "unit_price": D(1)},
                section_id=sheet.design,
                position=0,
            ),
        ]
    )
    assert [line_id for line_id, _ in result.changes] == [sheet.ids["a"], sheet.ids["b"]]
    assert result.changes[0][1].after == {"quantity": D(5)}
    assert len(result.created) == 2
    doc = sheet.doc()
    assert layout(doc) == [("Design", ["new 0", "a", "Бета", "c"]), ("Build", ["d", "e", "new 1"])]
    assert doc.line(sheet.ids["a"]).amount == D("500.00")
    assert doc.line(sheet.ids["b"]).amount == D("199.98")
    assert doc.line(result.created[1]).amount == D("2.00")


def test_one_bad_edit_in_a_batch_changes_nothing(sheet: Sheet, tmp_path: Path) -> None:
    estimates = sheet.estimates
    original = sheet.doc()
    before = fingerprint(sheet.services, tmp_path)
    edits = [
        LineEdit({"quantity": D(7)}, line_id=sheet.ids["a"]),
        LineEdit({"quantity": D("1.005")}, line_id=sheet.ids["b"]),  # bad
        LineEdit({"description": "fine", "unit_price": D(5)}, section_id=sheet.build),
        LineEdit({"description": "ok", "unit_price": D("1.234")}, line_id=sheet.ids["c"]),  # bad
        LineEdit({"discount_percent": D(150)}, section_id=sheet.design, position=0),  # bad
        LineEdit({"description": "fine too"}, line_id=sheet.ids["d"]),
        LineEdit({"description": "no section"}),  # bad
    ]
    with pytest.raises(BatchValidationError) as error:
        estimates.apply_batch(edits)
    problems = [(index, field) for index, field, _ in error.value.problems]
    assert problems == [
        (1, "quantity"),
        (3, "unit_price"),
        (4, "discount_percent"),
        (6, "section"),
    ]
    assert all(message for _, _, message in error.value.problems)
    assert sheet.doc() == original
    assert fingerprint(sheet.services, tmp_path) == before


def test_a_batch_refuses_a_direct_third_party_price_and_unknown_fields(
    sheet: Sheet, tmp_path: Path
) -> None:
    estimates = sheet.estimates
    line = estimates.add_line(
        sheet.build, LineDraft(kind="third_party", unit_cost=D(100), markup_percent=D(10))
    )
    before = fingerprint(sheet.services, tmp_path)
    with pytest.raises(BatchValidationError) as error:
        estimates.apply_batch(
            [
                LineEdit({"description": "ok"}, line_id=sheet.ids["a"]),
                LineEdit({"unit_price": D(500)}, line_id=line),
                LineEdit({"colour": "red"}, line_id=sheet.ids["b"]),
            ]
        )
    assert [(i, f) for i, f, _ in error.value.problems] == [(1, "unit_price"), (2, "colour")]
    assert fingerprint(sheet.services, tmp_path) == before


def test_a_batch_naming_an_unknown_line_changes_nothing(sheet: Sheet, tmp_path: Path) -> None:
    before = fingerprint(sheet.services, tmp_path)
    with pytest.raises(NotFoundError):
        sheet.estimates.apply_batch(
            [
                LineEdit({"description": "x"}, line_id=sheet.ids["a"]),
                LineEdit({"description": "y"}, line_id=9999),
            ]
        )
    assert fingerprint(sheet.services, tmp_path) == before


def test_revert_and_reapply_a_batch_exactly(sheet: Sheet) -> None:
    estimates = sheet.estimates
    original = sheet.doc()
    result = estimates.apply_batch(
        [
            LineEdit({"quantity": D("1.5"), "description": "A!"}, line_id=sheet.ids["a"]),
            LineEdit({"optional": True}, line_id=sheet.ids["e"]),
            LineEdit({"description": "mid"}, section_id=sheet.design, position=1),
            LineEdit({"description": "top"}, section_id=sheet.build, position=0),
            LineEdit({"description": "end"}, section_id=sheet.build),
        ]
    )
    applied = sheet.doc()
    assert layout(applied) == [
        ("Design", ["A!", "mid", "b", "c"]),
        ("Build", ["top", "d", "e", "end"]),
    ]
    estimates.revert_batch(result)
    assert sheet.doc() == original
    estimates.reapply_batch(result)
    assert sheet.doc() == applied  # same ids, keys and positions
    estimates.revert_batch(result)
    assert sheet.doc() == original


def test_a_float_in_a_batch_changes_nothing(sheet: Sheet, tmp_path: Path) -> None:
    before = fingerprint(sheet.services, tmp_path)
    with pytest.raises((TypeError, BatchValidationError)):
        sheet.estimates.apply_batch(
            [
                LineEdit({"quantity": D(3)}, line_id=sheet.ids["a"]),
                LineEdit({"unit_price": 12.5}, line_id=sheet.ids["b"]),
                LineEdit({"description": "new", "quantity": 1.5}, section_id=sheet.build),
            ]
        )
    assert fingerprint(sheet.services, tmp_path) == before


def test_a_float_in_a_batch_raises_type_error(sheet: Sheet) -> None:
    with pytest.raises(TypeError):
        sheet.estimates.apply_batch([LineEdit({"unit_price": 12.5}, line_id=sheet.ids["b"])])


def test_check_batch_reports_problems_and_never_writes(sheet: Sheet, tmp_path: Path) -> None:
    before = sheet.estimates.document(sheet.revision_id)
    problems = sheet.estimates.check_batch(
        [
            LineEdit({"quantity": D("2")}, line_id=sheet.ids["b"]),  # valid on its own
            LineEdit({"unit_price": D("-1")}, line_id=sheet.ids["b"]),
        ]
    )
    assert [(index, field) for index, field, _ in problems] == [(1, "unit_price")]
    assert sheet.estimates.check_batch([LineEdit({"quantity": D(3)}, line_id=sheet.ids["b"])]) == []
    after = sheet.estimates.document(sheet.revision_id)
    assert after.lines == before.lines  # the valid edits were not written either
