"""Tiny lakes for the expectation tests: partitions written with polars in the exact lake schemas.

(A plain module, not conftest.py, so test modules can import it by a name no other test folder uses.)
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from ingestion import schemas
from ingestion.lake import ensure_schema_files
from partner_analytics import paths

D = dt.date(2026, 11, 22)  # the run's week ending (a Sunday)
REGION = "US"


def utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


class Lake:
    """Writes lake partitions under <home>/lake/<REGION>/ (partner datasets under <home>/lake/partner/)."""

    def __init__(self, home: Path, region: str = REGION):
        self.home = home
        self.region = region
        ensure_schema_files(paths.lake_dir(home, region), {**schemas.EVENT_DATASETS, **schemas.SNAPSHOT_DATASETS})
        ensure_schema_files(paths.partner_lake_dir(home), schemas.PARTNER_DATASETS)

    def write(self, dataset: str, date: dt.date, rows: list[dict], *, frame: pl.DataFrame | None = None) -> str:
        """Write one partition; missing columns are null, lineage defaults to a file named for the dataset.

        Returns the partition path relative to its lake (what ingestion reports)."""
        column = "week_ending" if dataset in schemas.EVENT_DATASETS else "snapshot_date"
        relative = f"{dataset}/{column}={date.isoformat()}"
        schema = schemas.schema(dataset)
        if frame is None:
            full = [
                {
                    column: date,
                    "source_file": f"{self.region}/{dataset}/{date.isoformat()}.json",
                    "source_row": i,
                    **row,
                }
                for i, row in enumerate(rows, start=1)
            ]
            frame = pl.DataFrame(full, schema=schema) if full else pl.DataFrame(schema=schema)
        lake = paths.partner_lake_dir(self.home) if dataset in schemas.PARTNER_DATASETS else paths.lake_dir(self.home, self.region)
        target = lake / relative / "data.parquet"
        target.parent.mkdir(parents=True, exist_ok=True)
        frame.write_parquet(target)
        return relative

    @property
    def run_dir(self) -> Path:
        return paths.run_dir(self.home, D, self.region)


# One valid row set per lake dataset (orgs o1, o2 are the customers at D).
GOOD: dict[str, list[dict]] = {
    "customers": [
        {"org_id": "o1", "display_name": "Acme", "region": "US", "managed_by": "PARTNER", "created_at": utc("2025-01-01T00:00:00")},
        {"org_id": "o2", "display_name": "Globex", "region": "US", "managed_by": "EXTERNAL_ADMIN", "created_at": utc("2025-02-01T00:00:00")},
    ],
    "customer_tags": [{"org_id": "o1", "tag": "gold"}, {"org_id": "o2", "tag": "gold"}],
    "subscriptions": [
        {
            "subscription_id": "S1",
            "org_id": "o1",
            "subscription_type": "SUBSCRIPTION",
            "status": "ACTIVE",
            "start_date": day("2026-01-01"),
            "end_date": day("2027-01-01"),
            "is_auto_renew": True,
        },
        {
            "subscription_id": "S2",
            "org_id": "o2",
            "subscription_type": "TRIAL",
            "status": "ACTIVE",
            "start_date": day("2026-11-01"),
            "end_date": day("2026-12-01"),
            "is_auto_renew": False,
        },
    ],
    "subscription_orders": [
        {
            "subscription_id": "S1",
            "org_id": "o1",
            "order_id": "O1",
            "ordered_at": utc("2025-12-30T00:00:00"),
            "action": "ADD",
            "quantity": 10,
            "order_index": 1,
        },
    ],
    "licenses": [
        {
            "license_id": "L1",
            "org_id": "o1",
            "license_name": "Webex Calling - Professional",
            "total_units": 10,
            "consumed_units": 5,
            "consumed_by_users": 5,
            "consumed_by_workspaces": 0,
            "subscription_id": "S1",
        },
    ],
    "people": [{"person_id": "P1", "org_id": "o1", "display_name": "Ann", "primary_email": "ann@acme.com"}],
    "people_emails": [{"person_id": "P1", "org_id": "o1", "email": "ann@acme.com", "email_index": 1}],
    "people_licenses": [{"person_id": "P1", "org_id": "o1", "license_id": "L1"}],
    "locations": [{"location_id": "LOC1", "org_id": "o1", "location_name": "HQ", "country": "US"}],
    "devices": [{"device_id": "DEV1", "org_id": "o1", "person_id": "P1", "mac": "112233445566", "device_type": "phone", "device_platform": "cisco"}],
    "numbers": [
        {"org_id": "o1", "phone_number": "+14155550100", "state": "ACTIVE", "phone_number_type": "PRIMARY", "number_index": 1},
        {"org_id": "o1", "extension": "1001", "state": "INACTIVE", "number_index": 2},
    ],
    "cdr": [
        {
            "report_id": "R1",
            "report_at": utc("2026-11-16T10:05:00"),
            "org_id": "o1",
            "started_at": utc("2026-11-16T10:00:00"),
            "released_at": utc("2026-11-16T10:01:00"),
            "duration_seconds": 60,
            "ring_duration_seconds": 3,
            "direction": "ORIGINATING",
            "device_mac": "112233445566",
        },
        {
            "report_id": "R2",
            "report_at": utc("2026-11-21T23:59:59"),
            "org_id": "o2",
            "started_at": utc("2026-11-21T23:59:00"),
            "released_at": utc("2026-11-21T23:59:30"),
            "duration_seconds": 0,
            "ring_duration_seconds": 0,
            "direction": "TERMINATING",
        },
    ],
    "media_quality": [
        {
            "org_id": "o1",
            "local_session_id": "s1",
            "started_at": utc("2026-11-15T00:00:00"),
            "ended_at": utc("2026-11-15T00:01:00"),
            "audio_in_jitter_ms": 3.5,
            "audio_in_latency_ms": 20.0,
            "audio_in_packet_loss_pct": 100.0,
            "audio_out_packet_loss_pct": 0.0,
            "audio_in_sample_count": 2,
            "audio_out_sample_count": 2,
            "video_in_sample_count": 0,
            "video_out_sample_count": 0,
        },
    ],
    "call_queue_stats": [
        {
            "org_id": "o1",
            "queue_id": "Q1",
            "stats_date": day("2026-11-15"),
            "total_calls": 10,
            "answered_calls": 10,
            "abandoned_calls": 0,
            "overflowed_busy_calls": 0,
            "overflowed_timeout_calls": 0,
            "transferred_calls": 1,
            "average_speed_of_answer_seconds": 12.5,
            "average_abandon_time_seconds": None,
        },
        {
            "org_id": "o1",
            "queue_id": "Q1",
            "stats_date": day("2026-11-21"),
            "total_calls": 4,
            "answered_calls": 3,
            "abandoned_calls": 1,
            "overflowed_busy_calls": 0,
            "overflowed_timeout_calls": 0,
            "transferred_calls": 0,
            "average_speed_of_answer_seconds": 8.0,
            "average_abandon_time_seconds": 30.0,
        },
    ],
    "meeting_participants": [
        {
            "org_id": "o1",
            "meeting_id": "m1",
            "email": "ann@acme.com",
            "is_host": True,
            "joined_at": utc("2026-11-16T10:00:00"),
            "left_at": utc("2026-11-16T10:30:00"),
        },
        {"org_id": "o1", "meeting_id": "m1", "email": "bob@acme.com", "is_host": False, "joined_at": utc("2026-11-16T10:00:00"), "left_at": None},
    ],
    "partner_admins": [{"admin_id": "A1", "email": "pat@partner.com", "role": "PARTNER_FULL_ADMIN"}],
    "partner_admin_orgs": [{"admin_id": "A1", "org_id": "o1"}, {"admin_id": "A1", "org_id": "o2"}],
}


def rows(dataset: str, *changes: dict) -> list[dict]:
    """The good rows of a dataset with per-row changes applied (changes[i] updates row i)."""
    out = [dict(r) for r in GOOD[dataset]]
    for i, change in enumerate(changes):
        out[i].update(change)
    return out
