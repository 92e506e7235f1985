-- Phone Numbers Report: one row per phone number and one per extension of the numbers snapshot in
-- force at the report period's end (D by default); an entry with both gives both rows.
with

{{ snapshots_at_period_end(['numbers', 'locations', 'people']) }},

entries as (
    select
        org_id,
        -- Cisco sends an empty phoneNumber for extension-only entries
        nullif(trim(phone_number), '') as phone_number,
        nullif(trim(extension), '') as extension,
        state,
        phone_number_type,
        location_id,
        location_name,
        owner_id,
        upper(owner_type) as owner_type
    from numbers
),

-- one row per value an entry has: its phone number (is_phone_number_row) and its extension
row_kinds as (
    select true as is_phone_number_row
    union all
    select false as is_phone_number_row
),

number_rows as (
    select
        entries.org_id,
        case when row_kinds.is_phone_number_row then entries.phone_number end as phone_number,
        case when not row_kinds.is_phone_number_row then entries.extension end as extension,
        row_kinds.is_phone_number_row,
        entries.state,
        entries.phone_number_type,
        entries.location_id,
        entries.location_name,
        entries.owner_id,
        entries.owner_type
    from entries
    cross join row_kinds
    where (row_kinds.is_phone_number_row and entries.phone_number is not null)
        or (not row_kinds.is_phone_number_row and entries.extension is not null)
)

select
    {{ inventory_leading_columns('number_rows') }},
    coalesce(number_rows.location_name, locations.location_name) as location_name,
    locations.country,
    number_rows.phone_number,
    number_rows.extension,
    case when number_rows.is_phone_number_row then locations.pstn_provider_name end as pstn_connection,
    case
        when number_rows.state is null then null
        else upper(number_rows.state) = 'ACTIVE'
    end as active,
    case
        when number_rows.owner_id is null then null
        when number_rows.owner_type = 'PEOPLE' then 'People'
        when number_rows.owner_type = 'PLACE' then 'Workspace'
        when number_rows.owner_type = 'AUTO_ATTENDANT' then 'Auto Attendant'
        when number_rows.owner_type = 'HUNT_GROUP' then 'Hunt Group'
        when number_rows.owner_type = 'CALL_QUEUE' then 'Call Queue'
        when number_rows.owner_type = 'VIRTUAL_LINE' then 'Virtual Line'
        else {{ title_case('number_rows.owner_type') }}
    end as user_type,
    case
        when not number_rows.is_phone_number_row or number_rows.owner_id is null then null
        when upper(number_rows.phone_number_type) = 'PRIMARY' then 'Primary'
        when upper(number_rows.phone_number_type) = 'ALTERNATE' then 'Alternate'
        else {{ title_case('number_rows.phone_number_type') }}
    end as number_type,
    case when number_rows.owner_type = 'PEOPLE' then people.primary_email end as user_id,
    number_rows.owner_id as user_uuid
from number_rows
{{ inventory_context_joins('number_rows', 'owner_id') }}
where {{ in_admin_scope('number_rows.org_id') }}
