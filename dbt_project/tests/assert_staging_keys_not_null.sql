{{ config(severity='error') }}
-- Staging rows with a null key column: ingestion quarantines rows without their keys, so any row
-- here means the lake was written around ingestion. One row per (model, column) with nulls.
{%- set keys = {
    'stg_webex__cdr': ['report_id', 'org_id', 'started_at', 'week_ending'],
    'stg_webex__media_quality': ['org_id', 'local_session_id', 'started_at', 'week_ending'],
    'stg_webex__call_queue_stats': ['org_id', 'queue_id', 'stats_date', 'week_ending'],
    'stg_webex__meeting_participants': ['org_id', 'meeting_id', 'email', 'joined_at', 'week_ending'],
    'stg_webex__customers': ['org_id', 'snapshot_date'],
    'stg_webex__customer_tags': ['org_id', 'tag', 'snapshot_date'],
    'stg_webex__subscriptions': ['subscription_id', 'org_id', 'snapshot_date'],
    'stg_webex__licenses': ['license_id', 'org_id', 'snapshot_date'],
    'stg_webex__people': ['person_id', 'org_id', 'snapshot_date'],
    'stg_webex__people_emails': ['person_id', 'org_id', 'email', 'snapshot_date'],
    'stg_webex__people_licenses': ['person_id', 'org_id', 'license_id', 'snapshot_date'],
    'stg_webex__locations': ['location_id', 'org_id', 'snapshot_date'],
    'stg_webex__devices': ['device_id', 'org_id', 'snapshot_date'],
    'stg_webex__numbers': ['org_id', 'snapshot_date'],
    'stg_webex__partner_admins': ['admin_id', 'snapshot_date'],
    'stg_webex__partner_admin_orgs': ['admin_id', 'org_id', 'snapshot_date'],
} %}
-- Each model is scanned once (one aggregate row), then unpivoted.
with
{%- for model, columns in keys.items() %}
{{ model }}_nulls as (
    select
        {%- for column in columns %}
        sum(case when {{ column }} is null then 1 else 0 end) as {{ column }}{{ "," if not loop.last }}
        {%- endfor %}
    from {{ ref(model) }}
),
{%- endfor %}
null_keys as (
{%- for model, columns in keys.items() %}
    {%- set outer = loop %}
    {%- for column in columns %}
    select '{{ model }}' as model_name, '{{ column }}' as column_name, {{ column }} as null_rows from {{ model }}_nulls
    {%- if not (outer.last and loop.last) %}
    union all
    {%- endif %}
    {%- endfor %}
{%- endfor %}
)
select model_name, column_name, null_rows
from null_keys
where null_rows > 0
