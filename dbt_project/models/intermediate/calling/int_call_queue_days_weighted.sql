-- One row per call queue per day (org_id, queue_id, stats_date), with the weights that turn the
-- per-day averages into exact weighted averages over any set of days (SPEC 6.4): ASA is an average
-- over answered calls, so a set's ASA = sum(ASA x answered) / cast(sum(answered) as bigint) - never a mean of means.
with

queue_days as (
    select * from {{ ref('stg_webex__call_queue_stats') }}
    where {{ in_admin_scope('org_id') }}
),

weighted as (
    select
        -- ids
        org_id,
        location_id,
        queue_id,
        -- strings
        location_name,
        queue_name,
        -- numerics
        coalesce(total_calls, 0) as total_calls,
        coalesce(answered_calls, 0) as answered_calls,
        coalesce(abandoned_calls, 0) as abandoned_calls,
        coalesce(overflowed_busy_calls, 0) as overflowed_busy_calls,
        coalesce(overflowed_timeout_calls, 0) as overflowed_timeout_calls,
        coalesce(transferred_calls, 0) as transferred_calls,
        -- weights in whole milliseconds so the rounding of the weighted mean is exact; a day
        -- without an average contributes to neither the numerator nor the denominator. One pair of
        -- columns per average: (average column, the calls it averages over, weight, weight count)
        {%- for average, calls, weight, weight_count in [
            ('average_speed_of_answer_seconds', 'answered_calls', 'speed_of_answer_ms_x_answered', 'answered_calls_with_speed'),
            ('average_abandon_time_seconds', 'abandoned_calls', 'abandon_time_ms_x_abandoned', 'abandoned_calls_with_time'),
        ] %}
            case
                when {{ average }} is not null
                    then cast(round({{ average }} * 1000) as bigint) * coalesce({{ calls }}, 0)
                else 0
            end as {{ weight }},
            case
                when {{ average }} is not null then coalesce({{ calls }}, 0) else 0
            end as {{ weight_count }},
        {%- endfor %}
        -- dates
        stats_date
    from queue_days
)

select * from weighted
