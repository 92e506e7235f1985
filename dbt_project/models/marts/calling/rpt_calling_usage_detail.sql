-- Calling Usage Detail Report: one row per customer (org) and CDR Location with call legs in the
-- report period [report_start, report_end) (default W); queue columns from call_queue_stats of the
-- same org and location name over the same days, 0 where the location has none. Customer name from
-- the customers in force at report_end (int_customers_at_period_end).
with

legs as (
    {{ report_period_rows(ref('fct_call_legs'), 'started_date') }}
),

queue_days as (
    {{ report_period_rows(ref('int_call_queue_days_weighted'), 'stats_date') }}
),

by_location as (
    select
        org_id,
        location_name,
        count(case when is_originating then 1 end) as total_calls,
        count(*) as total_call_legs,
        count(case when is_poor_quality then 1 end) as total_poor_quality_calls,
        cast(sum(duration_seconds) as bigint) as duration_seconds,
        cast(sum(case when has_video then duration_seconds else 0 end) as bigint) as video_duration_seconds,
        count(case when has_audio then 1 end) as call_legs_audio,
        count(case when has_video then 1 end) as call_legs_video,
        count(case when endpoint_type = 'Desk Phone' then 1 end) as call_legs_desk_phone,
        count(case when endpoint_type = 'Room Device' then 1 end) as call_legs_room_device,
        count(case when endpoint_type = 'Other Devices' then 1 end) as call_legs_other_devices,
        -- distinct calls: the several hunt-group legs of one call count once
        count(distinct case when is_terminating and user_type = 'HuntGroup' then call_id end)
            as calls_hunt_group_calls,
        count(distinct case when is_terminating and user_type = 'AutomatedAttendantVideo' then call_id end)
            as calls_auto_attendant_calls
    from legs
    group by org_id, location_name
),

queues_by_location as (
    {{ call_queue_totals(['org_id', 'location_name']) }}
)

select
    customers.customer_name,
    by_location.org_id,
    by_location.location_name as location,
    by_location.total_calls,
    by_location.total_call_legs,
    by_location.total_poor_quality_calls,
    {{ minutes('by_location.duration_seconds') }} as call_minutes,
    {{ minutes('by_location.video_duration_seconds') }} as call_minutes_video,
    by_location.call_legs_audio,
    by_location.call_legs_video,
    by_location.call_legs_desk_phone,
    by_location.call_legs_room_device,
    by_location.call_legs_other_devices,
    by_location.calls_hunt_group_calls,
    by_location.calls_auto_attendant_calls,
    coalesce(queues_by_location.total_calls, 0) as call_queue_total_calls,
    coalesce(queues_by_location.overflowed_timeout_calls, 0) as call_queue_timed_out_calls,
    coalesce(queues_by_location.overflowed_busy_calls, 0) as call_queue_overflowed_calls,
    coalesce(queues_by_location.transferred_calls, 0) as call_queue_transferred_calls,
    coalesce(queues_by_location.abandoned_calls, 0) as call_queue_abandoned_calls
from by_location
left join queues_by_location
    on by_location.org_id = queues_by_location.org_id
        and by_location.location_name = queues_by_location.location_name
{{ join_customers('by_location.org_id') }}
