-- One row per license (org_id, license_id) per snapshot date, with its product derived from the name.
with source as (
    select * from {{ source('webex', 'licenses') }}
),

renamed as (
    select
        license_id,
        org_id,
        license_name,
        total_units,
        consumed_units,
        consumed_by_users,
        consumed_by_workspaces,
        subscription_id,
        site_url,
        site_type,
        snapshot_date,
        source_file,
        source_row,
        case
            -- a messaging-space feature, not a Meetings seat (SPEC 9)
            when license_name like '%Advanced Space Meetings%' then 'Messaging'
            when license_name like '%Calling%' then 'Calling'
            when license_name like '%Meeting%' then 'Meetings'
            when license_name like '%Messaging%' then 'Messaging'
            else 'Other'
        end as product
    from source
)

select * from renamed
