"""SPEC 9 end to end: real Webex shapes through `partner-analytics run` (ingestion -> GX -> dbt -> exports).

One customer, Northwind (org uuid 6f1c...). Its REST snapshots (customers, subscriptions, licenses,
people) carry Hydra ids, as /v1/people and /v1/licenses return them; its CDRs carry the raw UUIDs of
the same org and people (upper-case, as some exports write them). The week's CDRs arrive as a Control
Hub ZIP download without extension, holding a CSV written by the cdr-download tool: BOM, a header that
ends in a comma and drifts in spelling (`User Uuid`, `org uuid`, `Duration `), NA cells.

D = 2026-11-22, W = [2026-11-15, 2026-11-22), last 90 days = [2026-08-24, D).

Subscription SUB-N1 (ACTIVE, 2026-01-01 .. 2026-12-10: expires in 18 days) holds
- L-CALL "Webex Calling - Professional", 10 units, 4 assigned: held by Ann, Ben, Cat, Dan;
- L-ASM "Advanced Space Meetings", 5 units, 2 assigned: a messaging-space feature (Messaging), so
  SUB-N1 has no Meetings row at all (it had one, 5 units, before SPEC 9).

CDR legs (User UUID = the person's raw UUID):
- Ann: 2026-11-16 (in W), upper-case UUID; Ben: 2026-11-17 (in W), Answer time / Device MAC /
  Ring duration "NA", "na", "N/A" (a placeholder never quarantines a leg);
- Cat: 2026-10-01 (last 90 days only); Dan: none; one leg of a user nobody knows.

Calling row of SUB-N1: Total 10, Used (W) = Ann + Ben = 2, Assigned 4, Available 6,
Usage in Last 3 Months = Ann + Ben + Cat = 3. Compared as strings (Hydra vs UUID) Used was 0.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import os
import re
import subprocess
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CLI = REPO / ".venv" / "bin" / "partner-analytics"
D = "2026-11-22"

ORG = "6f1c2b8e-5d4a-4c3b-9e2f-1a0b9c8d7e6f"
ANN, BEN, CAT, DAN = (
    "a1111111-1111-4111-8111-111111111111",
    "b2222222-2222-4222-8222-222222222222",
    "c3333333-3333-4333-8333-333333333333",
    "d4444444-4444-4444-8444-444444444444",
)
STRANGER = "e5555555-5555-4555-8555-555555555555"
L_CALL, L_ASM = "0c0c0c0c-0000-4000-8000-00000000ca11", "0a5a5a5a-0000-4000-8000-0000000000a5"

CDR_HEADER = [
    "Report ID", "Report time", "Org UUID", "Correlation ID", "Local SessionID", "Start time", "Answer time",
    "Release time", "Duration", "Ring duration", "Direction", "Answered", "Call type", "Client type",
    "Device MAC", "Model", "Location", "User UUID", "User type", "Original reason", "Redirect reason",
    "Related reason", "Call outcome",
]  # fmt: skip
# how the cdr-download tool / a later API version spells some of them (SPEC 9: matched anyway)
DRIFTED = {"User UUID": "User Uuid", "Org UUID": "org uuid", "Duration": "Duration ", "Device MAC": "Device Mac"}


def hydra(kind: str, uuid: str) -> str:
    """A Webex REST id: unpadded base64url of ciscospark://us/<KIND>/<uuid>."""
    return base64.urlsafe_b64encode(f"ciscospark://us/{kind}/{uuid}".encode()).decode().rstrip("=")


def leg(report_id: str, user: str, start: str, **cells) -> dict:
    row = {
        "Report ID": report_id,
        "Report time": start.replace(":00.000Z", ":30.000Z"),
        "Org UUID": ORG.upper(),
        "Correlation ID": f"corr-{report_id}",
        "Local SessionID": f"ls-{report_id}",
        "Start time": start,
        "Answer time": start.replace(":00.000Z", ":05.000Z"),
        "Release time": start.replace(":00.000Z", ":50.000Z"),
        "Duration": "45",
        "Ring duration": "5",
        "Direction": "ORIGINATING",
        "Answered": "true",
        "Call type": "SIP_ENTERPRISE",
        "Client type": "WXC_CLIENT",
        "Device MAC": "",
        "Model": "",
        "Location": "Leeds",
        "User UUID": user,
        "User type": "User",
        "Original reason": "",
        "Redirect reason": "",
        "Related reason": "",
        "Call outcome": "Success",
    }
    row.update(cells)
    return row


