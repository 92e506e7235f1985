-- Call Quality by Endpoint Type: one row per endpoint type with legs in the report period (W by default).
with

legs as (
    select * from {{ ref('fct_call_legs') }}
    where {{ in_report_period('started_date') }}
),

by_type as (
    select
        endpoint_type,
        count(case when is_rated then 1 end) as rated_call_legs,
        count(case when is_poor_quality then 1 end) as poor_quality_call_legs
    from legs
    group by endpoint_type
)

select
    endpoint_type,
    rated_call_legs,
    poor_quality_call_legs,
    {{ calling_percent('poor_quality_call_legs', 'rated_call_legs') }} as poor_quality_pct
from by_type
