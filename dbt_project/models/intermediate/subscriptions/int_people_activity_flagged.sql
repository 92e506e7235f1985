-- One row per trend week ending, person and product (Calling / Meetings) for people active on the
-- product in the 90 days before that week's end; flags whether they were also active in that week.
with weeks as (
    select * from {{ ref('int_subscription_weeks_spined') }}
),

window_bounds as (
    -- only events that can fall in some week's 90-day window are read
    select
        min(usage_window_start_date) as first_date,
        max(week_ending_date) as last_date
    from weeks
),

calling_days as (
    -- Calling-active: a CDR leg whose User UUID is the person's id; one row per user and day
    select distinct
        cdr.user_id as person_id,
        cast(cdr.started_at as date) as activity_date
    from {{ ref('stg_webex__cdr') }} as cdr
    cross join window_bounds
    where cdr.user_id is not null
        and cdr.started_at >= window_bounds.first_date
        and cdr.started_at < window_bounds.last_date
),

meeting_days as (
    -- Meetings-active: a participation joined in the period; emails compared case-insensitively
    select distinct
        lower(participants.email) as email,
        cast(participants.joined_at as date) as activity_date
    from {{ ref('stg_webex__meeting_participants') }} as participants
    cross join window_bounds
    where participants.email is not null
        and participants.joined_at >= window_bounds.first_date
        and participants.joined_at < window_bounds.last_date
),

people_emails as (
    -- each week matches against the emails of the people snapshot in force at its end
    select distinct
        weeks.week_ending_date,
        weeks.week_start_date,
        weeks.usage_window_start_date,
        emails.person_id,
        lower(emails.email) as email
    from weeks
    inner join {{ ref('stg_webex__people_emails') }} as emails
        on emails.snapshot_date = weeks.people_snapshot_date
    where emails.email is not null
),

calling_activity as (
    select
        weeks.week_ending_date,
        calling_days.person_id,
        'Calling' as product,
        max(case when calling_days.activity_date >= weeks.week_start_date then 1 else 0 end) as active_in_week
    from weeks
    inner join calling_days
        on calling_days.activity_date >= weeks.usage_window_start_date
            and calling_days.activity_date < weeks.week_ending_date
    group by weeks.week_ending_date, calling_days.person_id
),

meetings_activity as (
    select
        people_emails.week_ending_date,
        people_emails.person_id,
        'Meetings' as product,
        max(case when meeting_days.activity_date >= people_emails.week_start_date then 1 else 0 end) as active_in_week
    from people_emails
    inner join meeting_days
        on meeting_days.email = people_emails.email
            and meeting_days.activity_date >= people_emails.usage_window_start_date
            and meeting_days.activity_date < people_emails.week_ending_date
    group by people_emails.week_ending_date, people_emails.person_id
),

unioned as (
    select * from calling_activity
    union all
    select * from meetings_activity
)

select
    week_ending_date,
    person_id,
    product,
    (active_in_week = 1) as is_active_in_week,
    true as is_active_in_last_90_days
from unioned
