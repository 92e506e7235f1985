-- Call Queue KPIs: one row for the region over the queue-days of the report period (W by default;
-- weighted averages).
with

queue_days as (
    {{ report_period_rows(ref('int_call_queue_days_weighted'), 'stats_date') }}
),

totals as (
    -- an aggregate without group by: always exactly one row, even over no queue-days
    select
        coalesce(cast(sum(total_calls) as bigint), 0) as total_calls,
        coalesce(cast(sum(answered_calls) as bigint), 0) as answered_calls,
        coalesce(cast(sum(abandoned_calls) as bigint), 0) as abandoned_calls,
        coalesce(cast(sum(speed_of_answer_ms_x_answered) as bigint), 0) as speed_of_answer_ms_x_answered,
        coalesce(cast(sum(answered_calls_with_speed) as bigint), 0) as answered_calls_with_speed,
        coalesce(cast(sum(abandon_time_ms_x_abandoned) as bigint), 0) as abandon_time_ms_x_abandoned,
        coalesce(cast(sum(abandoned_calls_with_time) as bigint), 0) as abandoned_calls_with_time
    from queue_days
)

select
    total_calls,
    answered_calls,
    abandoned_calls,
    {{ rounded_ratio('speed_of_answer_ms_x_answered', 'answered_calls_with_speed * 1000', scale=1) }}
        as average_speed_of_answer_seconds,
    {{ rounded_ratio('abandon_time_ms_x_abandoned', 'abandoned_calls_with_time * 1000', scale=1) }}
        as average_wait_before_abandon_seconds,
    {{ percent('abandoned_calls', 'total_calls') }} as abandoned_rate_pct
from totals
