-- One row per customer org, subscription and product in the licenses snapshot in force at D: license
-- numbers as of D, weekly changes, and the subscription analytics section flags (SPEC 6.1-6.2).
{%- set products_list = "('" ~ subscription_analytics_products() | join("', '") ~ "')" %}
with weeks as (
    select * from {{ ref('int_subscription_weeks_spined') }}
),

previous_week as (
    select
        licenses_snapshot_date,
        people_snapshot_date
    from weeks
    where week_index = 1
),

numbers as (
    select * from {{ ref('int_subscription_licenses_aggregated') }}
),

current_numbers as (
    select * from numbers
    where week_index = 0
),

previous_numbers as (
    select * from numbers
    where week_index = 1
),

scored as (
    select
        current_numbers.*,
        -- the low-assignment population: active, in scope, Total > 0
        case
            when current_numbers.is_active and current_numbers.total_licenses > 0
                then cast(current_numbers.assigned_licenses as double) / current_numbers.total_licenses
        end as assignment_ratio
    from current_numbers
),

ranked as (
    select
        product,
        assignment_ratio,
        row_number() over (partition by product order by assignment_ratio) as ratio_rank,
        count(*) over (partition by product) as ratio_count
    from scored
    where assignment_ratio is not null
),

percentiles as (
    -- 25th percentile with linear interpolation between closest ranks (quantile_cont semantics):
    -- position h = (n - 1) * 0.25 (0-based); value = v[floor h] + (h - floor h) * (v[ceil h] - v[floor h])
    select
        product,
        max(ratio_count) as ratio_count,
        max(case when ratio_rank = floor((ratio_count - 1) * 0.25) + 1 then assignment_ratio end) as lower_ratio,
        max(case when ratio_rank = ceil((ratio_count - 1) * 0.25) + 1 then assignment_ratio end) as upper_ratio,
        max((ratio_count - 1) * 0.25 - floor((ratio_count - 1) * 0.25)) as rank_fraction
    from ranked
    group by product
),

thresholds as (
    -- nobody is flagged when fewer than 4 subscriptions are in the population
    select
        product,
        ratio_count as low_assignment_population,
        case
            when ratio_count >= 4
                then lower_ratio + rank_fraction * (upper_ratio - lower_ratio)
        end as low_assignment_threshold_ratio
    from percentiles
),

classified as (
    select
        scored.product,
        scored.org_id,
        customers.customer_name,
        scored.subscription_id,
        scored.subscription_type,
        scored.status,
        scored.is_active,
        scored.is_auto_renew,
        scored.created_at,
        scored.start_date,
        scored.end_date,
        {{ dbt.datediff('cast(scored.created_at as date)', week_ending(), 'day') }} as days_since_added,
        {{ dbt.datediff(week_ending(), 'scored.end_date', 'day') }} as days_to_expiry,
        scored.total_licenses,
        scored.assigned_licenses,
        scored.available_licenses,
        scored.used_licenses,
        scored.used_licenses_last_3_months as usage_in_last_3_months,
        {{ excess_over('scored.assigned_licenses', 'scored.total_licenses') }} as overage_licenses,
        -- empty when there is no licenses snapshot at D - 7; absent from an existing one counts 0
        case
            when previous_week.licenses_snapshot_date is not null
                then scored.assigned_licenses - coalesce(previous_numbers.assigned_licenses, 0)
        end as weekly_assignment_change,
        -- Used(W - 1 week) as that week's run reports it: licenses and people snapshots in force at
        -- D - 7; empty when either snapshot is missing there
        case
            when previous_week.licenses_snapshot_date is not null
                and previous_week.people_snapshot_date is not null
                then scored.used_licenses - coalesce(previous_numbers.used_licenses, 0)
        end as weekly_usage_change,
        scored.assignment_ratio,
        thresholds.low_assignment_threshold_ratio,
        coalesce(thresholds.low_assignment_population, 0) as low_assignment_population
    from scored
    cross join previous_week
    left join previous_numbers
        on previous_numbers.org_id = scored.org_id
            and previous_numbers.subscription_id = scored.subscription_id
            and previous_numbers.product = scored.product
    -- the conformed customer (snapshot in force at D, the period end of the weekly build)
    {{ join_customers('scored.org_id') }}
    left join thresholds
        on thresholds.product = scored.product
)

select
    product,
    org_id,
    customer_name,
    subscription_id,
    subscription_type,
    status,
    is_active,
    is_auto_renew,
    created_at,
    start_date,
    end_date,
    days_since_added,
    cast(floor(days_since_added / 30) as bigint) as months_since_added,
    days_to_expiry,
    cast(floor(days_to_expiry / 30) as bigint) as months_remaining,
    total_licenses,
    assigned_licenses,
    available_licenses,
    used_licenses,
    usage_in_last_3_months,
    overage_licenses,
    {{ percent('assigned_licenses', 'total_licenses') }} as assigned_pct,
    {{ percent('used_licenses', 'total_licenses') }} as used_pct,
    weekly_assignment_change,
    weekly_usage_change,
    assignment_ratio,
    low_assignment_threshold_ratio,
    low_assignment_population,
    product in {{ products_list }} as is_analytics_product,
    -- createdAt in the last 90 days [D - 90 days, D)
    coalesce(
        is_active
        and created_at >= {{ dbt.dateadd('day', -90, week_ending()) }}
        and created_at < {{ week_ending() }},
        false
    ) as is_recently_added,
    -- ending in the next 90 days [D, D + 90 days) without auto-renew (unknown auto-renew = not renewing)
    coalesce(
        is_active
        and end_date < cast({{ dbt.dateadd('day', 90, week_ending()) }} as date)
        and not coalesce(is_auto_renew, false),
        false
    ) as is_expiring,
    coalesce(
        is_active
        and subscription_type = 'SUBSCRIPTION'
        and is_auto_renew
        and end_date < cast({{ dbt.dateadd('day', 90, week_ending()) }} as date),
        false
    ) as is_renewing,
    coalesce(
        is_active
        and low_assignment_threshold_ratio is not null
        and assignment_ratio < low_assignment_threshold_ratio,
        false
    ) as is_low_assignment,
    coalesce(is_active and assigned_licenses > total_licenses, false) as is_overage
from classified
-- admin scope (macros/scope.sql) after the low-assignment threshold: it stays the region's
where {{ in_admin_scope('org_id') }}
