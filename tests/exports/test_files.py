"""Export files: safe names, atomic writes that never half-write or overwrite unasked."""

from __future__ import annotations

import os
import stat
import sys
import unicodedata
from pathlib import Path

import pytest

from keyplan.exports.files import (
    MAX_NAME_BYTES,
    MAX_NAME_LENGTH,
    ExportError,
    ExportExistsError,
    atomic_write,
    clean_file_name,
    looks_like_formula,
    safe_file_name,
    safe_text,
)

WINDOWS_ILLEGAL = set('<>:"/\\|?*')


def assert_portable(name: str) -> None:
    assert name == unicodedata.normalize("NFC", name)
    assert not WINDOWS_ILLEGAL & set(name), name
    assert all(ord(ch) >= 32 and not 0x7F <= ord(ch) <= 0x9F for ch in name), repr(name)
    stem = name.rsplit(".", 1)[0]
    assert stem and stem == stem.rstrip(". "), repr(name)
    assert not name.startswith((".", " ")), repr(name)
    base = name.split(".", 1)[0].rstrip(" ").upper()
    reserved = {"CON", "PRN", "AUX", "NUL"} | {f"{d}{n}" for d in ("COM", "LPT") for n in range(10)}
    assert base not in reserved, name
    assert len(name) <= MAX_NAME_LENGTH
    assert len(name.encode("utf-8")) <= MAX_NAME_BYTES


# -- names -------------------------------------------------------------------------------------


def test_the_pattern() -> None:
    name = safe_file_name("Acme Foods", "HLP-2026-0014", 2, "Spring launch")
    assert name == "Acme Foods - HLP-2026-0014 rev2 - Spring launch.xlsx"


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Relaunch: phase 2", "Relaunch - phase 2"),
        ("A/B testing", "A-B testing"),
        ('Say "hi"', "Say 'hi'"),
        ("What? *Now* <b>", "What Now b"),
        ("back\\slash|pipe", "back-slash-pipe"),
        ("tab\there\nnew line\r", "tab here new line"),
        ("bell\x07 and \x7f del", "bell and del"),
        ("trailing dots...", "trailing dots"),
        ("\u202egnp.exe", "gnp.exe"),  # a right-to-left override cannot disguise the name
    ],
)
def test_illegal_characters_are_replaced(title: str, expected: str) -> None:
    name = safe_file_name("Acme", "E-1", 1, title)
    assert name == f"Acme - E-1 rev1 - {expected}.xlsx"
    assert_portable(name)


@pytest.mark.parametrize(
    "stem", ["CON", "con", "Prn", "AUX", "nul", "COM1", "com9", "LPT1", "lpt9", "COM0", "CON.tar"]
)
def test_reserved_device_names_are_never_produced(stem: str) -> None:
    name = clean_file_name(stem, extension=".xlsx")
    assert_portable(name)
    assert name.startswith("_")
    assert clean_file_name(f"{stem}  ", extension="xlsx").startswith("_")


def test_names_that_only_contain_a_reserved_word_are_fine() -> None:
    assert clean_file_name("Console plan", extension=".xlsx") == "Console plan.xlsx"
    assert clean_file_name("CON - E-1 rev1", extension=".xlsx") == "CON - E-1 rev1.xlsx"


def test_an_absurd_extension_is_refused() -> None:
    with pytest.raises(ValueError, match="no room"):
        clean_file_name("name", extension="." + "x" * 200)
    assert_portable(clean_file_name("\u0301" * 300, extension=".xlsx"))


def test_empty_and_dotted_names_get_a_fallback() -> None:
    assert clean_file_name("", extension=".xlsx") == "export.xlsx"
    assert clean_file_name(" ... ", extension=".xlsx") == "export.xlsx"
    assert clean_file_name(".hidden", extension=".xlsx") == "hidden.xlsx"
    assert safe_file_name("", "", 1, "") == "rev1.xlsx"


def test_vietnamese_and_cjk_stay_readable_and_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", "Sen Việt")
    name = safe_file_name(decomposed, "HLP-2026-0009", 2, "Chiến dịch Tết: Nguyên Đán")
    assert name == "Sen Việt - HLP-2026-0009 rev2 - Chiến dịch Tết - Nguyên Đán.xlsx"
    assert name == unicodedata.normalize("NFC", name)
    name = safe_file_name("株式会社オーロラ", "HLP-1", 1, "中秋月餅預訂網站／予約サイト")
    assert name == "株式会社オーロラ - HLP-1 rev1 - 中秋月餅預訂網站／予約サイト.xlsx"
    assert_portable(safe_file_name("한빛 뷰티몰", "HLP-2", 3, "일본 크로스보더 캠페인"))


def test_long_titles_are_cut_keeping_number_and_extension() -> None:
    name = safe_file_name("Acme", "HLP-2026-0001", 12, "Very long title " * 40)
    assert_portable(name)
    assert MAX_NAME_LENGTH - 20 <= len(name) <= MAX_NAME_LENGTH
    assert name.startswith("Acme - HLP-2026-0001 rev12 - Very long title")
    assert name.endswith((" title.xlsx", " Very.xlsx", " long.xlsx"))  # cut at a word


def test_long_cjk_names_fit_in_255_bytes() -> None:
    name = safe_file_name("オーロラ" * 30, "HLP-2026-0001", 2, "春のキャンペーン" * 50)
    assert_portable(name)
    assert "HLP-2026-0001 rev2" in name
    assert name.endswith(".xlsx")


