-- Devices Report: one row per device of the devices snapshot in force at the report period's end
-- (D by default), with its customer, location, primary number and user.
with

{{ snapshots_at_period_end(['devices', 'locations', 'people', 'numbers']) }},

-- one PRIMARY entry per owner; should an owner hold several, the first in a fixed order wins
primary_numbers as (
    select
        org_id,
        owner_id,
        phone_number,
        extension
    from (
        select
            org_id,
            owner_id,
            nullif(phone_number, '') as phone_number,
            nullif(extension, '') as extension,
            row_number() over (
                partition by org_id, owner_id
                order by phone_number nulls last, extension nulls last, number_index
            ) as owner_rank
        from numbers
        where upper(phone_number_type) = 'PRIMARY'
            and owner_id is not null
    ) as ranked
    where owner_rank = 1
)

-- a device with a person is that person's; without one it is a workspace device (no user)
select
    {{ inventory_leading_columns('devices') }},
    locations.location_name,
    devices.product,
    {{ normalised_mac('devices.mac') }} as mac_address,
    devices.firmware,
    -- both from one entry: the person's PRIMARY entry, else the workspace's
    case
        when person_numbers.owner_id is not null then person_numbers.phone_number
        else workspace_numbers.phone_number
    end as phone_number,
    case
        when person_numbers.owner_id is not null then person_numbers.extension
        else workspace_numbers.extension
    end as extension,
    people.primary_email as user_id,
    devices.person_id as user_uuid
from devices
{{ inventory_context_joins('devices', 'person_id') }}
left join primary_numbers as person_numbers
    on devices.org_id = person_numbers.org_id
        and devices.person_id = person_numbers.owner_id
left join primary_numbers as workspace_numbers
    on devices.org_id = workspace_numbers.org_id
        and devices.workspace_id = workspace_numbers.owner_id
where {{ in_admin_scope('devices.org_id') }}
