-- Call Volume Trend: one row per week of the 8-week trend ending D (labelled by week ending).
select
    week_ending_date as week_ending,
    calls,
    call_legs,
    active_users,
    {{ calling_minutes('duration_seconds') }} as call_minutes
from {{ ref('int_call_legs_by_trend_week') }}
