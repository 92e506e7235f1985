-- Call Volume Trend: one row per week of the 8-week trend ending D (labelled by week ending).
with

weeks as (
    {{ calling_trend_weeks() }}
),

legs as (
    select * from {{ ref('fct_call_legs') }}
),

weekly as (
    select
        weeks.week_ending,
        count(case when legs.is_originating then 1 end) as calls,
        count(legs.report_id) as call_legs,
        count(distinct case when legs.is_user_leg then legs.user_id end) as active_users,
        cast(sum(legs.duration_seconds) as bigint) as duration_seconds
    from weeks
    left join legs
        on legs.started_date >= weeks.week_start
        and legs.started_date < weeks.week_ending
    group by weeks.week_ending
)

select
    week_ending,
    calls,
    call_legs,
    active_users,
    {{ minutes('duration_seconds') }} as call_minutes
from weekly
