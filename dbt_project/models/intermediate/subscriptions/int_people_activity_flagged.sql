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

-- one row per key and day with an event in the windows; no other filter. Calling-active: a CDR leg
-- whose User UUID is the person's id. Meetings-active: a participation joined in the period, emails
-- compared case-insensitively. Both are stored per event week (models/intermediate/activity), so a
-- weekly build reads the ~20 weeks of events these windows span once, not every week.
{%- for cte, relation, key in [
    ('calling_days', ref('int_calling_active_days'), 'person_id'),
    ('meeting_days', ref('int_meeting_active_days'), 'email'),
] %}
    {{ cte }} as (
        select distinct
            active_days.{{ key }},
            active_days.activity_date
        from {{ relation }} as active_days
        cross join window_bounds
        where {{ usage_window_weeks_filter('active_days.week_ending') }}
            and active_days.activity_date >= window_bounds.first_date
            and active_days.activity_date < window_bounds.last_date
    ),
{% endfor %}
people_emails as (
    -- each week matches against the emails of the people snapshot in force at its end
    select distinct
        week_ending_date,
        week_start_date,
        usage_window_start_date,
        person_id,
        lower(email) as email
    from (
        {{ snapshot_rows_by_week('weeks', ref('stg_webex__people_emails'), 'people_snapshot_date') }}
    ) as emails
    where email is not null
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
