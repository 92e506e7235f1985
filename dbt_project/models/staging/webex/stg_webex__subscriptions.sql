-- One row per subscription per snapshot date.
with source as (
    select * from {{ source('webex', 'subscriptions') }}
),

renamed as (
    select
        subscription_id,
        org_id,
        subscription_type,
        status,
        created_at,
        start_date,
        end_date,
        is_auto_renew,
        invoice_id,
        snapshot_date,
        source_file,
        source_row
    from source
)

select * from renamed
