-- One row per week of the 8-week trend (weeks ending D, D-7, ..., D-49; week_index 0 = D), with the
-- snapshot dates in force at each week's end. Built from var('week_ending'), never the clock.
with trend_weeks as (
    {{ trend_weeks() }}
),

weeks as (
    select
        week_index,
        week_ending_date,
        week_start_date,
        -- "usage in last 3 months" window [week end - 90 days, week end)
        cast({{ dbt.dateadd('day', -usage_window_days(), 'week_ending_date') }} as date) as usage_window_start_date
    from trend_weeks
),

licenses_in_force as (
    {{ snapshot_date_in_force_by_week('weeks', ref('stg_webex__licenses'), 'licenses_snapshot_date') }}
),

people_in_force as (
    -- people_emails / people_licenses share the people partition: they are read at this date too
    {{ snapshot_date_in_force_by_week('weeks', ref('stg_webex__people'), 'people_snapshot_date') }}
),

subscriptions_in_force as (
    {{ snapshot_date_in_force_by_week('weeks', ref('stg_webex__subscriptions'), 'subscriptions_snapshot_date') }}
)

select
    weeks.week_index,
    weeks.week_ending_date,
    weeks.week_start_date,
    weeks.usage_window_start_date,
    licenses_in_force.licenses_snapshot_date,
    people_in_force.people_snapshot_date,
    subscriptions_in_force.subscriptions_snapshot_date
from weeks
inner join licenses_in_force on licenses_in_force.week_index = weeks.week_index
inner join people_in_force on people_in_force.week_index = weeks.week_index
inner join subscriptions_in_force on subscriptions_in_force.week_index = weeks.week_index
