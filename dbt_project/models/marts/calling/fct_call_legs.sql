-- One row per CDR leg of the calling window with the columns the calling reports read. A view: the
-- leg facts are stored once per week in int_call_legs_weekly (incremental, SPEC 13); only the
-- endpoint type depends on D (the devices snapshot in force at the report end), so it is joined
-- here on read instead of rewriting every week of the window each week. All of a leg's columns
-- stay queryable in the view int_call_legs_enriched.
{{ config(materialized='view') }}

with

legs as (
    select * from {{ ref('int_call_legs_weekly') }}
    where started_date >= {{ calling_window_start() }}
        and started_date < {{ calling_window_end() }}
),

devices_by_mac as (
    select * from {{ ref('int_call_leg_devices') }}
),

device_endpoint_types as (
    select * from {{ ref('calling_device_endpoint_types') }}
),

client_endpoint_types as (
    select * from {{ ref('calling_client_endpoint_types') }}
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
    {{ calling_endpoint_type() }} as endpoint_type,
    -- numerics
    legs.duration_seconds,
    -- booleans
    legs.is_originating,
    legs.is_terminating,
    legs.is_user_leg,
    legs.is_rated,
    legs.has_audio,
    legs.has_video,
    legs.is_poor_quality,
    -- dates
    legs.started_date
from legs
left join devices_by_mac
    on legs.org_id = devices_by_mac.org_id
        and legs.device_mac = devices_by_mac.mac
left join device_endpoint_types
    on devices_by_mac.device_platform = lower(device_endpoint_types.device_platform)
        and devices_by_mac.device_type = lower(device_endpoint_types.device_type)
left join client_endpoint_types
    on upper(legs.client_type) = upper(client_endpoint_types.client_type)
