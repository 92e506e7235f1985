-- One row per person (CDR User UUID) and UTC day with a CDR leg, per lake CDR week: the calling
-- activity the subscription analytics' 90-day usage windows read (int_people_activity_flagged).
-- Incremental (SPEC 13 "cost follows the new data"): those windows reach 20 weeks back, so a weekly
-- run recomputes only the CDR weeks in var `activity_weeks` - those whose partition changed since the
-- base warehouse was built, or that it did not hold (partner_analytics/incremental.py) - instead of
-- reading ~20 weeks of CDRs again. DuckDB: delete+insert on week_ending (the pre-hook also drops
-- emptied weeks and weeks that left the horizon); Spark: insert_overwrite of the week_ending
-- partitions. `run --full-refresh` rebuilds all.
{{ week_partitioned_incremental("{{ activity_days_pre_hook('activity_weeks') }}") }}

{{ activity_days_guard('activity_weeks', 'int_calling_active_days') }}

select distinct
    user_id as person_id,
    cast(started_at as date) as activity_date,
    week_ending
from {{ ref('stg_webex__cdr') }}
where user_id is not null
    and {{ activity_days_weeks_filter('activity_weeks', 'week_ending') }}
