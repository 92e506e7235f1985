-- One row per license held by a person per snapshot date.
with source as (
    select * from {{ source('webex', 'people_licenses') }}
),

renamed as (
    select
        person_id,
        org_id,
        license_id,
        snapshot_date,
        source_file,
        source_row
    from source
)

select * from renamed
