-- One row per analytics product (Calling, Meetings), always both: the "Subscription KPIs" export
-- (SPEC 6.2) over the subscriptions active at D and in scope for the product.
with products as (
    {{ subscription_analytics_products_relation() }}
),

in_scope as (
    select *
    from {{ ref('fct_subscription_products') }}
    where is_active
        and is_analytics_product
),

sections as (
    select
        product,
        count(distinct org_id) as total_customers,
        count(distinct case when is_expiring then org_id end) as nearing_expiration,
        count(distinct case when is_renewing then org_id end) as nearing_renewal,
        count(distinct case when is_low_assignment then org_id end) as low_license_assignment,
        count(distinct case when is_overage then org_id end) as license_overage,
        count(distinct case when is_recently_added then org_id end) as new_customers,
        cast(sum(case when is_recently_added then total_licenses else 0 end) as bigint) as recently_added_total_licenses,
        -- section sums stay NULL over an empty section so its percentages come out empty
        cast(sum(case when is_expiring then total_licenses end) as bigint) as expiring_total,
        cast(sum(case when is_expiring then assigned_licenses end) as bigint) as expiring_assigned,
        cast(sum(case when is_expiring then used_licenses end) as bigint) as expiring_used,
        cast(sum(case when is_renewing then total_licenses end) as bigint) as renewing_total,
        cast(sum(case when is_renewing then assigned_licenses end) as bigint) as renewing_assigned,
        cast(sum(case when is_renewing then used_licenses end) as bigint) as renewing_used,
        cast(sum(case when is_low_assignment then total_licenses end) as bigint) as low_total,
        cast(sum(case when is_low_assignment then assigned_licenses end) as bigint) as low_assigned,
        cast(sum(case when is_low_assignment then used_licenses end) as bigint) as low_used,
        cast(sum(case when is_low_assignment then available_licenses else 0 end) as bigint) as total_unassigned_licenses,
        cast(sum(case when is_overage then overage_licenses else 0 end) as bigint) as total_overage_licenses
    from in_scope
    group by product
)

select
    products.product,
    coalesce(sections.total_customers, 0) as total_customers,
    coalesce(sections.nearing_expiration, 0) as nearing_expiration,
    coalesce(sections.nearing_renewal, 0) as nearing_renewal,
    coalesce(sections.low_license_assignment, 0) as low_license_assignment,
    coalesce(sections.license_overage, 0) as license_overage,
    coalesce(sections.new_customers, 0) as new_customers,
    coalesce(sections.recently_added_total_licenses, 0) as recently_added_total_licenses,
    coalesce(sections.nearing_expiration, 0) as customers_expiring,
    {{ percent('sections.expiring_assigned', 'sections.expiring_total') }} as expiring_license_assignment_pct,
    {{ percent('sections.expiring_used', 'sections.expiring_total') }} as expiring_license_usage_pct,
    coalesce(sections.nearing_renewal, 0) as customers_renewing,
    {{ percent('sections.renewing_assigned', 'sections.renewing_total') }} as renewing_license_assignment_pct,
    {{ percent('sections.renewing_used', 'sections.renewing_total') }} as renewing_license_usage_pct,
    coalesce(sections.low_license_assignment, 0) as customers_with_low_assignment,
    {{ percent('sections.low_assigned', 'sections.low_total') }} as low_assignment_license_assignment_pct,
    {{ percent('sections.low_used', 'sections.low_total') }} as low_assignment_license_usage_when_assigned_pct,
    coalesce(sections.total_unassigned_licenses, 0) as total_unassigned_licenses,
    coalesce(sections.license_overage, 0) as customers_with_overage,
    coalesce(sections.total_overage_licenses, 0) as total_overage_licenses,
    {{ rounded_ratio('sections.total_overage_licenses', 'sections.license_overage', scale=1) }} as average_overage
from products
left join sections
    on sections.product = products.product
