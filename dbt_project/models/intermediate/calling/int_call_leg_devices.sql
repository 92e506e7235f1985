-- One device per (org, normalised MAC) of the devices snapshot in force at the end of the report
-- period (D by default), with its platform and type: what fct_call_legs matches a leg's Device MAC to.
-- A (small) table, so the fct_call_legs view reads only warehouse tables, never the lake.
{{ config(materialized='table') }}

{{ calling_devices_by_mac() }}
