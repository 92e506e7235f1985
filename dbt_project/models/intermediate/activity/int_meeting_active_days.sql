-- One row per email (lower-cased) and UTC day with a meeting participation, per lake meeting week:
-- the meetings activity the subscription analytics' 90-day usage windows read
-- (int_people_activity_flagged matches it to the people's emails). Kept like int_calling_active_days:
-- a weekly run recomputes only the meeting weeks in var `meeting_weeks` (partner_analytics/incremental.py)
-- instead of reading ~20 weeks of meetings again.
{{ week_partitioned_incremental("{{ activity_days_pre_hook('meeting_weeks') }}") }}

{{ activity_days_guard('meeting_weeks', 'int_meeting_active_days') }}

select distinct
    lower(email) as email,
    cast(joined_at as date) as activity_date,
    week_ending
from {{ ref('stg_webex__meeting_participants') }}
where email is not null
    and {{ activity_days_weeks_filter('meeting_weeks', 'week_ending') }}
