"""The agency profile (defaults, validation, logo) and the agency's team members."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from keyplan.domain.errors import NotFoundError, ValidationError
from keyplan.services.agency import LOGO_MAX_BYTES
from keyplan.services.records import AccountDraft
from keyplan.services.workspace import WorkspaceServices

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(range(256))
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256))


# -- profile -----------------------------------------------------------------------------------


def test_a_new_workspace_has_the_default_profile(tmp_path: Path) -> None:
    with WorkspaceServices.create(tmp_path / "plain.keyplan") as services:
        profile = services.agency.get()
    assert profile.name == "My agency"
    assert profile.brand_colour == "#1F4E79"
    assert profile.default_currency == "USD"
    assert profile.paper_size == "A4"
    assert profile.margin_floor_percent == Decimal("30")
    assert profile.default_tax_rate == Decimal("0")
    assert profile.estimate_number_pattern == "KP-{year}-{seq:04}"
    assert profile.fiscal_year_start_month == 1
    assert (profile.has_logo, profile.logo_mime) == (False, "")
    # The profile row is written at creation: it is there after reopening.
    with WorkspaceServices.open(tmp_path / "plain.keyplan") as services:
        assert services.agency.get() == profile


def test_create_with_an_agency_name(services: WorkspaceServices) -> None:
    assert services.agency.get().name == "Mekong Media"


def test_a_bad_agency_name_at_creation_leaves_no_file(tmp_path: Path) -> None:
    with pytest.raises(ValidationError) as raised:
        WorkspaceServices.create(tmp_path / "new.keyplan", agency_name="Two\nLines")
    assert raised.value.field == "name"
    assert list(tmp_path.iterdir()) == []


def test_update_returns_a_change_that_undoes(services: WorkspaceServices) -> None:
    original = services.agency.get()
    change = services.agency.update(
        {
            "name": "Mekong Media Group",
            "brand_colour": "#c0ffee",
            "default_currency": "vnd",
            "margin_floor_percent": "27.5",
            "paper_size": "Letter",
            "fiscal_year_start_month": 4,
            "estimate_number_pattern": "MM/{account}/{year}/{seq:05}",
            "address": "12 Lê Lợi\nQuận 1\nTP. Hồ Chí Minh",
        }
    )
    profile = services.agency.get()
    assert profile.brand_colour == "#C0FFEE"
    assert profile.default_currency == "VND"
    assert profile.margin_floor_percent == Decimal("27.5")
    assert profile.fiscal_year_start_month == 4
    assert change.before["brand_colour"] == "#1F4E79"
    assert change.after["margin_floor_percent"] == Decimal("27.5")
    services.agency.update(change.before, exact=True)
    assert services.agency.get() == original


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"brand_colour": "red"}, "brand_colour"),
        ({"brand_colour": "#12345"}, "brand_colour"),
        ({"brand_colour": "#1234567"}, "brand_colour"),
        ({"brand_colour": "#GGGGGG"}, "brand_colour"),
        ({"brand_colour": ""}, "brand_colour"),
        ({"estimate_number_pattern": "KP-{year}"}, "estimate_number_pattern"),
        ({"estimate_number_pattern": "KP-{client}-{seq}"}, "estimate_number_pattern"),
        ({"estimate_number_pattern": "KP-{seq"}, "estimate_number_pattern"),
        ({"estimate_number_pattern": "KP-{0}-{seq}"}, "estimate_number_pattern"),
        ({"estimate_number_pattern": "KP-{seq:zz}"}, "estimate_number_pattern"),
        ({"estimate_number_pattern": ""}, "estimate_number_pattern"),
        ({"estimate_number_pattern": "{seq}" + "x" * 80}, "estimate_number_pattern"),
        ({"fiscal_year_start_month": 0}, "fiscal_year_start_month"),
        ({"fiscal_year_start_month": 13}, "fiscal_year_start_month"),
        ({"fiscal_year_start_month": None}, "fiscal_year_start_month"),
        ({"fiscal_year_start_month": "4"}, "fiscal_year_start_month"),
        ({"margin_floor_percent": Decimal("100.01")}, "margin_floor_percent"),
        ({"margin_floor_percent": Decimal("-100.01")}, "margin_floor_percent"),
        ({"margin_floor_percent": Decimal("12.34567")}, "margin_floor_percent"),
        ({"margin_floor_percent": "abc"}, "margin_floor_percent"),
        ({"margin_floor_percent": "27,5"}, "margin_floor_percent"),
        ({"margin_floor_percent": "NaN"}, "margin_floor_percent"),
        ({"margin_floor_percent": Decimal("Infinity")}, "margin_floor_percent"),
        ({"default_tax_rate": Decimal("-1")}, "default_tax_rate"),
        ({"default_tax_rate": Decimal("101")}, "default_tax_rate"),
        ({"default_currency": "XYZ"}, "default_currency"),
        ({"paper_size": "A3"}, "paper_size"),
        ({"tax_id": "t" * 61}, "tax_id"),
        ({"payment_terms": "p" * 5001}, "payment_terms"),
        ({"logo": PNG}, "logo"),
        ({"id": 2}, "id"),
        ({"hours_per_day": Decimal("0.5")}, "hours_per_day"),
        ({"hours_per_day": Decimal("24.01")}, "hours_per_day"),
        ({"hours_per_day": Decimal("7.125")}, "hours_per_day"),
        ({"hours_per_day": "eight"}, "hours_per_day"),
        ({"hours_per_day": "NaN"}, "hours_per_day"),
    ],
)
def test_bad_profile_values_are_refused_naming_the_field(
    services: WorkspaceServices, changes: dict[str, Any], field: str
) -> None:
    before = services.agency.get()
    with pytest.raises(ValidationError) as raised:
        services.agency.update({"name": "Renamed", **changes})
    assert raised.value.field == field
    assert str(raised.value)
    assert services.agency.get() == before  # not even the valid part was written


@pytest.mark.parametrize("floor", [Decimal("-100"), Decimal("100"), Decimal("0"), "12.3456"])
def test_margin_floor_limits_are_inclusive(services: WorkspaceServices, floor: object) -> None:
    services.agency.update({"margin_floor_percent": floor})
    assert services.agency.get().margin_floor_percent == Decimal(str(floor))


def test_hours_per_day_default_to_8_and_take_a_working_day(services: WorkspaceServices) -> None:
    assert services.agency.get().hours_per_day == Decimal("8")
    services.agency.update({"hours_per_day": "7.5"})
    assert services.agency.get().hours_per_day == Decimal("7.5")
    with pytest.raises(TypeError):
        services.agency.update({"hours_per_day": 7.5})


def test_a_float_percentage_never_reaches_the_database(services: WorkspaceServices) -> None:
    with pytest.raises(TypeError, match="never floats"):
        services.agency.update({"margin_floor_percent": 27.5})
    assert services.agency.get().margin_floor_percent == Decimal("30")


def test_a_whole_number_percentage_is_accepted(services: WorkspaceServices) -> None:
    services.agency.update({"margin_floor_percent": 25})
    assert services.agency.get().margin_floor_percent == Decimal("25")


def test_an_escaped_seq_is_not_a_sequence_number(services: WorkspaceServices) -> None:
    with pytest.raises(ValidationError) as raised:
        services.agency.update({"estimate_number_pattern": "KP-{year}-{{seq}}"})
    assert raised.value.field == "estimate_number_pattern"


@pytest.mark.parametrize("pattern", ["KP-{seq.x}", "KP-{year[0]}-{seq}"])
def test_attribute_or_index_fields_in_a_pattern_are_refused(
    services: WorkspaceServices, pattern: str
) -> None:
    with pytest.raises(ValidationError) as raised:
        services.agency.update({"estimate_number_pattern": pattern})
    assert raised.value.field == "estimate_number_pattern"


# -- logo --------------------------------------------------------------------------------------


def test_set_logo_accepts_png_and_jpeg_and_returns_the_previous_for_undo(
    services: WorkspaceServices,
) -> None:
    assert services.agency.set_logo(PNG) is None
    assert services.agency.logo() == (PNG, "image/png")
    assert services.agency.get().has_logo

    assert services.agency.set_logo(JPEG) == (PNG, "image/png")
    assert services.agency.logo() == (JPEG, "image/jpeg")

    # Undo: put the previous one back; removing returns what was there.
    assert services.agency.set_logo(PNG) == (JPEG, "image/jpeg")
    assert services.agency.set_logo(None) == (PNG, "image/png")
    assert services.agency.logo() is None
    profile = services.agency.get()
    assert (profile.has_logo, profile.logo_mime) == (False, "")


@pytest.mark.parametrize(
    "image",
    [
        b"GIF89a" + bytes(100),
        b"<svg xmlns='http://www.w3.org/2000/svg'/>",
        b"%PDF-1.7",
        b"",
        b"\x89PNG",  # a cut-off PNG signature
        PNG[:1] + b"X" + PNG[2:],
    ],
    ids=["gif", "svg", "pdf", "empty", "short-png-magic", "damaged-png-magic"],
)
def test_set_logo_refuses_other_bytes_and_keeps_the_old_logo(
    services: WorkspaceServices, image: bytes
) -> None:
    services.agency.set_logo(PNG)
    with pytest.raises(ValidationError, match="PNG or JPEG") as raised:
        services.agency.set_logo(image)
    assert raised.value.field == "logo"
    assert services.agency.logo() == (PNG, "image/png")


def test_logo_size_limit_is_two_megabytes(services: WorkspaceServices) -> None:
    assert LOGO_MAX_BYTES == 2 * 1024 * 1024
    exactly = PNG + bytes(LOGO_MAX_BYTES - len(PNG))
    services.agency.set_logo(exactly)
    assert services.agency.logo() == (exactly, "image/png")
    with pytest.raises(ValidationError, match="larger than 2 MB") as raised:
        services.agency.set_logo(exactly + b"\x00")
    assert raised.value.field == "logo"
    assert services.agency.logo() == (exactly, "image/png")


def test_set_logo_from_a_file(services: WorkspaceServices, tmp_path: Path) -> None:
    logo_file = tmp_path / "logo.jpg"
    logo_file.write_bytes(JPEG)
    services.agency.set_logo_from_file(logo_file)
    assert services.agency.logo() == (JPEG, "image/jpeg")

    missing = tmp_path / "moved-away.png"
    with pytest.raises(ValidationError, match="does not exist") as raised:
        services.agency.set_logo_from_file(missing)
    assert raised.value.field == "logo"
    assert str(missing) in str(raised.value)

    with pytest.raises(ValidationError) as folder:
        services.agency.set_logo_from_file(tmp_path)
    assert folder.value.field == "logo"
    assert services.agency.logo() == (JPEG, "image/jpeg")


# -- team --------------------------------------------------------------------------------------


def test_team_create_list_delete(services: WorkspaceServices) -> None:
    mai = services.team.create("Mai Anh", "Account Director", "mai@mekong.example")
    services.team.create("  bao  ")
    services.team.create("Дмитрий Иванов", "Planner")
    assert [(m.name, m.role) for m in services.team.all()] == [
        ("bao", ""),
        ("Mai Anh", "Account Director"),
        ("Дмитрий Иванов", "Planner"),
    ]
    assert services.team.all()[1].email == "mai@mekong.example"

    deletion = services.team.delete(mai)
    assert [m.name for m in services.team.all()] == ["bao", "Дмитрий Иванов"]
    with pytest.raises(NotFoundError):
        services.team.delete(mai)
    # A deleted member cannot own an account.
    with pytest.raises(ValidationError) as raised:
        services.accounts.create(AccountDraft("Owned", owner_id=mai))
    assert raised.value.field == "owner_id"

    assert services.team.restore(deletion) == [mai]
    assert "Mai Anh" in [m.name for m in services.team.all()]


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("",), "name"),
        (("Two\nLines",), "name"),
        (("x" * 201,), "name"),
        (("Mai", "r" * 121), "role"),
        (("Mai", "", "mai-at-example"), "email"),
    ],
)
def test_team_member_validation(
    services: WorkspaceServices, args: tuple[str, ...], field: str
) -> None:
    with pytest.raises(ValidationError) as raised:
        services.team.create(*args)
    assert raised.value.field == field
    assert services.team.all() == []


def test_team_member_update_and_undo(services: WorkspaceServices) -> None:
    member = services.team.create("Linh", "Planner")
    change = services.team.update(member, {"role": "Strategy Director", "email": "l@x.example"})
    assert [m.role for m in services.team.all()] == ["Strategy Director"]
    services.team.update(member, change.before, exact=True)
    assert [(m.role, m.email) for m in services.team.all()] == [("Planner", "")]


def test_team_member_purge(services: WorkspaceServices) -> None:
    member = services.team.create("Temp")
    services.team.purge(member)
    assert services.team.all() == []
    assert services.info().counts["deleted_team_members"] == 0
