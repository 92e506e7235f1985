-- One row per CDR leg of the calling window with the columns the calling reports read, materialised
-- once so every report reads a table. Only those columns: writing a leg's every string column to
-- DuckDB storage was most of this model's cost (63 vs 41 CPU-s for 4 M legs at scale m); all of a
-- leg's columns stay queryable in the view int_call_legs_enriched.
select
    -- ids
    report_id,
    org_id,
    call_id,
    user_id,
    -- strings
    location_name,
    user_type,
    endpoint_type,
    -- numerics
    duration_seconds,
    -- booleans
    is_originating,
    is_terminating,
    is_user_leg,
    is_rated,
    has_audio,
    has_video,
    is_poor_quality,
    -- dates
    started_date
from {{ ref('int_call_legs_enriched') }}
