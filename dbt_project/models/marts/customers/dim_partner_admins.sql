-- One row per partner admin of the partner admins snapshot in force at D, with how many of this
-- region's customers at D the admin manages. Never admin-scoped: `--as-admin` resolves against it.
with admins as (
    {{ snapshot_in_force(ref('stg_webex__partner_admins'), week_ending()) }}
),

managed as (
    select
        admin_id,
        count(distinct org_id) as managed_customers
    from {{ ref('int_partner_admin_customers_assigned') }}
    group by admin_id
)

select
    admins.admin_id,
    admins.email as admin_email,
    lower(admins.email) as admin_email_lower,
    admins.display_name as admin_name,
    admins.role as role_code,
    {{ partner_admin_role_name('admins.role') }} as role,
    {{ is_full_admin_role('admins.role') }} as is_full_admin,
    coalesce(managed.managed_customers, 0) as managed_customers
from admins
left join managed on managed.admin_id = admins.admin_id
