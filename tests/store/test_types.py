"""Exact column types: decimals as text, timestamps as UTC text, no REAL anywhere."""

from __future__ import annotations

import contextlib
import sqlite3
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Column, Engine, Integer, MetaData, Table, create_engine, select, text
from sqlalchemy.exc import StatementError

from keyplan.services.records import AccountDraft
from keyplan.services.workspace import WorkspaceServices
from keyplan.store.models import Base
from keyplan.store.types import DecimalText, UTCDateTime, utc_now

metadata = MetaData()
samples = Table(
    "samples",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("amount", DecimalText()),
    Column("at", UTCDateTime()),
)


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    engine = create_engine(f"sqlite:///{tmp_path / 'types.sqlite'}")
    metadata.create_all(engine)
    yield engine
    engine.dispose()


def raw_row(engine: Engine, row_id: int) -> tuple[object, ...]:
    with engine.connect() as connection:
        return tuple(
            connection.execute(
                text("SELECT amount, typeof(amount), at, typeof(at) FROM samples WHERE id = :i"),
                {"i": row_id},
            ).one()
        )


# -- DecimalText ---------------------------------------------------------------------------------

many_digit_decimals = st.builds(
    lambda sign, digits, exponent: Decimal((sign, tuple(digits), exponent)),
    st.integers(0, 1),
    st.lists(st.integers(0, 9), min_size=1, max_size=60),
    st.integers(-40, 40),
)
finite_decimals = st.one_of(
    st.decimals(allow_nan=False, allow_infinity=False),
    many_digit_decimals,
)


def test_decimal_text_round_trips_exactly(engine: Engine) -> None:
    with engine.connect() as connection:
        transaction = connection.begin()

        @settings(max_examples=300, deadline=None)
        @given(value=finite_decimals)
        def round_trip(value: Decimal) -> None:
            row_id = connection.execute(samples.insert().values(amount=value)).inserted_primary_key[
                0
            ]
            stored, kind = connection.execute(
                text("SELECT amount, typeof(amount) FROM samples WHERE id = :i"), {"i": row_id}
            ).one()
            back = connection.execute(
                select(samples.c.amount).where(samples.c.id == row_id)
            ).scalar()
            assert kind == "text"
            assert stored == str(value)
            assert isinstance(back, Decimal)
            # Same digits, same exponent, same sign: 1.50 stays 1.50, -0 stays -0.
            assert back.as_tuple() == value.as_tuple()

        round_trip()
        transaction.rollback()


@pytest.mark.parametrize(
    "value",
    [
        Decimal("0.1"),
        Decimal("1234567890123456789012345678901234567890.123456789"),
        Decimal("-0.00000000000000000000000000001"),
        Decimal("12.5000"),
        Decimal("1E+30"),
    ],
)
def test_decimal_text_keeps_what_a_float_would_lose(engine: Engine, value: Decimal) -> None:
    with engine.begin() as connection:
        row_id = connection.execute(samples.insert().values(amount=value)).inserted_primary_key[0]
    with engine.connect() as connection:
        back = connection.execute(select(samples.c.amount).where(samples.c.id == row_id)).scalar()
    assert str(back) == str(value)
    assert raw_row(engine, row_id)[:2] == (str(value), "text")


def test_decimal_text_accepts_int_as_exact(engine: Engine) -> None:
    with engine.begin() as connection:
        row_id = connection.execute(samples.insert().values(amount=10**30)).inserted_primary_key[0]
    assert raw_row(engine, row_id)[:2] == ("1" + "0" * 30, "text")


@pytest.mark.parametrize("value", [0.1, 1.0, float("nan"), "12.5", b"1"])
def test_decimal_text_refuses_float_and_other_types(engine: Engine, value: object) -> None:
    with pytest.raises(StatementError) as raised, engine.begin() as connection:
        connection.execute(samples.insert().values(amount=value))
    assert isinstance(raised.value.orig, TypeError)
    assert "DecimalText needs Decimal or int" in str(raised.value.orig)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM samples")).scalar() == 0


