"""Moved to `pa_base.periods` (the base package every package imports); this name stays for code written
against it and is the same module object (monkeypatching either name patches both)."""

import sys

from pa_base import periods as _module

sys.modules[__name__] = _module
