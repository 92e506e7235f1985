-- One row per email of a person per snapshot date.
with source as (
    select * from {{ source('webex', 'people_emails') }}
),

renamed as (
    select
        person_id,
        org_id,
        email,
        email_index,
        snapshot_date,
        source_file,
        source_row
    from source
)

select * from renamed
