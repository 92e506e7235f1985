{#- Snapshot macros: which rows of a snapshot dataset are "in force" (SPEC 4: the newest snapshot
    dated on or before a date). Python callers (expectations/flags.py, exports/custom.py) generate the
    same SQL with partner_analytics.snapshots.snapshot_in_force_sql. -#}

{#- Rows of a snapshot relation (with snapshot_date) in force at as_of (a DATE expression): the newest
    snapshot dated on or before as_of. Empty when no snapshot is that old. -#}
{% macro snapshot_in_force(relation, as_of) -%}
select * from {{ relation }}
where snapshot_date = (
    select max(snapshot_date) from {{ relation }} where snapshot_date <= {{ as_of }}
)
{%- endmacro %}
