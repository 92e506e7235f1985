"""ZIP-delivered event files (SPEC 9): Control Hub report downloads (Detailed Call History, call
queue stats) arrive as ZIP archives, often without a `.zip` extension. An event file whose first
bytes are a ZIP signature is read as the CSV member(s) inside, in member-name order; each row's
lineage is `<file>!<member>`. A corrupt archive, or one without a CSV member, fails the file.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import polars as pl

from ingestion.readers import BOM, LandingFile, Records, read_csv_records
from pa_base.errors import FileFormatError

ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")  # local file header, empty archive, spanned


def is_zip(path: Path) -> bool:
    """Whether the file's bytes are a ZIP archive (by its signature, whatever its name)."""
    with open(path, "rb") as handle:
        return handle.read(4) in ZIP_SIGNATURES


def csv_members(archive: zipfile.ZipFile) -> list[str]:
    """The archive's CSV members by name (directories and macOS resource forks left out)."""
    names = [
        info.filename for info in archive.infolist()
        if not info.is_dir() and info.filename.lower().endswith(".csv") and not info.filename.startswith("__MACOSX/")
    ]  # fmt: skip
    return sorted(names)


def read_zip_records(file: LandingFile, fields: list[str], required: list[str], dataset: str, accepts_csv: bool) -> Records:
    """The records of every CSV member, `source_file` naming the member (`<file>!<member>`)."""
    try:
        with zipfile.ZipFile(file.path) as archive:
            members = csv_members(archive)
            if not members:
                listed = ", ".join(repr(n) for n in archive.namelist()[:5]) or "none"
                raise FileFormatError(file.path, f"ZIP archive without a CSV member (members: {listed})")
            if not accepts_csv:
                raise FileFormatError(file.path, f"ZIP archive of CSV for {dataset}, which is not delivered as CSV")
            parts = []
            for member in members:
                data = archive.read(member)
                parts.append((member, data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError, RuntimeError) as error:
        raise FileFormatError(file.path, f"corrupt ZIP archive ({error})") from None
    records = []
    for member, data in parts:
        rel = f"{file.rel}!{member}"
        inner = LandingFile(Path(f"{file.path}!{member}"), rel, file.sha256)  # errors name the member
        if data.startswith(BOM):
            data = data[len(BOM) :]
        try:
            if not data.isascii():
                data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise FileFormatError(inner.path, f"not UTF-8 at byte {error.start}") from None
        records.append((rel, read_csv_records(inner, fields, required, data)))
    return _combined(records)


def _combined(records: list[tuple[str, Records]]) -> Records:
    """One Records over several members: rows carry `source_file`, malformed rows their member."""
    frames = [r.frame.with_columns(pl.lit(rel, dtype=pl.String).alias("source_file")) for rel, r in records]
    frame = pl.concat(frames, how="diagonal") if len(frames) > 1 else frames[0]
    renderers = dict(records)

    def raw(failed: pl.DataFrame) -> list[str | None]:
        out: list[str | None] = [None] * failed.height
        indexed = failed.with_row_index("_at")
        for rel, rows in indexed.group_by("source_file", maintain_order=True):
            for at, text in zip(rows.get_column("_at").to_list(), renderers[rel[0]].raw(rows.drop("_at"))):
                out[at] = text
        return out

    malformed = [(row, reason, text, rel) for rel, r in records for row, reason, text in r.malformed]
    return Records(frame, raw, malformed)
