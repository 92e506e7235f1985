"""Report templates: a name, the warehouse relation it reads, its ordered columns and row order.

Default templates are data (exports/default_templates/*.yml), one file per area; the CSV writer
knows nothing about any particular report."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from exports.naming import check_template_name

DEFAULT_TEMPLATES_DIR = Path(__file__).resolve().parent / "default_templates"


# SPEC 7 "Periods": the relations that can be computed for any period [A, B] - the period tables
# (over the period; Calls Change % against the equally long period before) and the inventories (as in
# force at the period's end). Every other report is a weekly table: it exists only for the week ending
# D the warehouse was built for (the subscription tables, both trends, Customers, and the SPEC 12
# customer-detail reports, all "as of D"), so a custom period or a daily/monthly schedule is refused.
# A new report is weekly until it is listed here.
PERIOD_RELATIONS = frozenset(
    {
        "rpt_calling_usage_detail",
        "rpt_customers_and_usage",
        "rpt_customers_and_call_quality",
        "rpt_call_quality_by_endpoint_type",
        "rpt_feature_usage",
        "rpt_call_queue_kpis",
        "rpt_customers_and_call_queues",
    }
)
INVENTORY_RELATIONS = frozenset({"rpt_devices", "rpt_phone_numbers"})


def is_weekly_relation(relation: str) -> bool:
    """True for a weekly table (SPEC 7 "Periods"): only the built week ending D can be exported."""
    return relation not in PERIOD_RELATIONS and relation not in INVENTORY_RELATIONS


class TemplateError(ValueError):
    """A template file that does not describe a valid template; the message names file and field."""


@dataclass(frozen=True)
class Column:
    column: str  # column of the relation
    header: str  # exact header in the exported file


@dataclass(frozen=True)
class Template:
    name: str
    relation: str
    columns: tuple[Column, ...]
    order_by: tuple[str, ...]
    # Custom templates: equality filters on relation columns (column -> allowed values).
    filters: tuple[tuple[str, tuple[str, ...]], ...] = field(default=())
    source: str = ""  # the file it came from

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]


def _require(mapping: dict, key: str, where: str, kind: type):
    if key not in mapping:
        raise TemplateError(f"{where}: missing field '{key}'")
    value = mapping[key]
    if not isinstance(value, kind):
        raise TemplateError(f"{where}: field '{key}' must be a {kind.__name__}, got {type(value).__name__}")
    return value


def parse_template(raw: dict, where: str) -> Template:
    """Validate one default-template mapping (see exports/default_templates/*.yml)."""
    if not isinstance(raw, dict):
        raise TemplateError(f"{where}: a template must be a mapping")
    name = _require(raw, "name", where, str)
    try:
        check_template_name(name)
    except ValueError as exc:
        raise TemplateError(f"{where}: field 'name': {exc}") from None
    relation = _require(raw, "relation", where, str)
    if not relation.replace("_", "").isalnum():
        raise TemplateError(f"{where}: field 'relation' must be a plain model name, got {relation!r}")
    cols_raw = _require(raw, "columns", where, list)
    columns = []
    for i, c in enumerate(cols_raw):
        if not isinstance(c, dict) or not isinstance(c.get("column"), str) or not isinstance(c.get("header"), str):
            raise TemplateError(f"{where}: field 'columns[{i}]' must be {{column: <name>, header: <text>}}")
        if not c["column"].replace("_", "").isalnum():
            raise TemplateError(f"{where}: field 'columns[{i}].column' is not a plain column name: {c['column']!r}")
        columns.append(Column(c["column"], c["header"]))
    if not columns:
        raise TemplateError(f"{where}: field 'columns' is empty")
    order_by = _require(raw, "order_by", where, list)
    for o in order_by:
        if not isinstance(o, str) or not o.replace("_", "").isalnum():
            raise TemplateError(f"{where}: field 'order_by' has an invalid column {o!r}")
    return Template(name=name, relation=relation, columns=tuple(columns), order_by=tuple(order_by), source=where)


def load_default_templates(directory: Path = DEFAULT_TEMPLATES_DIR) -> list[Template]:
    """All default templates, in file-name order then file order; names must be unique."""
    out: list[Template] = []
    seen: dict[str, str] = {}
    for path in sorted(Path(directory).glob("*.yml")):
        # libyaml's safe loader where installed: the same documents, parsed ~10x faster (each export step
        # and each dashboard render parses these files)
        doc = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}
        items = doc.get("templates")
        if not isinstance(items, list):
            raise TemplateError(f"{path}: missing field 'templates' (a list)")
        for i, raw in enumerate(items):
            t = parse_template(raw, f"{path} templates[{i}]")
            if t.name in seen:
                raise TemplateError(f"{path}: template name {t.name!r} already defined in {seen[t.name]}")
            seen[t.name] = str(path)
            out.append(t)
    return out


def template_by_name(name: str, templates: list[Template] | None = None) -> Template:
    templates = load_default_templates() if templates is None else templates
    for t in templates:
        if t.name == name:
            return t
    known = ", ".join(sorted(t.name for t in templates))
    raise TemplateError(f"unknown report {name!r}; known reports: {known}")
