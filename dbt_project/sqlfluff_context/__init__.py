"""What sqlfluff's jinja templater needs to render this dbt project's models for linting.

`.sqlfluff` points `library_path` here; sqlfluff puts these names in the Jinja context of every model
and macro. dbt's own names are stood in for: `var` returns the project's own defaults
(dbt_project.yml `vars:`, so a model renders as `dbt parse` sees it), `dbt.<macro>` (the
cross-database macros) and `adapter.dispatch(...)` render a SQL call of the macro's name, and
`builtins.source`/`target` give plain names. sqlfluff lints a model's own text, never what a macro
expands to, so a stand-in only has to render valid SQL in its place. Not used by dbt."""

from __future__ import annotations

import datetime
import re
import types
from pathlib import Path

import yaml

_PROJECT = yaml.safe_load((Path(__file__).resolve().parent.parent / "dbt_project.yml").read_text(encoding="utf-8"))
_VARS = _PROJECT.get("vars") or {}
# dbt.type_*() render a type name (they stand after `as` in casts, where a call does not parse)
_TYPES = {"type_string": "varchar", "type_int": "integer", "type_bigint": "bigint", "type_float": "double",
          "type_numeric": "numeric", "type_boolean": "boolean", "type_timestamp": "timestamp"}  # fmt: skip


def _sql(value: object) -> str:
    """An argument as SQL: an expression stays as written; a bare separator such as `; ` (a string
    the macro quotes itself) becomes a string literal."""
    if isinstance(value, str):
        return value if re.search(r"\w", value) else "'" + value.replace("'", "''") + "'"
    return repr(value)


class _Call:
    """Renders `<name>(<args>)`: a macro call as SQL sees its result (a value, or a relation)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __call__(self, *args: object, **kwargs: object) -> str:
        if self.name in _TYPES:
            return _TYPES[self.name]
        return f"{self.name}({', '.join(_sql(a) for a in (*args, *kwargs.values()))})"


class _Macros:
    """`dbt.dateadd(...)` and the other cross-database macros."""

    def __getattr__(self, name: str) -> _Call:
        if name.startswith("__"):
            raise AttributeError(name)
        return _Call(name)


class _Adapter:
    def dispatch(self, macro_name: str, macro_namespace: str | None = None) -> _Call:
        return _Call(macro_name)


class _Builtins:
    def source(self, source_name: str, table_name: str) -> str:
        return f"{source_name}__{table_name}"

    def ref(self, *names: str, **kwargs: object) -> str:
        return names[-1]


class _Target:
    name = "duckdb"
    type = "duckdb"
    schema = "main"
    database = "warehouse"


class _Null(str):
    """A var without a value: renders as SQL `null` and is false in `{% if var(...) %}`, as dbt's None is."""

    def __bool__(self) -> bool:
        return False


def var(name: str, default: object = None) -> object:
    """The project's default for the var (what `dbt parse` renders), else the call's default."""
    value = _VARS.get(name)
    if value is None:
        return _Null("null") if default is None else default
    if isinstance(value, str) and "{{" in value:  # a default computed by Jinja (home): a plain value
        return "."
    return value


# dbt's `modules` (the macros use modules.datetime for period arithmetic at compile time)
modules = types.SimpleNamespace(datetime=datetime)
dbt = _Macros()
adapter = _Adapter()
builtins = _Builtins()
target = _Target()
