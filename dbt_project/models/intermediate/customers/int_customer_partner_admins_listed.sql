-- One row per customer org listed in an admin's assignedOrgIds in the partner admins snapshot in
-- force at D, with those admins' emails sorted and joined with '; ' (the Customers list's Partner
-- Admins, SPEC 6.3: assignment as sent, whatever the admin's role).
with

partner_admins as (
    {{ snapshot_in_force(ref('stg_webex__partner_admins'), week_ending()) }}
)

-- the admin-orgs bridge shares the partner admins partition
select
    admin_orgs.org_id,
    {{ sorted_join('partner_admins.email') }} as partner_admins
from partner_admins
inner join {{ ref('stg_webex__partner_admin_orgs') }} as admin_orgs
    on admin_orgs.admin_id = partner_admins.admin_id
        and admin_orgs.snapshot_date = partner_admins.snapshot_date
where partner_admins.email is not null
group by admin_orgs.org_id
