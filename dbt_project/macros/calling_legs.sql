{#- Call-leg macros shared by the leg models (int_call_legs_enriched, int_call_legs_weekly,
    fct_call_legs). Cross-database: DuckDB here, Spark 3.5 on scale-out. -#}

{#- One device per (org, normalised MAC) of the devices snapshot in force at the end of the report
    period (D by default): a MAC listed twice in a snapshot must not double a leg. -#}
{% macro calling_devices_by_mac() -%}
select
    org_id,
    mac,
    device_id,
    device_type,
    device_platform
from (
    select
        org_id,
        {{ normalised_mac('mac') }} as mac,
        device_id,
        lower(device_type) as device_type,
        lower(device_platform) as device_platform,
        row_number() over (
            partition by org_id, {{ normalised_mac('mac') }}
            order by device_id
        ) as mac_rank
    from (
        {{ snapshot_in_force(ref('stg_webex__devices'), 'cast(' ~ report_end() ~ ' as date)') }}
    ) as devices_in_force
    where mac is not null and mac <> ''
) as ranked
where mac_rank = 1
{%- endmacro %}

{#- The media records (SPEC 6.4) a calling leg can match: one row per media record (org_id,
    local_session_id) placed in the weeks the window's legs reach, with per stream the worse
    (larger) of the In and Out means, each counted only when that direction has samples. With
    leg_weeks_only, only the media weeks of the leg weeks an incremental build recomputes
    (calling_leg_media_weeks_filter: int_call_legs_weekly); without it every media week of the
    window (the analysts' view int_call_legs_enriched, which must not depend on what a build
    recomputed). -#}
{% macro calling_media_sessions(leg_weeks_only=false) -%}
select
    org_id,
    local_session_id,
    coalesce(audio_in_sample_count, 0) + coalesce(audio_out_sample_count, 0) as audio_sample_count,
    coalesce(video_in_sample_count, 0) + coalesce(video_out_sample_count, 0) as video_sample_count,
    {%- for stream in ['audio', 'video'] %}
        {%- for metric in ['jitter_ms', 'latency_ms', 'packet_loss_pct'] %}
    {{ greater_of(
        'case when coalesce(' ~ stream ~ '_in_sample_count, 0) > 0 then ' ~ stream ~ '_in_' ~ metric ~ ' end',
        'case when coalesce(' ~ stream ~ '_out_sample_count, 0) > 0 then ' ~ stream ~ '_out_' ~ metric ~ ' end'
    ) }} as {{ stream }}_{{ metric }},
        {%- endfor %}
    {%- endfor %}
    week_ending
from {{ ref('stg_webex__media_quality') }}
-- a media record starts at or after its leg; 14 days of slack on top of the leg window
where week_ending > {{ add_days(-7, calling_window_start()) }}
    and week_ending <= {{ add_days(21, calling_window_end()) }}
    {%- if leg_weeks_only %}
    and {{ calling_leg_media_weeks_filter('week_ending') }}
    {%- endif %}
{%- endmacro %}

{#- A leg's media record: the one of its org and local session placed in the leg's own week or the
    next one (its week ending within 14 days after the leg's start date), so a leg's media never
    depends on which other weeks are built and a week recomputed alone (int_call_legs_weekly) equals
    the same week of a full build. `legs` and `media` are the joined relations' aliases. -#}
{% macro calling_leg_media_join(legs='legs', media='media') -%}
{{ legs }}.org_id = {{ media }}.org_id
    and {{ legs }}.local_session_id = {{ media }}.local_session_id
    and {{ media }}.week_ending > {{ legs }}.started_date
    and {{ media }}.week_ending <= {{ add_days(14, legs ~ '.started_date') }}
{%- endmacro %}

{#- A leg's media flags (SPEC 6.4) from its joined media record (calling_media_sessions, left-joined
    with calling_leg_media_join): rated when it has one; audio from its samples (no record: answered);
    poor quality when any present stream's jitter, latency or loss is strictly above the vars
    poor_jitter_ms / poor_latency_ms / poor_packet_loss_pct. -#}
{% macro calling_leg_media_flags(legs='legs', media='media') -%}
{{ media }}.local_session_id is not null as is_rated,
case
    when {{ media }}.local_session_id is not null then {{ media }}.audio_sample_count > 0
    else {{ legs }}.is_answered
end as has_audio,
coalesce({{ media }}.video_sample_count > 0, false) as has_video,
coalesce(
    {{ media }}.audio_jitter_ms > {{ var('poor_jitter_ms') }}
    or {{ media }}.video_jitter_ms > {{ var('poor_jitter_ms') }}
    or {{ media }}.audio_latency_ms > {{ var('poor_latency_ms') }}
    or {{ media }}.video_latency_ms > {{ var('poor_latency_ms') }}
    or {{ media }}.audio_packet_loss_pct > {{ var('poor_packet_loss_pct') }}
    or {{ media }}.video_packet_loss_pct > {{ var('poor_packet_loss_pct') }},
    false
) as is_poor_quality
{%- endmacro %}

{#- The leg weeks (lake partitions week_ending = the UTC week of started_at) of the calling window:
    week endings w with [w - 7 days, w) overlapping [calling_window_start, calling_window_end). -#}
{% macro calling_window_weeks_filter(column) -%}
{{ column }} > {{ calling_window_start() }}
and {{ column }} < {{ add_days(7, calling_window_end()) }}
{%- endmacro %}

{#- The weeks an incremental build recomputes: var `leg_weeks`, a list of ISO week endings set by
    partner_analytics/incremental.py (none -> no week; unset -> every week of the window). -#}
{% macro calling_leg_weeks_filter(column) -%}
{{ weeks_var_filter('leg_weeks', column, calling_window_weeks_filter(column)) }}
{%- endmacro %}

{#- `column` in the ISO week endings of list var `name` (an empty list: no week); `unset` (SQL) when
    the var is not set. -#}
{% macro weeks_var_filter(name, column, unset) -%}
{%- set weeks = var(name, none) -%}
{#- (a falsy string: the linter's stand-in for an unset var, dbt_project/sqlfluff_context) -#}
{%- if weeks is none or (weeks is string and not weeks) -%}
{{ unset }}
{%- elif weeks | length == 0 -%}
1 = 0
{%- else -%}
{{ column }} in ({% for w in weeks %}{{ date_literal(w) }}{{ ', ' if not loop.last }}{% endfor %})
{%- endif -%}
{%- endmacro %}

{#- The media weeks the recomputed leg weeks read (a leg joins a media record placed in its own week
    or the next: calling_leg_media_join): w and w + 7 for each w of var `leg_weeks`; unset -> no
    restriction. Without it an incremental build scanned and hashed the whole window's media to join
    the one or two weeks it recomputes (13.9 s of a 37.8 s steady-state build at scale s, region US). -#}
{% macro calling_leg_media_weeks_filter(column) -%}
{%- set weeks = var('leg_weeks', none) -%}
{#- (a falsy string: the linter's stand-in for an unset var, dbt_project/sqlfluff_context) -#}
{%- if weeks is none or (weeks is string and not weeks) -%}
1 = 1
{%- elif weeks | length == 0 -%}
1 = 0
{%- else -%}
{%- set media_weeks = [] -%}
{%- for w in weeks -%}
{%- set day = modules.datetime.date.fromisoformat(w | string) -%}
{%- for m in [day, day + modules.datetime.timedelta(days=7)] -%}
{%- if m.isoformat() not in media_weeks %}{% do media_weeks.append(m.isoformat()) %}{% endif -%}
{%- endfor -%}
{%- endfor -%}
{{ column }} in ({% for m in media_weeks | sort %}{{ date_literal(m) }}{{ ', ' if not loop.last }}{% endfor %})
{%- endif -%}
{%- endmacro %}

{#- DuckDB pre-hook of int_call_legs_weekly in an incremental build: the recomputed weeks go (also a
    week that now has no leg at all, which delete+insert alone would keep) and so do the weeks that
    left the calling window, so the table holds the window's weeks only - the same rows as a full
    build and a warehouse whose size follows the window, not the lake's history. -#}
{% macro calling_leg_weeks_pre_hook() -%}
{%- if is_incremental() and target.type == 'duckdb' -%}
delete from {{ this }}
where ({{ calling_leg_weeks_filter('week_ending') }})
   or not ({{ calling_window_weeks_filter('week_ending') }})
{%- endif -%}
{%- endmacro %}

{#- The config of a table stored per lake week (`week_ending`) and kept incrementally: DuckDB delete+insert
    on week_ending (the model's `pre_hook` also drops emptied weeks and weeks that left its horizon), Spark
    insert_overwrite of the week_ending partitions. int_call_legs_weekly and the activity days. -#}
{% macro week_partitioned_incremental(pre_hook) -%}
{{ config(
    materialized='incremental',
    incremental_strategy=('insert_overwrite' if target.type == 'spark' else 'delete+insert'),
    unique_key=(none if target.type == 'spark' else 'week_ending'),
    partition_by=(['week_ending'] if target.type == 'spark' else none),
    file_format=('parquet' if target.type == 'spark' else none),
    on_schema_change='fail',
    pre_hook=pre_hook
) }}
{%- endmacro %}
