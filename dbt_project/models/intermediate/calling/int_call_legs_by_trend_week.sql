-- One row per week of the 8-week trend ending D (the trend_weeks spine), with the leg counts both
-- calling trends report: calls, call legs, active users and seconds (Call Volume Trend), rated and
-- poor-quality legs (Call Quality Trend). A week without legs has zero counts (and no seconds).
--
-- The legs are counted per trend week in one pass (group by the week's index, then an equality join
-- to the spine), not by joining the spine to the legs on a date range: at scale m (15.9 M legs in
-- the window) the range join took 4.6 s, this 0.7 s. It reads the stored leg facts directly: the
-- counts need neither the endpoint type nor anything else fct_call_legs joins on read.
with

weeks as (
    {{ trend_weeks() }}
),

-- week_index 0 is [D - 7 days, D), 1 is [D - 14 days, D - 7 days), ... as in trend_weeks
legs as (
    select
        {{ integer_divide('(' ~ dbt.datediff('started_date', week_ending(), 'day') ~ ' - 1)', 7) }} as week_index,
        report_id,
        user_id,
        duration_seconds,
        is_originating,
        is_user_leg,
        is_rated,
        is_poor_quality
    from {{ ref('int_call_legs_weekly') }}
    where started_date >= {{ add_days(-56, week_ending()) }}
        and started_date < {{ week_ending() }}
),

by_week as (
    select
        week_index,
        count(case when is_originating then 1 end) as calls,
        count(report_id) as call_legs,
        count(distinct case when is_user_leg then user_id end) as active_users,
        cast(sum(duration_seconds) as bigint) as duration_seconds,
        count(case when is_rated then 1 end) as rated_call_legs,
        count(case when is_poor_quality then 1 end) as poor_quality_call_legs
    from legs
    group by week_index
)

select
    weeks.week_index,
    weeks.week_ending_date,
    coalesce(by_week.calls, 0) as calls,
    coalesce(by_week.call_legs, 0) as call_legs,
    coalesce(by_week.active_users, 0) as active_users,
    by_week.duration_seconds,
    coalesce(by_week.rated_call_legs, 0) as rated_call_legs,
    coalesce(by_week.poor_quality_call_legs, 0) as poor_quality_call_legs
from weeks
left join by_week
    on weeks.week_index = by_week.week_index
