-- One row per CDR leg of the calling window with every column of fct_call_legs that does not depend
-- on D: the leg, its flags and its media quality, stored per leg week (the lake's CDR partition).
-- Incremental (SPEC 13 "cost follows the new data"): a weekly run recomputes only the weeks in var
-- `leg_weeks` - those whose CDR partition or media partitions (the same week and the next) changed
-- since the base warehouse was built (partner_analytics/incremental.py) - and keeps the rest.
-- DuckDB: delete+insert on week_ending (the pre-hook also drops emptied weeks and weeks that left the
-- window); Spark: insert_overwrite of the week_ending partitions. `run --full-refresh` rebuilds all.
{{ week_partitioned_incremental("{{ calling_leg_weeks_pre_hook() }}") }}

{#- var leg_weeks restricts the media int_call_legs_enriched reads (calling_leg_media_weeks_filter):
    only an incremental build of this model may set it -#}
{% if execute and var('leg_weeks', none) is not none and not is_incremental() %}
    {{ exceptions.raise_compiler_error("var leg_weeks is set but int_call_legs_weekly is not built incrementally: run with --full-refresh and without leg_weeks") }}
{% endif %}

select
    -- ids
    report_id,
    org_id,
    call_id,
    user_id,
    -- strings
    location_name,
    user_type,
    client_type,
    {{ normalised_mac('device_mac') }} as device_mac,
    -- numerics
    duration_seconds,
    -- booleans
    is_originating,
    is_terminating,
    is_user_leg,
    is_rated,
    has_audio,
    has_video,
    is_poor_quality,
    -- dates
    started_date,
    week_ending
from {{ ref('int_call_legs_enriched') }}
{% if is_incremental() %}
    where {{ calling_leg_weeks_filter('week_ending') }}
{% endif %}
