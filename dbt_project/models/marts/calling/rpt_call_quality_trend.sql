-- Call Quality Trend: one row per week of the 8-week trend ending D (labelled by week ending).
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
        count(case when legs.is_rated then 1 end) as rated_call_legs,
        count(case when legs.is_poor_quality then 1 end) as poor_quality_call_legs
    from weeks
    left join legs
        on legs.started_date >= weeks.week_start
        and legs.started_date < weeks.week_ending
    group by weeks.week_ending
)

select
    week_ending,
    rated_call_legs,
    poor_quality_call_legs,
    {{ percent('poor_quality_call_legs', 'rated_call_legs') }} as poor_quality_pct
from weekly
