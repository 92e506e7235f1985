-- One row per CDR leg started in the calling window (8 trend weeks, the week before W, the report
-- period), with its UTC start date, its call and the flags every calling count uses (SPEC 6.4).
with

legs as (
    select
        *,
        {{ utc_date('started_at') }} as started_date
    from {{ ref('stg_webex__cdr') }}
    -- partition column first (prunes whole files); the exact date filter below decides
    where {{ lake_weeks_between('week_ending', calling_window_start(), calling_window_end()) }}
        and {{ in_admin_scope('org_id') }}
),

windowed as (
    select
        -- ids
        report_id,
        org_id,
        correlation_id,
        -- the call a leg belongs to; a leg without a Correlation ID is a call of its own
        {{ dbt.concat(['org_id', "'|'", 'coalesce(correlation_id, report_id)']) }} as call_id,
        local_session_id,
        user_id,
        -- strings
        direction,
        call_type,
        client_type,
        device_mac,
        location_name,
        user_type,
        original_reason,
        redirect_reason,
        related_reason,
        -- numerics
        coalesce(duration_seconds, 0) as duration_seconds,
        -- booleans
        coalesce(upper(direction) = 'ORIGINATING', false) as is_originating,
        coalesce(upper(direction) = 'TERMINATING', false) as is_terminating,
        coalesce(is_answered, false) as is_answered,
        coalesce(user_type = 'User', false) as is_user_leg,
        -- dates and timestamps
        started_at,
        started_date,
        -- the lake partition the leg was read from (the UTC week of started_at): the unit an
        -- incremental build recomputes (int_call_legs_weekly)
        week_ending
    from legs
    where started_date >= {{ calling_window_start() }}
        and started_date < {{ calling_window_end() }}
)

select * from windowed
