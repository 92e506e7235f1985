"""Webex ids -> one spelling per entity (SPEC 9), vectorised.

The REST APIs return "Hydra" ids: unpadded base64url of ``ciscospark://<cluster>/<TYPE>/<uuid>``;
CDRs and Control Hub reports carry the raw UUID of the same person or org. Every id column is
normalised at ingestion to the lower-case UUID, so every join compares like with like:

- a UUID (any case) -> lower-case;
- a Hydra id whose decoded text is ``ciscospark://<cluster>/<TYPE>/<uuid>`` -> that uuid, lower-case;
- anything else (test ids such as ``org-1``, a Hydra id of another shape) is kept as it is and
  counted per column ("unrecognised ids" in summary.json).

A CDR-sized column of raw UUIDs costs one regex test and one lower-casing: only the values that are
not UUIDs are base64-decoded, and those only with polars expressions (no per-row Python).
"""

from __future__ import annotations

import polars as pl

UUID = r"^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$"

# The decoded Hydra text, matched on its hex rendering (decoded bytes need not be UTF-8):
# "ciscospark://" <cluster> "/" <TYPE> "/" <uuid>, the uuid's characters captured.
_HEX_DIGIT = "(?:3[0-9]|4[1-6]|6[1-6])"  # one of 0-9 A-F a-f, as hex of its ASCII byte
_HEX_UUID = "2d".join(f"{_HEX_DIGIT}{{{n}}}" for n in (8, 4, 4, 4, 12))
_NOT_SLASH = "(?:[013-9a-f][0-9a-f]|2[0-9a-e])"  # any byte but "/" (0x2f)
_HYDRA_HEX = "^636973636f737061726b3a2f2f" + f"{_NOT_SLASH}+2f{_NOT_SLASH}+2f({_HEX_UUID})$"


def _hydra_uuid(value: pl.Expr) -> pl.Expr:
    """Hydra ids -> their lower-case uuid; null where a value is not a decodable Hydra id."""
    text = value.str.strip_chars().str.replace_all("-", "+", literal=True).str.replace_all("_", "/", literal=True)
    pad = (4 - text.str.len_bytes() % 4) % 4
    padded = pl.concat_str([text, pl.lit("===").str.slice(0, pad)])
    uuid_hex = padded.str.decode("base64", strict=False).bin.encode("hex").str.extract(_HYDRA_HEX, 1)
    return uuid_hex.str.decode("hex", strict=False).cast(pl.String).str.to_lowercase()


def _hydra_uuids(values: pl.Series) -> pl.Series:
    return pl.select(_hydra_uuid(pl.lit(values))).to_series()


def normalise_ids(values: pl.Series) -> pl.Series:
    """String ids -> lower-case UUIDs where they are UUIDs or Hydra ids; other values unchanged."""
    is_uuid = values.str.contains(UUID)
    other = ~is_uuid  # null stays null (not an "other")
    out = values.str.to_lowercase() if is_uuid.all() else pl.select(pl.when(is_uuid).then(values.str.to_lowercase()).otherwise(values)).to_series()
    if not other.any():
        return out.alias(values.name)
    at = other.arg_true()
    decoded = _hydra_uuids(values.gather(at))
    return out.scatter(at, decoded.fill_null(values.gather(at))).alias(values.name)


def normalise_id(value: pl.Expr) -> pl.Expr:
    """`normalise_ids` as an expression."""
    return value.map_batches(normalise_ids, return_dtype=pl.String)


def recognised(value: pl.Expr) -> pl.Expr:
    """True where an already normalised id is a lower-case UUID (null stays null)."""
    return value.str.contains(UUID)


def normalise_id_list(value: pl.Expr) -> pl.Expr:
    """A list of ids (people.licenses, assignedOrgIds) with each element normalised. Plain expressions
    only: a Python function inside `list.eval` would run once per row."""
    element = pl.element()
    is_uuid = element.str.contains(UUID)
    normalised = pl.when(is_uuid).then(element.str.to_lowercase()).otherwise(pl.coalesce(_hydra_uuid(element), element))
    return value.list.eval(normalised)