def test_decimal_text_reading_garbage_is_a_clear_error(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO samples (id, amount) VALUES (1, 'twelve')"))
    with (
        engine.connect() as connection,
        pytest.raises(ValueError, match="'twelve' is not a number"),
    ):
        connection.execute(select(samples.c.amount)).scalar()


# -- UTCDateTime ---------------------------------------------------------------------------------


def test_utc_datetime_stores_utc_text_and_reads_back_aware(engine: Engine) -> None:
    berlin = datetime(2025, 3, 30, 3, 30, 15, 123456, tzinfo=ZoneInfo("Europe/Berlin"))  # CEST
    with engine.begin() as connection:
        row_id = connection.execute(samples.insert().values(at=berlin)).inserted_primary_key[0]
    _, _, stored, kind = raw_row(engine, row_id)
    assert (stored, kind) == ("2025-03-30T01:30:15.123456+00:00", "text")
    with engine.connect() as connection:
        back = connection.execute(select(samples.c.at).where(samples.c.id == row_id)).scalar()
    assert back.tzinfo is not None
    assert back.utcoffset() == timedelta(0)
    assert back == berlin


def test_utc_datetime_round_trips_any_zone(engine: Engine) -> None:
    with engine.connect() as connection:
        transaction = connection.begin()

        @settings(max_examples=150, deadline=None)
        @given(
            value=st.datetimes(
                min_value=datetime(1900, 1, 2),
                max_value=datetime(2200, 1, 1),
                timezones=st.timezones(),
            )
        )
        def round_trip(value: datetime) -> None:
            row_id = connection.execute(samples.insert().values(at=value)).inserted_primary_key[0]
            stored = connection.execute(
                text("SELECT at FROM samples WHERE id = :i"), {"i": row_id}
            ).scalar()
            back = connection.execute(select(samples.c.at).where(samples.c.id == row_id)).scalar()
            assert stored.endswith("+00:00")
            assert back.utcoffset() == timedelta(0)
            assert back.timestamp() == value.timestamp()  # the same instant
            assert back == value.astimezone(UTC)

        round_trip()
        transaction.rollback()


def test_utc_datetime_orders_as_text_in_time_order(engine: Engine) -> None:
    """Stored text sorts like the instants (ORDER BY on the column is meaningful)."""
    instants = [
        datetime(2025, 1, 1, 9, 0, tzinfo=timezone(timedelta(hours=9))),  # 00:00 UTC
        datetime(2024, 12, 31, 23, 30, tzinfo=UTC),
        datetime(2025, 1, 1, 0, 0, 0, 1, tzinfo=UTC),
    ]
    with engine.begin() as connection:
        for value in instants:
            connection.execute(samples.insert().values(at=value))
    with engine.connect() as connection:
        ordered = connection.execute(select(samples.c.at).order_by(samples.c.at)).scalars().all()
    assert ordered == sorted(instants)


@pytest.mark.parametrize("value", [datetime(2025, 1, 1, 12, 0), date(2025, 1, 1), "2025-01-01"])
def test_utc_datetime_refuses_naive_or_non_datetimes(engine: Engine, value: object) -> None:
    with pytest.raises(StatementError) as raised, engine.begin() as connection:
        connection.execute(samples.insert().values(at=value))
    assert isinstance(raised.value.orig, TypeError)
    assert "aware datetime" in str(raised.value.orig)


def test_utc_now_is_aware_utc() -> None:
    now = utc_now()
    assert now.utcoffset() == timedelta(0)
    assert abs(now - datetime.now(UTC)) < timedelta(seconds=5)


def test_model_timestamps_are_stored_as_utc_text(tmp_path: Path) -> None:
    path = tmp_path / "stamps.keyplan"
    with WorkspaceServices.create(path) as services:
        account_id = services.accounts.create(AccountDraft("Stamped"))
        record = services.accounts.get(account_id)
        assert record.created_at.utcoffset() == timedelta(0)
        assert abs(record.created_at - datetime.now(UTC)) < timedelta(minutes=1)
    with contextlib.closing(sqlite3.connect(path)) as conn:
        created, kind = conn.execute(
            "SELECT created_at, typeof(created_at) FROM account WHERE id = ?", (account_id,)
        ).fetchone()
    assert kind == "text"
    assert created.endswith("+00:00")


# -- no REAL anywhere ----------------------------------------------------------------------------


def affinity(declared: str) -> str:
    """SQLite's column affinity rules (https://www.sqlite.org/datatype3.html 3.1)."""
    upper = declared.upper()
    if "INT" in upper:
        return "INTEGER"
    if any(word in upper for word in ("CHAR", "CLOB", "TEXT")):
        return "TEXT"
    if "BLOB" in upper or not upper:
        return "BLOB"
    if any(word in upper for word in ("REAL", "FLOA", "DOUB")):
        return "REAL"
    return "NUMERIC"


def test_affinity_helper_follows_sqlite() -> None:
    assert affinity("DOUBLE PRECISION") == "REAL"
    assert affinity("FLOAT") == "REAL"
    assert affinity("NUMERIC(10, 2)") == "NUMERIC"
    assert affinity("VARCHAR(64)") == "TEXT"


@pytest.fixture
def schema_columns(tmp_path: Path) -> dict[tuple[str, str], str]:
    path = tmp_path / "schema.keyplan"
    with WorkspaceServices.create(path, agency_name="Schema Check"):
        pass
    with contextlib.closing(sqlite3.connect(path)) as conn:
        tables = [
            name
            for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {
            (table, column[1]): column[2]
            for table in tables
            for column in conn.execute(f'PRAGMA table_info("{table}")')
        }


def test_no_column_in_the_schema_can_hold_a_float(
    schema_columns: dict[tuple[str, str], str],
) -> None:
    assert len(schema_columns) > 50  # really read the schema
    real = {
        key: declared for key, declared in schema_columns.items() if affinity(declared) == "REAL"
    }
    assert real == {}
    # NUMERIC affinity would turn '12.5' into a REAL: only calendar dates may have it.
    numeric = {key: d for key, d in schema_columns.items() if affinity(d) == "NUMERIC"}
    assert set(numeric.values()) <= {"DATE", "BOOLEAN"}  # BOOLEAN is 0/1
    # Exact decimals are text.
    assert affinity(schema_columns[("agency_profile", "margin_floor_percent")]) == "TEXT"
    assert affinity(schema_columns[("agency_profile", "default_tax_rate")]) == "TEXT"


def test_models_declare_no_float_types() -> None:
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            python_type = getattr(column.type, "python_type", None)
            with contextlib.suppress(NotImplementedError):
                assert python_type is not float, f"{table.name}.{column.name} is a float"


def test_no_stored_value_is_real(tmp_path: Path) -> None:
    path = tmp_path / "values.keyplan"
    with WorkspaceServices.create(path) as services:
        services.agency.update(
            {"margin_floor_percent": Decimal("27.5"), "default_tax_rate": Decimal("8.25")}
        )
    with contextlib.closing(sqlite3.connect(path)) as conn:
        assert conn.execute(
            "SELECT margin_floor_percent, typeof(margin_floor_percent),"
            " default_tax_rate, typeof(default_tax_rate) FROM agency_profile"
        ).fetchone() == ("27.5", "text", "8.25", "text")
        for (table,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        ).fetchall():
            for column in conn.execute(f'PRAGMA table_info("{table}")').fetchall():
                reals = conn.execute(
                    f'SELECT count(*) FROM "{table}" WHERE typeof("{column[1]}") = \'real\''
                ).fetchone()[0]
                assert reals == 0, f"{table}.{column[1]} holds a REAL"
