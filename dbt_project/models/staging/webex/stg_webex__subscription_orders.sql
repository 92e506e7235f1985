-- One row per order of a subscription per snapshot date.
with source as (
    select * from {{ source('webex', 'subscription_orders') }}
),

renamed as (
    select
        subscription_id,
        org_id,
        order_id,
        ordered_at,
        action,
        quantity,
        order_index,
        snapshot_date,
        source_file,
        source_row
    from source
)

select * from renamed
