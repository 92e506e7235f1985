-- One row per customer org of the customers snapshot in force at D: the Customer list (SPEC 6.3)
-- plus one boolean flag per status, product and subscription type for filtering.
with weeks as (
    select * from {{ ref('int_subscription_weeks_spined') }}
    where week_index = 0
),

customers as (
    -- the conformed customers (name, tags, ...) of the snapshot in force at D
    select * from {{ ref('int_customers_at_period_end') }}
    where {{ in_admin_scope('org_id') }}
),

subscriptions as (
    select
        *,
        {{ is_active_subscription(week_ending()) }} as is_active
    from (
        {{ snapshot_rows_by_week('weeks', ref('stg_webex__subscriptions'), 'subscriptions_snapshot_date') }}
    ) as subscriptions
),

licenses as (
    {{ snapshot_rows_by_week('weeks', ref('stg_webex__licenses'), 'licenses_snapshot_date') }}
),

org_products as (
    select
        org_id,
        {{ sorted_join('product') }} as products,
        max(case when product = 'Calling' then 1 else 0 end) as has_calling,
        max(case when product = 'Meetings' then 1 else 0 end) as has_meetings,
        max(case when product = 'Messaging' then 1 else 0 end) as has_messaging,
        max(case when product = 'Other' then 1 else 0 end) as has_other
    from licenses
    group by org_id
),

overage_subscriptions as (
    -- License Overage status: an active subscription with any single license Assigned > Total
    select distinct subscriptions.org_id
    from subscriptions
    inner join licenses
        on licenses.org_id = subscriptions.org_id
            and licenses.subscription_id = subscriptions.subscription_id
    where subscriptions.is_active
        and licenses.consumed_units > licenses.total_units
),

org_subscriptions as (
    select
        org_id,
        {{ sorted_join("case when is_active then case subscription_type when 'SUBSCRIPTION' then 'Subscription' when 'TRIAL' then 'Trial' else 'Other' end end") }} as subscription_types,
        max(case when is_active and subscription_type = 'TRIAL' then 1 else 0 end) as has_active_trial,
        max(case when is_active and subscription_type = 'SUBSCRIPTION' then 1 else 0 end) as has_active_subscription,
        max(case when is_active then 1 else 0 end) as has_active,
        max(
            case
                when is_active
                    and not coalesce(is_auto_renew, false)
                    and end_date < cast({{ dbt.dateadd('day', 30, week_ending()) }} as date)
                    then 1
                else 0
            end
        ) as has_expiring_soon,
        max(case when status = 'PROVISIONING' then 1 else 0 end) as has_provisioning,
        max(case when status = 'SUSPENDED' then 1 else 0 end) as has_suspended,
        min(case when is_active then end_date end) as next_expiry_date
    from subscriptions
    group by org_id
),

org_admins as (
    select * from {{ ref('int_customer_partner_admins_listed') }}
),

flagged as (
    select
        customers.org_id,
        customers.customer_name,
        customers.external_id,
        customers.managed_by as managed_by_code,
        case
            when customers.managed_by is null then null
            when customers.managed_by = 'PARTNER' then 'Partner'
            when customers.managed_by = 'EXTERNAL_ADMIN' then 'External Admin'
            else 'Other'
        end as managed_by,
        org_products.products,
        org_subscriptions.subscription_types,
        customers.tags,
        org_admins.partner_admins,
        org_subscriptions.next_expiry_date,
        customers.last_admin_activity_at,
        coalesce(org_products.has_calling = 1, false) as has_product_calling,
        coalesce(org_products.has_meetings = 1, false) as has_product_meetings,
        coalesce(org_products.has_messaging = 1, false) as has_product_messaging,
        coalesce(org_products.has_other = 1, false) as has_product_other,
        coalesce(org_subscriptions.has_active_subscription = 1, false) as has_subscription_type_subscription,
        coalesce(org_subscriptions.has_active_trial = 1, false) as has_subscription_type_trial,
        coalesce(org_subscriptions.has_active_trial = 1, false) as is_status_trial,
        coalesce(org_subscriptions.has_active_subscription = 1, false) as is_status_subscription,
        coalesce(org_subscriptions.has_expiring_soon = 1, false) as is_status_expiring_soon,
        overage_subscriptions.org_id is not null as is_status_license_overage,
        (
            customers.last_admin_activity_at is null
            or customers.last_admin_activity_at < {{ dbt.dateadd('day', -30, week_ending()) }}
        ) as is_status_no_recent_activity,
        coalesce(org_subscriptions.has_provisioning = 1, false) as is_status_ready_for_order_setup,
        coalesce(org_subscriptions.has_suspended = 1, false) as is_status_suspended,
        -- Expired: none active, none PROVISIONING, none SUSPENDED (also a customer with no subscription)
        not coalesce(
            org_subscriptions.has_active = 1
            or org_subscriptions.has_provisioning = 1
            or org_subscriptions.has_suspended = 1,
            false
        ) as is_status_expired
    from customers
    left join org_products on org_products.org_id = customers.org_id
    left join org_subscriptions on org_subscriptions.org_id = customers.org_id
    left join overage_subscriptions on overage_subscriptions.org_id = customers.org_id
    left join org_admins on org_admins.org_id = customers.org_id
)

select
    org_id,
    customer_name,
    external_id,
    managed_by,
    managed_by_code,
    products,
    subscription_types,
    -- SPEC order, not alphabetical (concat_ws skips the NULLs of statuses that do not apply)
    nullif(concat_ws(
        '; ',
        case when is_status_trial then 'Trial' end,
        case when is_status_subscription then 'Subscription' end,
        case when is_status_expiring_soon then 'Expiring Soon' end,
        case when is_status_license_overage then 'License Overage' end,
        case when is_status_no_recent_activity then 'No Recent Activity' end,
        case when is_status_ready_for_order_setup then 'Ready for Order Setup' end,
        case when is_status_suspended then 'Suspended' end,
        case when is_status_expired then 'Expired' end
    ), '') as statuses,
    tags,
    partner_admins,
    next_expiry_date,
    last_admin_activity_at,
    has_product_calling,
    has_product_meetings,
    has_product_messaging,
    has_product_other,
    has_subscription_type_subscription,
    has_subscription_type_trial,
    is_status_trial,
    is_status_subscription,
    is_status_expiring_soon,
    is_status_license_overage,
    is_status_no_recent_activity,
    is_status_ready_for_order_setup,
    is_status_suspended,
    is_status_expired
from flagged
