-- The people snapshot in force at the end of the report period (report_end; D by default), as the
-- inventories read it (SPEC 7 "Periods": inventories as of the period's last day). A view: a period
-- rebuild re-renders it (partner_analytics/reports.py PERIOD_UPSTREAM).
{{ snapshot_in_force(ref('stg_webex__people'), period_as_of()) }}
