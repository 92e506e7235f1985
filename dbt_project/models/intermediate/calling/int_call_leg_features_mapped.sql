-- One row per CDR leg (of the calling window) and calling feature it marks: its Related, Original
-- or Redirect reason mapped through the calling_reason_features seed, plus Auto Attendant for a
-- TERMINATING leg of User type AutomatedAttendantVideo (SPEC 6.4).
with

legs as (
    select * from {{ ref('int_call_legs_windowed') }}
),

reason_features as (
    select * from {{ ref('calling_reason_features') }}
),

leg_reasons as (
    select report_id, call_id, org_id, started_date, related_reason as reason from legs
    union all
    select report_id, call_id, org_id, started_date, original_reason as reason from legs
    union all
    select report_id, call_id, org_id, started_date, redirect_reason as reason from legs
),

reason_leg_features as (
    select
        leg_reasons.report_id,
        leg_reasons.call_id,
        leg_reasons.org_id,
        leg_reasons.started_date,
        reason_features.feature
    from leg_reasons
    inner join reason_features
        on leg_reasons.reason = reason_features.reason
),

auto_attendant_leg_features as (
    select
        report_id,
        call_id,
        org_id,
        started_date,
        'Auto Attendant' as feature
    from legs
    where is_terminating
      and user_type = 'AutomatedAttendantVideo'
),

-- union (not union all): a leg whose Related and Original reason name the same feature marks it once
leg_features as (
    select report_id, call_id, org_id, started_date, feature from reason_leg_features
    union
    select report_id, call_id, org_id, started_date, feature from auto_attendant_leg_features
)

select * from leg_features
