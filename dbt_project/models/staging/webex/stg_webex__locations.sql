-- One row per location per snapshot date.
with source as (
    select * from {{ source('webex', 'locations') }}
),

renamed as (
    select
        location_id,
        org_id,
        location_name,
        country,
        pstn_provider_name,
        snapshot_date,
        source_file,
        source_row
    from source
)

select * from renamed
