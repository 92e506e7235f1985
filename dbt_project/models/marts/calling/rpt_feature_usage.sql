-- Feature Usage: one row per calling feature with at least one call in the report period (W by
-- default); a call counts once per feature however many of its legs (e.g. hunt-group legs) mark it.
with

leg_features as (
    {{ report_period_rows(ref('int_call_leg_features_mapped'), 'started_date') }}
)

select
    feature,
    count(distinct call_id) as calls
from leg_features
group by feature
