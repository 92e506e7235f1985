-- Call Quality Trend: one row per week of the 8-week trend ending D (labelled by week ending).
select
    week_ending_date as week_ending,
    rated_call_legs,
    poor_quality_call_legs,
    {{ calling_percent('poor_quality_call_legs', 'rated_call_legs') }} as poor_quality_pct
from {{ ref('int_call_legs_by_trend_week') }}
