-- One row per week of the 8-week trend ending D (the trend_weeks spine), with the leg counts both
-- calling trends report: calls, call legs, active users and seconds (Call Volume Trend), rated and
-- poor-quality legs (Call Quality Trend). A week without legs has zero counts.
with

weeks as (
    {{ trend_weeks() }}
),

legs as (
    select * from {{ ref('fct_call_legs') }}
)

select
    weeks.week_index,
    weeks.week_ending_date,
    count(case when legs.is_originating then 1 end) as calls,
    count(legs.report_id) as call_legs,
    count(distinct case when legs.is_user_leg then legs.user_id end) as active_users,
    cast(sum(legs.duration_seconds) as bigint) as duration_seconds,
    count(case when legs.is_rated then 1 end) as rated_call_legs,
    count(case when legs.is_poor_quality then 1 end) as poor_quality_call_legs
from weeks
left join legs
    on legs.started_date >= weeks.week_start_date
        and legs.started_date < weeks.week_ending_date
group by weeks.week_index, weeks.week_ending_date
