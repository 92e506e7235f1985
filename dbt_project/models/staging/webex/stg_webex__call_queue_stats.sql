-- One row per call queue per day (org_id, queue_id, stats_date).
with source as (
    select * from {{ source('webex', 'call_queue_stats') }}
),

renamed as (
    select
        org_id,
        location_id,
        location_name,
        queue_id,
        queue_name,
        stats_date,
        total_calls,
        answered_calls,
        abandoned_calls,
        overflowed_busy_calls,
        overflowed_timeout_calls,
        transferred_calls,
        average_speed_of_answer_seconds,
        average_abandon_time_seconds,
        week_ending,
        source_file,
        source_row
    from source
)

select * from renamed
