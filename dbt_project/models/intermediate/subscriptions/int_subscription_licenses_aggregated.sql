-- One row per trend week ending, customer org, subscription and product in the licenses snapshot in
-- force at that week's end: license numbers (SPEC 6.1) and the subscription's state at that week's end.
with weeks as (
    select * from {{ ref('int_subscription_weeks_spined') }}
),

licenses as (
    select *
    from (
        {{ snapshot_rows_by_week('weeks', ref('stg_webex__licenses'), 'licenses_snapshot_date') }}
    ) as licenses
    -- a license without a subscription belongs to no subscription's numbers
    where subscription_id is not null
),

license_totals as (
    select
        week_index,
        week_ending_date,
        org_id,
        subscription_id,
        product,
        cast(coalesce(sum(total_units), 0) as bigint) as total_licenses,
        cast(coalesce(sum(consumed_units), 0) as bigint) as assigned_licenses
    from licenses
    group by week_index, week_ending_date, org_id, subscription_id, product
),

holders as (
    -- people.licenses of the people snapshot in force at the week's end
    {{ snapshot_rows_by_week('weeks', ref('stg_webex__people_licenses'), 'people_snapshot_date') }}
),

license_usage as (
    -- a person holding two licenses of one subscription and product counts once
    select
        licenses.week_ending_date,
        licenses.org_id,
        licenses.subscription_id,
        licenses.product,
        count(distinct case when activity.is_active_in_week then holders.person_id end) as used_licenses,
        count(distinct holders.person_id) as used_licenses_last_3_months
    from licenses
    inner join holders
        on holders.week_ending_date = licenses.week_ending_date
            and holders.org_id = licenses.org_id
            and holders.license_id = licenses.license_id
    inner join {{ ref('int_people_activity_flagged') }} as activity
        on activity.week_ending_date = licenses.week_ending_date
            and activity.person_id = holders.person_id
            and activity.product = licenses.product
    group by licenses.week_ending_date, licenses.org_id, licenses.subscription_id, licenses.product
),

subscriptions as (
    {{ snapshot_rows_by_week('weeks', ref('stg_webex__subscriptions'), 'subscriptions_snapshot_date') }}
)

select
    license_totals.week_index,
    license_totals.week_ending_date,
    license_totals.org_id,
    license_totals.subscription_id,
    license_totals.product,
    -- active at the week's end (a license whose subscription is missing from the subscriptions
    -- snapshot is not active)
    {{ subscription_attributes('license_totals.week_ending_date') }},
    license_totals.total_licenses,
    license_totals.assigned_licenses,
    {{ excess_over('license_totals.total_licenses', 'license_totals.assigned_licenses') }} as available_licenses,
    -- usage is defined for Calling and Meetings only; other products have no Used figure
    case
        when license_totals.product in ('{{ subscription_analytics_products() | join("', '") }}')
            then coalesce(license_usage.used_licenses, 0)
    end as used_licenses,
    case
        when license_totals.product in ('{{ subscription_analytics_products() | join("', '") }}')
            then coalesce(license_usage.used_licenses_last_3_months, 0)
    end as used_licenses_last_3_months
from license_totals
left join license_usage
    on license_usage.week_ending_date = license_totals.week_ending_date
        and license_usage.org_id = license_totals.org_id
        and license_usage.subscription_id = license_totals.subscription_id
        and license_usage.product = license_totals.product
left join subscriptions
    on subscriptions.org_id = license_totals.org_id
        and subscriptions.subscription_id = license_totals.subscription_id
        and subscriptions.week_ending_date = license_totals.week_ending_date
