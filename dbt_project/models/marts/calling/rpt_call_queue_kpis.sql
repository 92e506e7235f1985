-- Call Queue KPIs: one row for the region over the queue-days of the report period (W by default;
-- weighted averages).
with

queue_days as (
    {{ report_period_rows(ref('int_call_queue_days_weighted'), 'stats_date') }}
),

totals as (
    -- no group by: always exactly one row, even over no queue-days
    {{ call_queue_totals() }}
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
