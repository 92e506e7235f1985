-- One row per customer tag per snapshot date.
with source as (
    select * from {{ source('webex', 'customer_tags') }}
),

renamed as (
    select
        org_id,
        tag,
        snapshot_date,
        source_file,
        source_row
    from source
)

select * from renamed
