-- One row per partner admin of the partner admins snapshot in force at D and customer of THIS
-- region's customers snapshot in force at D that the admin manages: full admins (PARTNER_FULL_ADMIN,
-- SALES_FULL_ADMIN) every customer, other roles their assignedOrgIds. Partner admins are
-- partner-level data: assigned org ids of other regions find no customer here and drop out, so
-- nothing of another region enters this warehouse. Not admin-scoped (scoping is decided from it).
with customers as (
    -- the conformed customers at D
    select
        org_id,
        customer_name
    from {{ ref('int_customers_at_period_end') }}
),

admins as (
    {{ snapshot_in_force(ref('stg_webex__partner_admins'), week_ending()) }}
),

assigned as (
    -- the admin-orgs bridge shares the partner admins partition
    select distinct
        admin_orgs.admin_id,
        admin_orgs.org_id
    from admins
    inner join {{ ref('stg_webex__partner_admin_orgs') }} as admin_orgs
        on admin_orgs.admin_id = admins.admin_id
            and admin_orgs.snapshot_date = admins.snapshot_date
),

managed as (
    select
        admins.admin_id,
        customers.org_id
    from admins
    cross join customers
    where {{ is_full_admin_role('admins.role') }}
    union
    select
        assigned.admin_id,
        assigned.org_id
    from assigned
    inner join admins on admins.admin_id = assigned.admin_id
    inner join customers on customers.org_id = assigned.org_id
    where not {{ is_full_admin_role('admins.role') }}
)

select
    admins.admin_id,
    admins.email as admin_email,
    admins.display_name as admin_name,
    admins.role as role_code,
    {{ partner_admin_role_name('admins.role') }} as role,
    {{ is_full_admin_role('admins.role') }} as is_full_admin,
    managed.org_id,
    customers.customer_name
from managed
inner join admins on admins.admin_id = managed.admin_id
inner join customers on customers.org_id = managed.org_id
