"""return_freed_memory_promptly: glibc gives freed blocks back instead of keeping them as heap holes."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import textwrap

import pytest

from partner_analytics import process

pytestmark = pytest.mark.skipif(sys.platform != "linux" or platform.libc_ver()[0] != "glibc", reason="mallopt is glibc's (Linux CI has it)")

# Frees 48 one-MiB blocks, each followed by a small live block, after one 16 MiB block was freed (which
# makes glibc raise its mmap threshold, so the 1 MiB blocks come from the heap); prints the MiB of
# resident memory the process keeps for them.
SCRIPT = textwrap.dedent(
    """
    import ctypes, sys
    libc = ctypes.CDLL(None)
    libc.malloc.restype = ctypes.c_void_p
    libc.free.argtypes = [ctypes.c_void_p]
    libc.memset.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_size_t]

    def rss():
        for line in open("/proc/self/status"):
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024

    def touched(size):
        p = libc.malloc(size)
        libc.memset(p, 1, size)
        return p

    if sys.argv[1] == "promptly":
        from partner_analytics.process import return_freed_memory_promptly
        assert return_freed_memory_promptly()
    libc.free(touched(16 << 20))
    before = rss()
    blocks = []
    for _ in range(48):
        blocks.append(touched(1 << 20))
        touched(4000)
    for p in blocks:
        libc.free(p)
    print((rss() - before) >> 20)
    """
)


def _kept_mib(mode: str) -> int:
    env = {k: v for k, v in os.environ.items() if k != "MALLOC_TRIM_THRESHOLD_"}
    out = subprocess.run([sys.executable, "-c", SCRIPT, mode], env=env, capture_output=True, text=True, check=True)
    return int(out.stdout)


def test_freed_blocks_go_back_to_the_system():
    assert _kept_mib("default") >= 40  # glibc's default keeps the 48 MiB freed
    assert _kept_mib("promptly") <= 4


def test_an_operators_own_setting_stands(monkeypatch):
    monkeypatch.setenv("MALLOC_TRIM_THRESHOLD_", "131072")
    assert process.return_freed_memory_promptly() is False
