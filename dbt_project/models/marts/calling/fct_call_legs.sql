-- One row per CDR leg of the calling window, enriched (endpoint type, media quality, call id):
-- materialised once so every calling report reads a table, and analysts can query legs directly.
select * from {{ ref('int_call_legs_enriched') }}
