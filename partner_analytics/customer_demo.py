"""The demo's SPEC 12 part (`make demo`): one customer's view, and the Subscription KPIs as one partner
admin sees them (`--as-admin`) beside the region's, with the commands that produced them."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

from partner_analytics.warehouse import open_read_only


def main(home: str, region: str = "US") -> int:
    from partner_analytics import paths, reports
    from partner_analytics.customer import customer_detail, print_view
    from partner_analytics.errors import PipelineError

    warehouse = paths.warehouse_path(home, region)
    if not warehouse.exists():
        print(f"no {region} warehouse under {home}: nothing to show", file=sys.stderr)
        return 1
    con = open_read_only(warehouse)
    try:
        # a customer with a subscription line, and the non-full admin managing the most customers here
        org = con.execute("select org_id from marts.rpt_customer_detail order by customer, org_id limit 1").fetchone()
        admin = con.execute(
            "select admin_email from marts.dim_partner_admins where not is_full_admin and managed_customers > 0 "
            "order by managed_customers desc, admin_email limit 1"
        ).fetchone()
    finally:
        con.close()
    if org is None:
        print(f"{region}: no customer with a subscription to show", file=sys.stderr)
        return 0
    print(f"\n$ partner-analytics customer {org[0]} --home {shlex.quote(str(home))} --region {region}")
    print_view(customer_detail(Path(home), region, org[0]))
    if admin is None:
        print(f"{region}: no partner admin with assigned customers here; --as-admin not shown")
        return 0
    email = admin[0]
    print(f"\n$ partner-analytics report 'Subscription KPIs' --home {shlex.quote(str(home))} --region {region} --as-admin {email}")
    try:
        written = reports.run_report(Path(home), region, "Subscription KPIs", as_admin=email)
    except PipelineError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for e in written:
        print(f"{e['path']} ({e['rows']} rows) — only the customers {email} manages, KPIs recomputed over them")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
