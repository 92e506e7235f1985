-- One row per CDR leg of the calling window with every column of fct_call_legs that does not depend
-- on D: the leg, its flags and its media quality, stored per leg week (the lake's CDR partition).
-- Incremental (SPEC 13 "cost follows the new data"): a weekly run recomputes only the weeks in var
-- `leg_weeks` - those whose CDR partition or media partitions (the same week and the next) changed
-- since the base warehouse was built (partner_analytics/incremental.py) - and keeps the rest.
-- DuckDB: delete+insert on week_ending (the pre-hook also drops emptied weeks and weeks that left the
-- window); Spark: insert_overwrite of the week_ending partitions. `run --full-refresh` rebuilds all.
--
-- The same legs and media flags as the view int_call_legs_enriched (the shared macros in
-- macros/calling_legs.sql), read from int_call_legs_windowed without the view's device joins: the
-- endpoint type depends on D and is joined on read (fct_call_legs), and reading through the view kept
-- those joins in the plan (scale m, two weeks of 3.9 M legs: the query alone 18.0 s through the view
-- against 9.9 s, the model in the build ~32 s against ~28.5 s; benchmarks/README).
{{ week_partitioned_incremental("{{ calling_leg_weeks_pre_hook() }}") }}

{#- var leg_weeks restricts the legs and the media this model reads (calling_leg_weeks_filter,
    calling_leg_media_weeks_filter): only an incremental build of this model may set it -#}
{% if execute and var('leg_weeks', none) is not none and not is_incremental() %}
    {{ exceptions.raise_compiler_error("var leg_weeks is set but int_call_legs_weekly is not built incrementally: run with --full-refresh and without leg_weeks") }}
{% endif %}

with

legs as (
    select * from {{ ref('int_call_legs_windowed') }}
    {% if is_incremental() %}
        where {{ calling_leg_weeks_filter('week_ending') }}
    {% endif %}
),

-- the media weeks of the recomputed leg weeks only (every week in a full build)
media as (
    {{ calling_media_sessions(leg_weeks_only=true) }}
)

select
    -- ids
    legs.report_id,
    legs.org_id,
    legs.call_id,
    legs.user_id,
    -- strings
    legs.location_name,
    legs.user_type,
    legs.client_type,
    {{ normalised_mac('legs.device_mac') }} as device_mac,
    -- numerics
    legs.duration_seconds,
    -- booleans
    legs.is_originating,
    legs.is_terminating,
    legs.is_user_leg,
    {{ calling_leg_media_flags() | indent(4) }},
    -- dates
    legs.started_date,
    legs.week_ending
from legs
left join media
    on {{ calling_leg_media_join() }}
