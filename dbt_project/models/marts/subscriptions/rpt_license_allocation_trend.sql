-- One row per week of the 8-week trend (weeks ending D ... D-49) and analytics product, always 16 rows:
-- the "License Allocation Trend" export. Each week uses the snapshots in force at its end; a week
-- without a licenses snapshot in force has empty Total, Assigned and Used.
with weeks as (
    select * from {{ ref('int_subscription_weeks_spined') }}
),

products as (
    {{ subscription_analytics_products_relation() }}
),

week_totals as (
    select
        week_ending_date,
        product,
        cast(sum(total_licenses) as bigint) as total_licenses,
        cast(sum(assigned_licenses) as bigint) as assigned_licenses,
        cast(sum(used_licenses) as bigint) as used_licenses
    from {{ ref('int_subscription_licenses_aggregated') }}
    where is_active
        and {{ in_admin_scope('org_id') }}
    group by week_ending_date, product
)

select
    weeks.week_ending_date as week_ending,
    products.product,
    case when weeks.licenses_snapshot_date is not null then coalesce(week_totals.total_licenses, 0) end as total_licenses,
    case when weeks.licenses_snapshot_date is not null then coalesce(week_totals.assigned_licenses, 0) end as assigned_licenses,
    case when weeks.licenses_snapshot_date is not null then coalesce(week_totals.used_licenses, 0) end as used_licenses
from weeks
cross join products
left join week_totals
    on week_totals.week_ending_date = weeks.week_ending_date
        and week_totals.product = products.product
