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

{#- One CTE per snapshot dataset, named after it, with its rows in force at the report period's end
    (report_end; D by default) - the inventories' "in force on the period's last day" (SPEC 7
    "Periods"), read from the int_<dataset>_at_period_end views (no rpt_ model reads a
    staging view). Use as `with {{ snapshots_at_period_end(['devices', 'people']) }}, next as (...)`. -#}
{% macro snapshots_at_period_end(datasets) -%}
{%- for dataset in datasets %}
{{ dataset }} as (
    select * from {{ ref('int_' ~ dataset ~ '_at_period_end') }}
){{ ',' if not loop.last }}
{%- endfor %}
{%- endmacro %}

{#- Per week of the trend spine, the snapshot_date of `relation` in force at the week's end: the
    newest snapshot dated on or before it (NULL when none is that old; later ones are ignored).
    A non-equi join + group by rather than a correlated subquery, which Spark refuses. -#}
{% macro snapshot_date_in_force_by_week(weeks, relation, alias) -%}
select
    weeks.week_index,
    max(snapshots.snapshot_date) as {{ alias }}
from {{ weeks }} as weeks
left join (select distinct snapshot_date from {{ relation }}) as snapshots
    on snapshots.snapshot_date <= weeks.week_ending_date
group by weeks.week_index
{%- endmacro %}

{#- Per week of the trend spine `weeks` (int_subscription_weeks_spined, or a CTE of some of its
    rows), the rows of the snapshot relation dated the week's `snapshot_date_column`: the snapshot in
    force at the week's end, or a bridge read at its parent's date (people_emails at
    people_snapshot_date, subscription_orders at subscriptions_snapshot_date), so an empty bridge
    partition never pulls in an older one. Columns: the spine's week_index, week_ending_date,
    week_start_date and usage_window_start_date, then the relation's. -#}
{% macro snapshot_rows_by_week(weeks, relation, snapshot_date_column) -%}
select
    weeks.week_index,
    weeks.week_ending_date,
    weeks.week_start_date,
    weeks.usage_window_start_date,
    snapshot_rows.*
from {{ weeks }} as weeks
inner join {{ relation }} as snapshot_rows
    on snapshot_rows.snapshot_date = weeks.{{ snapshot_date_column }}
{%- endmacro %}
