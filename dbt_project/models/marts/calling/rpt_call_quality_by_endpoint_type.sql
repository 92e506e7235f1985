-- Call Quality by Endpoint Type: one row per endpoint type with legs in the report period (W by default).
with

legs as (
    {{ report_period_rows(ref('fct_call_legs'), 'started_date') }}
)

{{ call_quality_by('endpoint_type') }}
