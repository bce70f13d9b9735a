"""Export files: safe names, atomic writes and text that never turns into a formula.

- :func:`safe_file_name` builds ``{account} - {number} rev{n} - {title}.xlsx`` and
  :func:`clean_file_name` makes any name safe on Windows, macOS and Linux: no ``<>:"/\\|?*``,
  control or bidi-override characters, no trailing dots or spaces, no leading dots (hidden on
  macOS/Linux), not a reserved device name (``CON``, ``PRN``, ``AUX``, ``NUL``, ``COM0-9``,
  ``LPT0-9``, with or without an extension, any case), at most 150 characters and 240 UTF-8
  bytes with the extension kept. Text stays Unicode NFC, so Vietnamese and CJK names stay
  readable.
- :func:`atomic_write` writes through a temporary file in the target's folder and renames it
  into place: the target is either the old file or the complete new one, never half a file.
  An existing file is refused (:class:`ExportExistsError`) unless ``overwrite=True``; disk
  errors become :class:`ExportError` with a message meant for the user.
- :func:`safe_text` and :func:`looks_like_formula` serve the formula-injection rule: text that
  begins with ``=``, ``+``, ``-``, ``@``, tab or carriage return is written as text, unchanged
  (the xlsx writer stores such cells as strings; nothing visible is added).
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import tempfile
import unicodedata
from collections.abc import Callable
from pathlib import Path

__all__ = [
    "FORMULA_TRIGGERS",
    "MAX_NAME_BYTES",
    "MAX_NAME_LENGTH",
    "ExportError",
    "ExportExistsError",
    "atomic_write",
    "clean_file_name",
    "looks_like_formula",
    "safe_file_name",
    "safe_text",
]

MAX_NAME_LENGTH = 150
"""Most characters of an export's file name, extension included."""
MAX_NAME_BYTES = 240
"""Most UTF-8 bytes of a file name (Linux and macOS allow 255; CJK takes 3 bytes a character)."""

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read text as a formula."""


class ExportError(Exception):
    """An export could not be written; ``message`` says why, for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ExportExistsError(ExportError):
    """The target file exists and the caller did not allow replacing it."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            f"{path.name} already exists in {path.parent}. "
            "Choose another name, or confirm that it may be replaced."
        )
        self.path = path


# -- text --------------------------------------------------------------------------------------

# XML 1.0 cannot hold these at all (openpyxl refuses them); tab, LF and CR are allowed.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def looks_like_formula(value: str) -> bool:
    """Whether a spreadsheet would take ``value`` for a formula if it were typed in."""
    return value.startswith(FORMULA_TRIGGERS)


def safe_text(value: str) -> str:
    """``value`` as it can be stored in a cell, exactly otherwise.

    Characters XML cannot carry (NUL and the other C0 controls except tab, LF, CR) are dropped;
    nothing is added: a leading ``=``/``+``/``-``/``@``/tab/CR stays, and the writer marks the
    cell as text (see :func:`looks_like_formula`).
    """
    if not isinstance(value, str):
        raise TypeError(f"value must be a str, not {type(value).__name__}")
    return _XML_ILLEGAL.sub("", value)


# -- file names --------------------------------------------------------------------------------

_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_REPLACEMENTS = str.maketrans({":": " - ", "/": "-", "\\": "-", "|": "-", '"': "'"})
_DROPPED = re.compile(r"[<>?*]")
_BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_SPACES = re.compile(r"\s+")
_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
    | {f"{device}{n}" for device in ("COM", "LPT") for n in (*"0123456789", "¹", "²", "³")}
)


def _clean_part(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    text = _BIDI_CONTROLS.sub("", text)
    text = _CONTROLS.sub(" ", text)  # tabs and line breaks become spaces
    text = _DROPPED.sub("", text.translate(_REPLACEMENTS))
    text = _SPACES.sub(" ", text).replace(" - - ", " - ")
    return text.strip()


def _fits(name: str) -> bool:
    return len(name) <= MAX_NAME_LENGTH and len(name.encode("utf-8")) <= MAX_NAME_BYTES


def _cut(text: str, room: int) -> str:
    """At most the first ``room`` characters of ``text``, never ending inside a character
    sequence (a base letter keeps all its combining marks, or goes with them)."""
    cut = max(min(room, len(text)), 0)
    while 0 < cut < len(text) and unicodedata.combining(text[cut]):
        cut -= 1
    return text[:cut]


def _is_reserved(stem: str) -> bool:
    base = stem.split(".", 1)[0].rstrip(" ").upper()
    return base in _RESERVED


def _finish(stem: str, fallback: str) -> str:
    stem = stem.strip(" ").rstrip(". ").lstrip(". ")
    if not stem:
        stem = fallback
    if _is_reserved(stem):
        stem = f"_{stem}"
    return stem


def clean_file_name(name: str, *, extension: str = "", fallback: str = "export") -> str:
    """``name`` + ``extension`` made safe as one file name on Windows, macOS and Linux."""
    ext = _clean_part(extension)
    if ext and not ext.startswith("."):
        ext = f".{ext}"
    if not _fits(_finish(fallback, "export") + ext):
        raise ValueError(f"the extension {extension!r} leaves no room for a name")
    stem = _finish(_clean_part(name), fallback)
    while not _fits(stem + ext):
        over = max(len(stem + ext) - MAX_NAME_LENGTH, 1)
        over_bytes = len((stem + ext).encode("utf-8")) - MAX_NAME_BYTES
        if over_bytes > 0:
            over = max(over, (over_bytes + 3) // 4)
        stem = _finish(_cut(stem, len(stem) - over), fallback)
    return stem + ext


def safe_file_name(
    account: str, number: str, revision: int, title: str, *, extension: str = ".xlsx"
) -> str:
    """``{account} - {number} rev{revision} - {title}{extension}``, safe as a file name.

    A name that is too long loses the end of the title first, then of the account name, so
    the estimate number and revision stay readable. Empty parts are left out with their dash.
    """
    account_part = _clean_part(account)
    title_part = _clean_part(title)
    middle = _clean_part(f"{number} rev{revision}")

    def name(account_text: str, title_text: str) -> str:
        return " - ".join(part for part in (account_text, middle, title_text) if part) + extension

    full_title = title_part
    while title_part and not _fits(name(account_part, title_part)):
        title_part = _cut(title_part, len(title_part) - 1).rstrip(" .")
    if title_part != full_title and not full_title[len(title_part)].isspace():
        word_end = title_part.rfind(" ")  # end at a word if one ends close enough
        if word_end >= len(title_part) - 20 and word_end > 0:
            title_part = title_part[:word_end].rstrip(" .")
    while account_part and not _fits(name(account_part, title_part)):
        account_part = _cut(account_part, len(account_part) - 1).rstrip(" .")
    stem = " - ".join(part for part in (account_part, middle, title_part) if part)
    return clean_file_name(stem, extension=extension, fallback="estimate")


# -- atomic writes -----------------------------------------------------------------------------


def _os_message(exc: OSError, path: Path, doing: str) -> str:
    folder = path.parent
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"The disk holding {folder} is full: free some space and export again."
    if isinstance(exc, PermissionError) or exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        if doing == "replace":
            return (
                f"{path.name} cannot be replaced: it may be open in another program "
                "(close it there), or the folder is read-only."
            )
        return f"Keyplan cannot write to {folder}: the folder is read-only or not yours."
    if isinstance(exc, FileNotFoundError):
        return f"The folder {folder} does not exist (was a drive disconnected?)."
    reason = exc.strerror or str(exc)
    return f"Keyplan could not write {path.name} to {folder}: {reason}."


def _temp_beside(target: Path) -> Path:
    handle, name = tempfile.mkstemp(
        prefix=f".{target.stem[:40]}-", suffix=".tmp", dir=target.parent
    )
    os.close(handle)
    temp = Path(name)
    umask = os.umask(0)  # mkstemp makes 0600; give the permissions of any new file of the user's
    os.umask(umask)
    temp.chmod(0o666 & ~umask)
    return temp


def _fsync_folder(folder: Path) -> None:
    if os.name != "posix":
        return
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def _publish(temp: Path, target: Path, overwrite: bool) -> None:
    """Move ``temp`` onto ``target``; without ``overwrite`` never replace an existing file."""
    if overwrite:
        os.replace(temp, target)
        return
    try:
        os.link(temp, target)  # atomic "create only if absent"
    except FileExistsError:
        raise ExportExistsError(target) from None
    except OSError:
        # a file system without hard links (FAT, some network shares): check, then rename
        if target.exists():
            raise ExportExistsError(target) from None
        os.replace(temp, target)
        return
    temp.unlink()


def atomic_write(path: Path, write: Callable[[Path], None], *, overwrite: bool = False) -> Path:
    """Create ``path`` with ``write(temp_path)`` through a temporary file beside it.

    ``write`` fills the temporary file it is given (it exists and is empty). The result is
    renamed onto ``path`` only when ``write`` returned; on any failure the temporary file is
    removed and ``path`` is left as it was. Returns the absolute path written.

    Raises :class:`ExportExistsError` when ``path`` exists and ``overwrite`` is false (checked
    before writing and again, atomically, when publishing) and :class:`ExportError` when the
    folder is missing or read-only, the disk is full, or the target is a folder. Errors raised
    by ``write`` itself propagate unchanged unless they are ``OSError`` s.
    """
    target = Path(os.path.abspath(path))
    folder = target.parent
    if not folder.is_dir():
        raise ExportError(f"The folder {folder} does not exist.")
    if target.is_dir():
        raise ExportError(f"{target} is a folder: choose a file name.")
    if target.exists() and not overwrite:
        raise ExportExistsError(target)
    try:
        temp = _temp_beside(target)
    except OSError as exc:
        raise ExportError(_os_message(exc, target, "create")) from exc
    stage = "write"
    try:
        write(temp)
        with open(temp, "rb") as written:
            os.fsync(written.fileno())
        stage = "replace"
        _publish(temp, target, overwrite)
    except OSError as exc:
        raise ExportError(_os_message(exc, target, stage)) from exc
    finally:
        with contextlib.suppress(OSError):
            temp.unlink(missing_ok=True)
    _fsync_folder(folder)
    return target
