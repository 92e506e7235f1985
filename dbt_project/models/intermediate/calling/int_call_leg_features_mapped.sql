-- One row per CDR leg of the report period (W by default) and calling feature it marks: its
-- Related, Original or Redirect reason mapped through the calling_reason_features seed, plus Auto
-- Attendant for a TERMINATING leg of User type AutomatedAttendantVideo (SPEC 6.4).
-- The legs are read once, with only the columns used: each reason slot is a row of a 3-row cross
-- join rather than a separate scan (at scale m a scan of the leg view costs seconds).
-- Only the report period: Feature Usage (its one reader) counts that period, and this view over the
-- raw CDR of the whole calling window (8 weeks, from the lake) was scanned by the report and by its
-- data tests every week. The partition filter (lake_weeks_between, as int_call_legs_windowed) lets
-- DuckDB skip the other weeks' files; started_date decides.
with

legs as (
    select
        report_id,
        call_id,
        org_id,
        started_date,
        related_reason,
        original_reason,
        redirect_reason,
        coalesce(is_terminating and user_type = 'AutomatedAttendantVideo', false) as is_auto_attendant
    from {{ ref('int_call_legs_windowed') }}
    where {{ lake_weeks_between('week_ending', report_start(), report_end()) }}
        and {{ in_report_period('started_date') }}
),

reason_features as (
    select * from {{ ref('calling_reason_features') }}
),

-- slot 1-3: the leg's Related, Original and Redirect reason; slot 4: the auto attendant mark
slots as (
    select 1 as slot
    union all
    select 2
    union all
    select 3
    union all
    select 4
),

leg_slots as (
    select
        legs.report_id,
        legs.call_id,
        legs.org_id,
        legs.started_date,
        slots.slot,
        case slots.slot
            when 1 then legs.related_reason
            when 2 then legs.original_reason
            when 3 then legs.redirect_reason
        end as reason,
        legs.is_auto_attendant
    from legs
    cross join slots
),

-- distinct: a leg whose Related and Original reason name the same feature marks it once
leg_features as (
    select distinct
        leg_slots.report_id,
        leg_slots.call_id,
        leg_slots.org_id,
        leg_slots.started_date,
        coalesce(reason_features.feature, 'Auto Attendant') as feature
    from leg_slots
    left join reason_features
        on leg_slots.slot < 4
            and leg_slots.reason = reason_features.reason
    where (leg_slots.slot < 4 and reason_features.feature is not null)
        or (leg_slots.slot = 4 and leg_slots.is_auto_attendant)
)

select * from leg_features