def csv_text(rows: list[dict], header: list[str], trailing_comma: bool = False) -> str:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    names = [DRIFTED.get(h, h) for h in header] if trailing_comma else header
    writer.writerow(names + ([""] if trailing_comma else []))
    for row in rows:
        writer.writerow([row.get(h, "") for h in header])
    return out.getvalue()


def write_json(path: Path, payload: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload), encoding="utf-8")


def build_landing(root: Path) -> Path:
    us = root / "US"
    org = hydra("ORGANIZATION", ORG)
    for day in ("2026-11-15", D):
        write_json(
            us / "customers" / f"{day}.json",
            {
                "items": [
                    {
                        "orgId": org,
                        "displayName": "Northwind",
                        "externalId": None,
                        "region": "US",
                        "managedBy": "PARTNER",
                        "createdAt": "2025-06-01T00:00:00Z",
                        "lastAdminActivityAt": "2026-11-20T00:00:00Z",
                        "tags": [],
                    }
                ]
            },
        )
        write_json(
            us / "subscriptions" / f"{day}.json",
            {
                "items": [
                    {
                        "subscriptionId": "SUB-N1",
                        "orgId": org,
                        "type": "SUBSCRIPTION",
                        "status": "ACTIVE",
                        "createdAt": "2026-01-01T00:00:00Z",
                        "startDate": "2026-01-01",
                        "endDate": "2026-12-10",
                        "autoRenew": False,
                        "invoiceId": "INV-1",
                        "orders": [],
                    }
                ]
            },
        )
        write_json(
            us / "licenses" / f"{day}.json",
            {
                "snapshotDate": day,
                "items": [
                    {
                        "id": hydra("LICENSE", L_CALL),
                        "orgId": org,
                        "name": "Webex Calling - Professional",
                        "totalUnits": 10,
                        "consumedUnits": 4,
                        "consumedByUsers": 4,
                        "consumedByWorkspaces": 0,
                        "subscriptionId": "SUB-N1",
                    },
                    {
                        "id": hydra("LICENSE", L_ASM),
                        "orgId": org,
                        "name": "Advanced Space Meetings",
                        "totalUnits": 5,
                        "consumedUnits": 2,
                        "consumedByUsers": 2,
                        "consumedByWorkspaces": 0,
                        "subscriptionId": "SUB-N1",
                    },
                ],
            },
        )
        write_json(
            us / "people" / f"{day}.json",
            {
                "items": [
                    {
                        "id": hydra("PEOPLE", uuid),
                        "emails": [f"{name}@northwind.example"],
                        "displayName": name.title(),
                        "orgId": org,
                        "licenses": [hydra("LICENSE", L_CALL)] + ([hydra("LICENSE", L_ASM)] if name in ("ann", "ben") else []),
                        "created": "2025-06-01T00:00:00Z",
                    }
                    for name, uuid in (("ann", ANN), ("ben", BEN), ("cat", CAT), ("dan", DAN))
                ]
            },
        )
    week = [
        leg("r-ann", ANN.upper(), "2026-11-16T10:00:00.000Z"),
        leg("r-ben", BEN, "2026-11-17T11:00:00.000Z", **{"Answer time": "NA", "Device MAC": "na", "Ring duration": "N/A"}),
        leg("r-who", STRANGER, "2026-11-18T12:00:00.000Z"),
    ]
    data = b"\xef\xbb\xbf" + csv_text(week, CDR_HEADER, trailing_comma=True).encode()
    (us / "cdr").mkdir(parents=True)
    with zipfile.ZipFile(us / "cdr" / "DetailedCallHistory_2026-11-21", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("DetailedCallHistory.csv", data)
    october = [leg("r-cat", CAT, "2026-10-01T09:00:00.000Z")]
    (us / "cdr" / "2026-10-01.csv").write_text(csv_text(october, CDR_HEADER), encoding="utf-8")
    return root


def run_cli(landing: Path, home: Path, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PA_")} | env
    return subprocess.run(
        [str(CLI), "run", "--landing", str(landing), "--home", str(home), "--week-ending", D],
        capture_output=True,
        text=True,
        env=environment,
        cwd=str(REPO),
        timeout=900,
    )


def exports(home: Path) -> dict[str, bytes]:
    root = home / "exports"
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def read_export(home: Path, name: str) -> list[list[str]]:
    pattern = re.compile(rf"^{re.escape(name)}_[0-9a-f]{{8}}_{D}\.csv$")
    [path] = [p for p in (home / "exports" / "US").glob("*.csv") if pattern.match(p.name)]
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def test_hydra_snapshots_join_raw_uuid_cdrs_and_the_gate_keeps_previous_exports(tmp_path):
    landing, home = build_landing(tmp_path / "landing"), tmp_path / "home"
    first = run_cli(landing, home)
    assert first.returncode == 0, first.stderr[-4000:]

    # every leg loaded (the NA cells are nulls, the ZIP's rows name their member), ids normalised
    summary = json.loads((home / "runs" / D / "US" / "summary.json").read_text())
    cdr = summary["datasets"]["cdr"]
    assert (cdr["read"], cdr["loaded"], cdr["quarantined"]) == (4, 4, 0)
    assert summary["datasets"]["people"]["unrecognised_ids"] == {}

    header, *rows = read_export(home, "Expiring Subscriptions")
    assert header == [
        "Product",
        "Customer",
        "Subscription ID",
        "Days to Expiry",
        "Total Licenses",
        "Used Licenses",
        "Assigned Licenses",
        "Available Licenses",
        "Usage in Last 3 Months",
    ]
    # Calling only: the Advanced Space Meetings license is Messaging, so no Meetings row for SUB-N1
    assert rows == [["Calling", "Northwind", "SUB-N1", "18", "10", "2", "4", "6", "3"]]

    # A second delivery for the same week: 10 legs, 5 of them garbage (50 % > the default 5 %). Its 5
    # good legs (Dan and Cat in W) would raise Used to 4: the gate must keep every export as it was.
    before = exports(home)
    good = [leg(f"r-new-{i}", (DAN, CAT)[i % 2], "2026-11-19T09:00:00.000Z") for i in range(5)]
    reported = {"Report time": "2026-11-19T10:00:00.000Z"}
    garbage = [
        leg("r-bad-0", DAN, "yesterday", **reported),
        leg("r-bad-1", DAN, "2026-11-19T09:00:00.000Z", Duration="abc"),
        leg("r-bad-2", DAN, "not a time", **reported),
        leg("r-bad-3", DAN, "2026-11-19T09:00:00.000Z", **{"Report ID": ""}),
        leg("r-bad-4", DAN, "2026-11-19T09:00:00.000Z", Duration="-3"),
    ]
    (landing / "US" / "cdr" / "2026-11-19.csv").write_text(csv_text(good + garbage, CDR_HEADER), encoding="utf-8")
    second = run_cli(landing, home)
    assert second.returncode == 1, second.stderr[-4000:]
    message = second.stderr
    assert "quarantine gate: cdr: 50.0 % of the 10 rows read were quarantined" in message
    assert "PA_MAX_QUARANTINE_PCT=5 %" in message
    # the three most frequent reasons, most frequent first (ties by name)
    assert "most frequent reasons: invalid timestamp in Start time (2), invalid number in Duration (1), missing Report ID (1)" in message
    assert exports(home) == before

    # the same landing with the gate raised to 60 %: the run publishes, and Used counts Dan and Cat too
    third = run_cli(landing, home, PA_MAX_QUARANTINE_PCT="60")
    assert third.returncode == 0, third.stderr[-4000:]
    _, *rows = read_export(home, "Expiring Subscriptions")
    assert rows == [["Calling", "Northwind", "SUB-N1", "18", "10", "4", "4", "6", "4"]]
