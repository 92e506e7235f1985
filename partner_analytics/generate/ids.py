"""Identifier makers, vectorised: UUIDs, session ids, Webex base64 ids, MACs, from a seeded numpy generator."""

from __future__ import annotations

import base64
import functools

import numpy as np
import polars as pl
import pyarrow as pa

_HEX_LOWER = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
_HEX_UPPER = np.frombuffer(b"0123456789ABCDEF", dtype=np.uint8)
_UUID_DASHES = (8, 13, 18, 23)


def _hex_chars(rng: np.random.Generator, n: int, nbytes: int, upper: bool = False) -> np.ndarray:
    """(n, 2*nbytes) ASCII hex digits of random bytes."""
    raw = rng.integers(0, 256, size=(n, nbytes), dtype=np.uint8)
    table = _HEX_UPPER if upper else _HEX_LOWER
    out = np.empty((n, 2 * nbytes), dtype=np.uint8)
    out[:, 0::2] = table[raw >> 4]
    out[:, 1::2] = table[raw & 0x0F]
    return out


def fixed_width_strings(chars: np.ndarray, name: str = "") -> pl.Series:
    """A polars String series from an (n, width) uint8 array of ASCII, without a Python loop."""
    n, width = chars.shape
    offsets = np.arange(0, (n + 1) * width, width, dtype=np.int64)
    arr = pa.LargeStringArray.from_buffers(n, pa.py_buffer(offsets.tobytes()), pa.py_buffer(np.ascontiguousarray(chars).tobytes()))
    return pl.Series(name, pl.from_arrow(arr)).cast(pl.String)


def uuids(rng: np.random.Generator, n: int, name: str = "") -> pl.Series:
    """n random version-4 UUID strings (lower-case, dashed)."""
    digits = _hex_chars(rng, n, 16)
    digits[:, 12] = ord("4")  # version nibble
    digits[:, 16] = _HEX_LOWER[8 + (digits[:, 16] % 4)]  # RFC 4122 variant 10xx
    out = np.empty((n, 36), dtype=np.uint8)
    src = 0
    dst = 0
    for dash in (*_UUID_DASHES, 36):
        width = dash - dst
        out[:, dst:dash] = digits[:, src : src + width]
        src += width
        dst = dash
        if dash < 36:
            out[:, dash] = ord("-")
            dst += 1
    return fixed_width_strings(out, name)


def hex_ids(rng: np.random.Generator, n: int, nbytes: int = 16, upper: bool = False, name: str = "") -> pl.Series:
    """n random hex strings of 2*nbytes digits (Local SessionID style)."""
    return fixed_width_strings(_hex_chars(rng, n, nbytes, upper), name)


def uuid_list(rng: np.random.Generator, n: int) -> list[str]:
    return uuids(rng, n).to_list()


@functools.lru_cache(maxsize=65536)
def webex_id(kind: str, uuid: str) -> str:
    """A Webex REST id: base64 of ciscospark://us/<KIND>/<uuid>, without padding (as the API emits)."""
    return base64.b64encode(f"ciscospark://us/{kind}/{uuid}".encode()).decode().rstrip("=")


def macs(rng: np.random.Generator, ouis: tuple[tuple[int, int, int], ...], n: int) -> list[str]:
    """n distinct MACs 'AA:BB:CC:DD:EE:FF' under the given vendor OUIs (distinct within the call)."""
    out: list[str] = []
    seen: set[int] = set()
    while len(out) < n:
        oui = ouis[int(rng.integers(len(ouis)))]
        nic = int(rng.integers(0, 1 << 24))
        value = (oui[0] << 40) | (oui[1] << 32) | (oui[2] << 24) | nic
        if value in seen:
            continue
        seen.add(value)
        out.append(":".join(f"{(value >> shift) & 0xFF:02X}" for shift in range(40, -1, -8)))
    return out
