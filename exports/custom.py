"""Custom report templates: a default report narrowed to an ordered subset of its columns and
filtered by org ids, customer tags and locations (SPEC 7), one YAML file per template.

    name: Gold Customers Calling            # the file name prefix of its exports
    base: Calling Usage Detail Report       # a default template name
    columns: [Customer Name, Org ID, Location, Total Calls, Call Minutes]   # by header, in this order; omitted = all
    filters:                                # every filter given must hold (AND); within one, any value (OR)
      org_ids: [<orgId>, ...]               # the report's Org ID / Customer Org ID column
      tags: [gold, ...]                     # customers having any of these tags (case-insensitive)
      locations: [Zurich HQ, ...]           # the report's Location / Location Name column
    schedules: [daily, weekly, monthly]     # optional: the report schedules that produce it

Reports carry no tag column, so a tag filter is resolved when the report is written: the tags of the
conformed customers (dbt model int_customers_at_period_end: the customers snapshot in force at the
end of the report's period, D for the weekly run) give a set of org ids, and the report is filtered
on its org id column (intersected with `org_ids` when both are given). Tags match case-insensitively
(`Gold` = `gold`), here and in the `customers` command.

A base report that is a weekly table (exports.templates.is_weekly_relation: the subscription tables,
both trends, Customers, the customer-detail reports) exists only for a week ending D, so such a
template may be scheduled weekly only: `daily` or `monthly` fails validation (SPEC 7 "Periods"). Org and tag filters
therefore need a base report with an org id column; location filters one with a location column."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

from exports.naming import check_template_name
from exports.templates import Template, TemplateError, is_weekly_relation, load_default_templates
from pa_base.warehouse import relation

CUSTOM_TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
CADENCES = ("daily", "weekly", "monthly")
FIELDS = ("name", "base", "columns", "filters", "schedules")
FILTERS = ("org_ids", "tags", "locations")
# Report columns a filter applies to, recognised by their documented headers (SPEC 7) or their
# relation column names (STYLE: `<entity>_id` keys).
ORG_HEADERS = ("Org ID", "Customer Org ID")
ORG_COLUMNS = ("org_id", "customer_org_id")
LOCATION_HEADERS = ("Location", "Location Name")
LOCATION_COLUMNS = ("location", "location_name")
# The conformed customers of the warehouse's period (one row per customer; `tags` joined with '; ').
CUSTOMERS_RELATION = relation("int_customers_at_period_end")
TAG_SEPARATOR = "; "


@dataclass(frozen=True)
class CustomTemplate:
    """One custom template as loaded: the narrowed default template plus filters not yet resolved."""

    name: str
    base: str
    template: Template  # relation, chosen columns, base row order, org/location filters
    tags: tuple[str, ...]
    schedules: tuple[str, ...]
    source: str
    org_column: str | None = None  # the base report's org id column (what tag filters resolve onto)

    @property
    def relation(self) -> str:
        return self.template.relation


def _strings(value, where: str, field: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise TemplateError(f"{where}: field '{field}' must be a non-empty list")
    out = []
    for v in value:
        if isinstance(v, bool) or not isinstance(v, (str, int)) or str(v).strip() == "":
            raise TemplateError(f"{where}: field '{field}' has an invalid value {v!r} (expected non-empty text)")
        out.append(str(v).strip())
    if len(set(out)) != len(out):
        dupes = sorted({v for v in out if out.count(v) > 1})
        raise TemplateError(f"{where}: field '{field}' repeats {', '.join(map(repr, dupes))}")
    return tuple(out)


def _filter_column(base: Template, headers: tuple[str, ...], columns: tuple[str, ...]) -> str | None:
    for c in base.columns:
        if c.header in headers or c.column in columns:
            return c.column
    return None


def parse_custom_template(raw, where: str, defaults: list[Template]) -> CustomTemplate:
    """Validate one custom template mapping against the default templates; errors name `where` and the field."""
    if not isinstance(raw, dict):
        raise TemplateError(f"{where}: a custom template must be a mapping with fields {', '.join(FIELDS)}")
    unknown = sorted(set(map(str, raw)) - set(FIELDS))
    if unknown:
        raise TemplateError(f"{where}: unknown field '{unknown[0]}' (fields are {', '.join(FIELDS)})")
    for key in ("name", "base"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise TemplateError(f"{where}: field '{key}' is required (text)")
    name = raw["name"]
    try:
        check_template_name(name)
    except ValueError as exc:
        raise TemplateError(f"{where}: field 'name': {exc}") from None
    by_name = {t.name: t for t in defaults}
    if name in by_name:
        # Same name + same period would be the same export file as the default report's.
        raise TemplateError(f"{where}: field 'name': {name!r} is a default report name; choose another")
    base = by_name.get(raw["base"])
    if base is None:
        raise TemplateError(f"{where}: field 'base': unknown report {raw['base']!r}; reports are {', '.join(sorted(by_name))}")

    by_header = {c.header: c for c in base.columns}
    if raw.get("columns") is None:
        columns = base.columns
    else:
        headers = _strings(raw["columns"], where, "columns")
        for h in headers:
            if h not in by_header:
                raise TemplateError(f"{where}: field 'columns': {h!r} is not a column of {base.name!r} (its columns: {', '.join(base.headers)})")
        columns = tuple(by_header[h] for h in headers)

    filters_raw = raw.get("filters") or {}
    if not isinstance(filters_raw, dict):
        raise TemplateError(f"{where}: field 'filters' must be a mapping with keys {', '.join(FILTERS)}")
    bad = sorted(set(map(str, filters_raw)) - set(FILTERS))
    if bad:
        raise TemplateError(f"{where}: unknown field 'filters.{bad[0]}' (filters are {', '.join(FILTERS)})")
    filters: list[tuple[str, tuple[str, ...]]] = []
    tags: tuple[str, ...] = ()
    org_column = _filter_column(base, ORG_HEADERS, ORG_COLUMNS)
    for key in ("org_ids", "tags"):
        if key in filters_raw and org_column is None:
            raise TemplateError(f"{where}: field 'filters.{key}': report {base.name!r} has no org id column to filter on")
    if "org_ids" in filters_raw:
        filters.append((org_column, _strings(filters_raw["org_ids"], where, "filters.org_ids")))
    if "tags" in filters_raw:
        tags = _strings(filters_raw["tags"], where, "filters.tags")
    if "locations" in filters_raw:
        location_column = _filter_column(base, LOCATION_HEADERS, LOCATION_COLUMNS)
        if location_column is None:
            raise TemplateError(f"{where}: field 'filters.locations': report {base.name!r} has no location column to filter on")
        filters.append((location_column, _strings(filters_raw["locations"], where, "filters.locations")))

    schedules: tuple[str, ...] = ()
    if raw.get("schedules") is not None:
        schedules = _strings(raw["schedules"], where, "schedules")
        for s in schedules:
            if s not in CADENCES:
                raise TemplateError(f"{where}: field 'schedules': unknown schedule {s!r} (schedules are {', '.join(CADENCES)})")
            if s != "weekly" and is_weekly_relation(base.relation):
                raise TemplateError(
                    f"{where}: field 'schedules': {s!r} is not possible for base {base.name!r}, a weekly table that "
                    "exists only for a week ending D (SPEC 7 Periods); schedule it weekly"
                )

    template = Template(
        name=name,
        relation=base.relation,
        columns=tuple(columns),
        order_by=base.order_by,
        filters=tuple(filters),
        source=where,
    )
    return CustomTemplate(name=name, base=base.name, template=template, tags=tags, schedules=schedules, source=where, org_column=org_column)


def load_custom_template(path: Path, defaults: list[Template] | None = None) -> CustomTemplate:
    """Load and validate one custom template file."""
    path = Path(path)
    defaults = load_default_templates() if defaults is None else defaults
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise TemplateError(f"{path}: cannot read custom template: {exc.strerror or exc}") from None
    except yaml.YAMLError as exc:
        raise TemplateError(f"{path}: not valid YAML: {exc}") from None
    return parse_custom_template(raw, str(path), defaults)


def load_custom_templates(directory: Path = CUSTOM_TEMPLATES_DIR, defaults: list[Template] | None = None) -> list[CustomTemplate]:
    """Every `*.yml` custom template of a folder, in file-name order; names must be unique."""
    defaults = load_default_templates() if defaults is None else defaults
    out: list[CustomTemplate] = []
    seen: dict[str, str] = {}
    for path in sorted(Path(directory).glob("*.yml")):
        t = load_custom_template(path, defaults)
        if t.name in seen:
            raise TemplateError(f"{path}: field 'name': {t.name!r} is already the name of {seen[t.name]}")
        seen[t.name] = str(path)
        out.append(t)
    return out


def tag_match_sql(tags_column: str, count: int) -> str:
    """SQL true when the '; '-joined `tags_column` holds any of `count` bound tags, case-insensitively
    (the one tag-matching rule: custom templates and the `customers` command). Bind the tags lower-cased."""
    marks = ", ".join("?" for _ in range(count))
    return f"list_has_any(list_transform(string_split(coalesce({tags_column}, ''), '{TAG_SEPARATOR}'), lambda t: lower(t)), [{marks}])"


def tagged_org_ids(con, tags: tuple[str, ...]) -> tuple[str, ...]:
    """Org ids of the customers carrying any of `tags` (case-insensitive) in the warehouse's conformed
    customers (int_customers_at_period_end: in force at the end of the period it was built for)."""
    rows = con.execute(
        f"select distinct cast(org_id as varchar) from {CUSTOMERS_RELATION} where {tag_match_sql('tags', len(tags))} order by 1",
        [t.lower() for t in tags],
    ).fetchall()
    return tuple(r[0] for r in rows)


# No org id is empty, so filtering on "" keeps no row (an `in ()` list is not valid SQL).
_NO_ORG = ("",)


def resolve(custom: CustomTemplate, con, as_of: dt.date | None = None) -> Template:
    """The writer-ready template: tag filters turned into org ids (AND with any org_ids filter).

    The tags are those of the warehouse `con` reads (a period's rebuilt copy holds the customers at
    that period's end); `as_of` is accepted for older callers and not used."""
    if not custom.tags:
        return custom.template
    tagged = tagged_org_ids(con, custom.tags)
    filters = list(custom.template.filters)
    for i, (column, values) in enumerate(filters):
        if column == custom.org_column:
            kept = tuple(v for v in values if v in set(tagged))
            filters[i] = (column, kept or _NO_ORG)
            break
    else:
        filters.insert(0, (custom.org_column, tagged or _NO_ORG))
    return replace(custom.template, filters=tuple(filters))
