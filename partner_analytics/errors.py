"""Moved to `pa_base.errors` (the base package every package imports); this name stays for code written
against it and is the same module object (monkeypatching either name patches both)."""

import sys

from pa_base import errors as _module

sys.modules[__name__] = _module
