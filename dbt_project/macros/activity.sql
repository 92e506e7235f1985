{#- The people's activity days (models/intermediate/activity): one row per person key and UTC day with an
    event, stored per lake event week and kept incrementally (partner_analytics/incremental.py). -#}

{#- The event weeks an activity-days model recomputes: list var `name` (activity_weeks for the CDRs,
    meeting_weeks for the meetings) set by partner_analytics/incremental.py (empty: no week); unset ->
    every week the activity flags read (usage_window_weeks_filter). -#}
{% macro activity_days_weeks_filter(name, column) -%}
{{ weeks_var_filter(name, column, usage_window_weeks_filter(column)) }}
{%- endmacro %}

{#- DuckDB pre-hook of an activity-days model in an incremental build: the recomputed weeks go (also a week
    left without any event) and so do the weeks that left the 20-week horizon, so the table holds the same
    rows as a full build. -#}
{% macro activity_days_pre_hook(name) -%}
{%- if is_incremental() and target.type == 'duckdb' -%}
delete from {{ this }}
where ({{ activity_days_weeks_filter(name, 'week_ending') }})
   or not ({{ usage_window_weeks_filter('week_ending') }})
{%- endif -%}
{%- endmacro %}

{#- An incremental build of an activity-days model always names its weeks (`name`): a full build must not. -#}
{% macro activity_days_guard(name, model_name) -%}
{% if execute and var(name, none) is not none and not is_incremental() %}
    {{ exceptions.raise_compiler_error("var " ~ name ~ " is set but " ~ model_name ~ " is not built incrementally: run with --full-refresh and without " ~ name) }}
{% endif %}
{%- endmacro %}