def test_a_cut_never_splits_a_combining_sequence() -> None:
    title = "e\u0301\u0302" * 200  # no precomposed form for e + acute + circumflex
    name = safe_file_name("A", "N-1", 1, title)
    assert_portable(name)
    kept = name.removesuffix(".xlsx").split(" - ")[-1]
    pair = unicodedata.normalize("NFC", "e\u0301\u0302")  # é + combining circumflex
    assert kept == pair * (len(kept) // 2) and kept


# -- text --------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["=1+1", "+1", "-2", "@SUM(1)", "\tTab", "\rCR"])
def test_formula_like_text_is_recognised_and_kept_exactly(text: str) -> None:
    assert looks_like_formula(text)
    assert safe_text(text) == text


def test_safe_text_drops_only_what_xml_cannot_hold() -> None:
    assert safe_text("a\x00b\x0bc\x1fd\te\nf\rg") == "abcd\te\nf\rg"
    assert safe_text("Chiến dịch 中秋 — ok") == "Chiến dịch 中秋 — ok"
    assert not looks_like_formula("Plain = text")


# -- atomic writes -----------------------------------------------------------------------------


def write_bytes(data: bytes):  # type: ignore[no-untyped-def]
    def write(temp: Path) -> None:
        assert temp.exists() and temp.stat().st_size == 0
        temp.write_bytes(data)

    return write


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_writes_the_file(tmp_path: Path) -> None:
    target = tmp_path / "a.xlsx"
    assert atomic_write(target, write_bytes(b"new")) == target
    assert target.read_bytes() == b"new"
    assert leftovers(tmp_path) == []
    mode = stat.S_IMODE(target.stat().st_mode)
    umask = os.umask(0)
    os.umask(umask)
    assert mode == 0o666 & ~umask  # not mkstemp's 0600


def test_an_existing_file_is_not_replaced_unasked(tmp_path: Path) -> None:
    target = tmp_path / "a.xlsx"
    target.write_bytes(b"old")
    with pytest.raises(ExportExistsError) as caught:
        atomic_write(target, write_bytes(b"new"))
    assert isinstance(caught.value, ExportError)
    assert "a.xlsx already exists" in caught.value.message
    assert caught.value.path == target
    assert target.read_bytes() == b"old"
    assert leftovers(tmp_path) == []
    atomic_write(target, write_bytes(b"new"), overwrite=True)
    assert target.read_bytes() == b"new"


def test_a_file_that_appears_while_writing_is_not_replaced(tmp_path: Path) -> None:
    target = tmp_path / "a.xlsx"

    def write(temp: Path) -> None:
        temp.write_bytes(b"new")
        target.write_bytes(b"someone else's")

    with pytest.raises(ExportExistsError):
        atomic_write(target, write)
    assert target.read_bytes() == b"someone else's"
    assert leftovers(tmp_path) == []


def test_a_failure_mid_write_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "a.xlsx"

    def write(temp: Path) -> None:
        temp.write_bytes(b"half a fi")
        raise RuntimeError("the writer broke")

    with pytest.raises(RuntimeError, match="the writer broke"):
        atomic_write(target, write)
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []

    target.write_bytes(b"old")
    with pytest.raises(RuntimeError):
        atomic_write(target, write, overwrite=True)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.xlsx"]


def test_an_interrupt_mid_write_leaves_nothing(tmp_path: Path) -> None:
    def write(temp: Path) -> None:
        temp.write_bytes(b"x")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        atomic_write(tmp_path / "a.xlsx", write)
    assert list(tmp_path.iterdir()) == []


def test_disk_errors_become_export_errors(tmp_path: Path) -> None:
    def write(temp: Path) -> None:
        raise OSError(28, "No space left on device")

    with pytest.raises(ExportError) as caught:
        atomic_write(tmp_path / "a.xlsx", write)
    assert "disk" in caught.value.message and "full" in caught.value.message
    assert list(tmp_path.iterdir()) == []


def test_a_missing_folder_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "gone" / "deeper"
    with pytest.raises(ExportError) as caught:
        atomic_write(missing / "a.xlsx", write_bytes(b"x"))
    assert f"The folder {missing} does not exist" in caught.value.message


def test_a_folder_as_target_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a.xlsx").mkdir()
    with pytest.raises(ExportError, match="is a folder"):
        atomic_write(tmp_path / "a.xlsx", write_bytes(b"x"), overwrite=True)


@pytest.mark.skipif(
    sys.platform == "win32" or os.geteuid() == 0, reason="root (or Windows) ignores mode bits"
)
def test_a_read_only_folder_gives_a_clear_message(tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(ExportError) as caught:
            atomic_write(folder / "a.xlsx", write_bytes(b"x"))
        assert "read-only" in caught.value.message
        assert str(folder) in caught.value.message
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o755)


def test_a_read_only_folder_gives_a_clear_message_even_as_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Root ignores mode bits: simulate what the OS says for a read-only folder."""
    import tempfile

    def refuse(*args: object, **kwargs: object) -> tuple[int, str]:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    with pytest.raises(ExportError) as caught:
        atomic_write(tmp_path / "a.xlsx", write_bytes(b"x"))
    assert "read-only" in caught.value.message and str(tmp_path) in caught.value.message


def test_a_file_locked_by_another_program_is_explained(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "a.xlsx"
    target.write_bytes(b"old")

    def locked(*args: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", locked)
    with pytest.raises(ExportError) as caught:
        atomic_write(target, write_bytes(b"new"), overwrite=True)
    assert "open in another program" in caught.value.message
    assert target.read_bytes() == b"old"
    assert leftovers(tmp_path) == []


def test_without_hard_links_the_existing_file_is_still_protected(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_links(*args: object) -> None:
        raise OSError(1, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    target = tmp_path / "a.xlsx"
    atomic_write(target, write_bytes(b"first"))
    assert target.read_bytes() == b"first"
    assert leftovers(tmp_path) == []
    with pytest.raises(ExportExistsError):
        atomic_write(target, write_bytes(b"second"))
    assert target.read_bytes() == b"first"
