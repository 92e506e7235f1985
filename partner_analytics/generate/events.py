"""Streaming event generation for one region: CDR legs (CSV or JSON pages), media quality, call queue
stats and meeting participants, day by day in bounded chunks (vectorised numpy/polars, no week in memory)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow as pa

from partner_analytics.generate import dirt, ids
from partner_analytics.generate.formats import (
    BOM,
    DAY_MS,
    TS_OFFSET,
    TS_SPACE,
    FileLog,
    format_timestamps,
    iso_date,
    json_rows,
    write_bytes,
    write_frame_items,
)
from partner_analytics.generate.world import RegionWorld

CALLS_PER_CHUNK = 30_000  # ~45 k legs: one CSV file, tens of MB in memory
JSON_PAGE_ROWS = 10_000
JSON_DAY_SHARE = 0.2  # share of days delivered as API pages instead of the Control Hub CSV

CDR_FIELDS = (
    "Start time",
    "Answer time",
    "Release time",
    "Duration",
    "Ring duration",
    "Report ID",
    "Report time",
    "Correlation ID",
    "Local SessionID",
    "Final local SessionID",
    "Call ID",
    "Org UUID",
    "User UUID",
    "User",
    "User type",
    "Direction",
    "Answered",
    "Call type",
    "Client type",
    "Client version",
    "Device MAC",
    "Model",
    "Location",
    "Site UUID",
    "Site timezone",
    "Calling number",
    "Called number",
    "Original reason",
    "Redirect reason",
    "Related reason",
    "Call outcome",
    "Call outcome reason",
    "Releasing party",
    "International country",
)
QUEUE_FIELDS = (
    "Org ID",
    "Location ID",
    "Location",
    "Queue ID",
    "Queue Name",
    "Queue Extension",
    "Date",
    "Total Calls",
    "Answered Calls",
    "Abandoned Calls",
    "Overflowed Calls - Busy",
    "Overflowed Calls - Timeout",
    "Transferred Calls",
    "Average Speed of Answer (s)",
    "Average Abandon Time (s)",
    "Average Handle Time (s)",
)

# ------------------------------------------------------------------------------------ call scenarios
# Roles: A/B/C people, Q call queue, H hunt group, T auto attendant, P workspace.
ROLES = {"A": 0, "B": 1, "C": 2, "Q": 3, "H": 4, "T": 5, "P": 6}
ORIG, TERM = 0, 1
CALL, YES, NO = -1, 1, 0  # answered: as the call, always, never
OUT, IN, ENT = 0, 1, 2  # call type family
REASONS = (
    "",
    "CallQueue",
    "HuntGroup",
    "ConsultativeTransfer",
    "CallForwardNoAnswer",
    "CallForwardAlways",
    "CallForwardBusy",
    "CallForwardSelective",
    "CallPark",
    "CalllPark",
    "CallParkRetrieve",
    "CallPickup",
    "DirectedCallPickup",
    "CallRecording",
    "UserBusy",
    "Unavailable",
)
R = {name: i for i, name in enumerate(REASONS)}
# Leg start: immediately, after the queue wait, after a no-answer ring, after the auto attendant, mid-call.
S_NOW, S_WAIT, S_RING, S_AA, S_MID, S_LATE = range(6)
# Leg duration: the talk, queue wait + talk, queue wait only, auto attendant, a consult (part of the talk).
D_TALK, D_WAITTALK, D_WAIT, D_AA, D_PART = range(5)
# Queue outcomes for call_queue_stats.
Q_NONE, Q_ANSWERED, Q_TRANSFERRED, Q_ABANDONED, Q_BUSY, Q_TIMEOUT = range(6)


def pick(values: tuple, idx: np.ndarray) -> pl.Series:
    """values[idx] as a polars String series ("" -> null); faster than numpy unicode arrays."""
    return pl.Series([v if v != "" else None for v in values], dtype=pl.String).gather(np.asarray(idx, dtype=np.int64))


def _leg(role, direction, answered, ctype, related="", original="", redirect="", start=S_NOW, duration=D_TALK):
    return (ROLES[role], direction, answered, ctype, R[related], R[original], R[redirect], start, duration)


SCENARIOS = (  # (name, weight, queue outcome, legs)
    ("outbound", 0.22, Q_NONE, (_leg("A", ORIG, CALL, OUT),)),
    ("inbound", 0.16, Q_NONE, (_leg("A", TERM, CALL, IN),)),
    ("internal", 0.17, Q_NONE, (_leg("A", ORIG, CALL, ENT), _leg("B", TERM, CALL, ENT))),
    ("queue_answered", 0.055, Q_ANSWERED, (_leg("Q", TERM, YES, IN, duration=D_WAITTALK), _leg("B", TERM, YES, IN, "CallQueue", start=S_WAIT))),
    (
        "queue_transfer",
        0.012,
        Q_TRANSFERRED,
        (
            _leg("Q", TERM, YES, IN, duration=D_WAITTALK),
            _leg("B", TERM, YES, IN, "CallQueue", start=S_WAIT),
            _leg("B", ORIG, YES, ENT, "ConsultativeTransfer", start=S_MID, duration=D_PART),
            _leg("C", TERM, YES, ENT, "ConsultativeTransfer", start=S_MID, duration=D_PART),
        ),
    ),
    ("queue_abandoned", 0.015, Q_ABANDONED, (_leg("Q", TERM, YES, IN, duration=D_WAIT),)),
    ("queue_busy", 0.004, Q_BUSY, (_leg("Q", TERM, NO, IN, redirect="UserBusy"),)),
    (
        "queue_timeout",
        0.006,
        Q_TIMEOUT,
        (_leg("Q", TERM, YES, IN, duration=D_WAIT), _leg("B", TERM, CALL, IN, "CallQueue", redirect="Unavailable", start=S_WAIT)),
    ),
    ("hunt_group", 0.04, Q_NONE, (_leg("H", TERM, YES, IN), _leg("B", TERM, YES, IN, "HuntGroup"))),
    ("hunt_group_missed", 0.01, Q_NONE, (_leg("H", TERM, NO, IN), _leg("B", TERM, NO, IN, "HuntGroup"), _leg("C", TERM, NO, IN, "HuntGroup"))),
    ("auto_attendant", 0.035, Q_NONE, (_leg("T", TERM, YES, IN, duration=D_AA), _leg("B", TERM, CALL, IN, start=S_AA))),
    ("auto_attendant_hangup", 0.01, Q_NONE, (_leg("T", TERM, YES, IN, duration=D_AA),)),
    (
        "transfer",
        0.03,
        Q_NONE,
        (
            _leg("A", TERM, YES, IN),
            _leg("A", ORIG, YES, ENT, "ConsultativeTransfer", start=S_MID, duration=D_PART),
            _leg("B", TERM, YES, ENT, "ConsultativeTransfer", start=S_MID, duration=D_PART),
        ),
    ),
    (
        "transfer_internal",
        0.012,
        Q_NONE,
        (
            _leg("A", ORIG, YES, ENT),
            _leg("B", TERM, YES, ENT),
            _leg("B", ORIG, YES, ENT, "ConsultativeTransfer", start=S_MID, duration=D_PART),
            _leg("C", TERM, YES, ENT, "ConsultativeTransfer", start=S_MID, duration=D_PART),
        ),
    ),
    (
        "forward_no_answer",
        0.025,
        Q_NONE,
        (_leg("A", TERM, NO, IN), _leg("B", TERM, CALL, IN, original="CallForwardNoAnswer", redirect="CallForwardNoAnswer", start=S_RING)),
    ),
    ("forward_always", 0.012, Q_NONE, (_leg("B", TERM, CALL, IN, original="CallForwardAlways", redirect="CallForwardAlways"),)),
    (
        "forward_busy",
        0.006,
        Q_NONE,
        (_leg("A", TERM, NO, IN, redirect="UserBusy"), _leg("B", TERM, CALL, IN, original="CallForwardBusy", redirect="CallForwardBusy")),
    ),
    ("forward_selective", 0.003, Q_NONE, (_leg("B", TERM, CALL, IN, original="CallForwardSelective", redirect="CallForwardSelective"),)),
    (
        "park",
        0.008,
        Q_NONE,
        (
            _leg("A", TERM, YES, IN),
            _leg("A", ORIG, YES, ENT, "CallPark", start=S_MID, duration=D_PART),
            _leg("B", ORIG, YES, ENT, "CallParkRetrieve", start=S_LATE, duration=D_PART),
        ),
    ),
    # The feed really sends this misspelling for some parked calls.
    (
        "park_misspelled",
        0.004,
        Q_NONE,
        (
            _leg("A", TERM, YES, IN),
            _leg("A", ORIG, YES, ENT, "CalllPark", start=S_MID, duration=D_PART),
            _leg("B", ORIG, YES, ENT, "CallParkRetrieve", start=S_LATE, duration=D_PART),
        ),
    ),
    ("pickup", 0.008, Q_NONE, (_leg("A", ORIG, YES, ENT), _leg("B", TERM, NO, ENT), _leg("C", TERM, YES, ENT, "CallPickup"))),
    ("directed_pickup", 0.003, Q_NONE, (_leg("A", ORIG, YES, ENT), _leg("B", TERM, NO, ENT), _leg("C", TERM, YES, ENT, "DirectedCallPickup"))),
    ("workspace_out", 0.03, Q_NONE, (_leg("P", ORIG, CALL, OUT),)),
    ("workspace_in", 0.02, Q_NONE, (_leg("P", TERM, CALL, ENT),)),
)
_NEEDS = {"Q": 0, "H": 1, "T": 2, "P": 3}


def _scenario_tables():
    weights = np.array([s[1] for s in SCENARIOS])
    lengths = np.array([len(s[3]) for s in SCENARIOS])
    first = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    legs = np.array([leg for s in SCENARIOS for leg in s[3]], dtype=np.int64)
    needs = np.full(len(SCENARIOS), -1)
    for i, s in enumerate(SCENARIOS):
        for leg in s[3]:
            role = [k for k, v in ROLES.items() if v == leg[0]][0]
            if role in _NEEDS:
                needs[i] = _NEEDS[role]
    outcome = np.array([s[2] for s in SCENARIOS])
    return weights / weights.sum(), lengths, first, legs, needs, outcome


SC_P, SC_LEN, SC_FIRST, SC_LEGS, SC_NEEDS, SC_OUTCOME = _scenario_tables()
MEAN_LEGS_PER_CALL = float((SC_P * SC_LEN).sum())
OUT_CALL_TYPES = ("SIP_NATIONAL", "SIP_MOBILE", "SIP_INTERNATIONAL", "SIP_TOLLFREE", "SIP_PREMIUM", "SIP_EMERGENCY")
OUT_CALL_P = (0.58, 0.27, 0.08, 0.05, 0.01, 0.01)
APP_CLIENTS = ("WXC_CLIENT", "TEAMS_WXC_CLIENT", "WXC_THIRD_PARTY", "SIP_TOLLFREE", "WXC_SIP_GW", "")
APP_CLIENT_P = (0.72, 0.12, 0.06, 0.04, 0.03, 0.03)
APP_MODELS = ("Webex App", "Microsoft Teams", "Bria 6", "", "", "")
USER_TYPES = ("User", "User", "User", "CallQueue", "HuntGroup", "AutomatedAttendantVideo", "Place")
DAY_FACTOR = np.array([1.0, 1.04, 1.02, 0.98, 0.9, 0.17, 0.09])  # Monday .. Sunday


# ------------------------------------------------------------------------------------ region context


@dataclass
class RegionEvents:
    """Per-region lookup tables for vectorised event generation, and the running counters."""

    world: RegionWorld
    entities: pl.DataFrame  # one row per callable entity: people, queues, hunt groups, AAs, workspaces
    ent_offset: dict[str, int]
    org_tz: np.ndarray
    pools: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]  # key -> (starts, days, person idx)
    service: dict[str, tuple[np.ndarray, np.ndarray]]  # role -> (first idx per org, count per org)
    stats: dict = field(default_factory=dict)


def region_events(world: RegionWorld) -> RegionEvents:
    people = world.people
    n_people = len(world.person_ids)
    locs = world.locations

    def loc_cols(loc_idx):
        return ([locs[i]["name"] for i in loc_idx], [locs[i]["uuid"] for i in loc_idx], [str(locs[i]["tz"] * 60) for i in loc_idx])

    def device_cols(dev_idx):
        mac = [world.devices[i]["mac"].replace(":", "") if i >= 0 else None for i in dev_idx]
        model = [world.devices[i]["model"] if i >= 0 else None for i in dev_idx]
        return mac, model

    person_loc = people["location"].tolist()
    frames = []
    name, uuid, tz = loc_cols(person_loc)
    desk_mac, desk_model = device_cols(people["desk_device"].tolist())
    other_mac, other_model = device_cols(people["other_device"].tolist())
    frames.append(
        pl.DataFrame(
            {
                "User UUID": world.person_ids,
                "User": world.person_names,
                "Location": name,
                "Site UUID": uuid,
                "Site timezone": tz,
                "desk_mac": desk_mac,
                "desk_model": desk_model,
                "other_mac": other_mac,
                "other_model": other_model,
            },
            schema_overrides={k: pl.String for k in ("desk_mac", "desk_model", "other_mac", "other_model")},
        )
    )
    offsets = {"people": 0}
    start = n_people
    for key, table in (
        ("queues", world.queues),
        ("hunt_groups", world.hunt_groups),
        ("auto_attendants", world.auto_attendants),
        ("workspaces", world.workspaces),
    ):
        offsets[key] = start
        start += len(table)
        name, uuid, tz = loc_cols([e["location"] for e in table])
        devs = [e.get("device", -1) for e in table]
        mac, model = device_cols(devs)
        frames.append(
            pl.DataFrame(
                {
                    "User UUID": [e["id"] for e in table],
                    "User": [e["name"] for e in table],
                    "Location": name,
                    "Site UUID": uuid,
                    "Site timezone": tz,
                    "desk_mac": mac,
                    "desk_model": model,
                    "other_mac": [None] * len(table),
                    "other_model": [None] * len(table),
                },
                schema=frames[0].schema,
            )
        )
    entities = pl.concat(frames)

    pools = {}
    for key in ("call_day", "meet_day"):
        eligible = (people[key] >= 0) & ~people["dormant"]
        order = np.lexsort((people[key], people["org"]))
        order = order[eligible[order]]
        starts = np.searchsorted(people["org"][order], np.arange(len(world.orgs) + 1))
        pools[key] = (starts, people[key][order], order)

    service = {}
    for role, attr in (("Q", "queues"), ("H", "hunt_groups"), ("T", "auto_attendants"), ("P", "workspaces")):
        first = np.array([(getattr(o, attr)[0] if getattr(o, attr) else 0) for o in world.orgs], dtype=np.int64)
        count = np.array([len(getattr(o, attr)) for o in world.orgs], dtype=np.int64)
        service[role] = (first, count)
    return RegionEvents(world=world, entities=entities, ent_offset=offsets, org_tz=np.array([o.tz_hours for o in world.orgs]), pools=pools, service=service)


def mean_legs_per_call(ctx: RegionEvents, org_weights: np.ndarray, places_ok: np.ndarray) -> float:
    """Expected legs per call for these org weights: scenarios an org cannot have (no queue, hunt group,
    auto attendant or workspace) fall back to a one-leg inbound call, as in generate_calls."""
    have = np.stack([ctx.service["Q"][1] > 0, ctx.service["H"][1] > 0, ctx.service["T"][1] > 0, (ctx.service["P"][1] > 0) & places_ok], axis=1)  # (orgs, needs)
    possible = np.where(SC_NEEDS[None, :] >= 0, have[:, np.maximum(SC_NEEDS, 0)], True)  # (orgs, scenarios)
    per_org = (SC_P[None, :] * np.where(possible, SC_LEN[None, :], SC_LEN[1])).sum(axis=1)
    return float((per_org * org_weights).sum() / org_weights.sum()) if org_weights.sum() else MEAN_LEGS_PER_CALL


def available(ctx: RegionEvents, key: str, day: int) -> np.ndarray:
    """People per org holding the license (and not dormant) by `day`."""
    starts, days, _ = ctx.pools[key]
    out = np.empty(len(ctx.world.orgs), dtype=np.int64)
    for i in range(len(out)):
        out[i] = np.searchsorted(days[starts[i] : starts[i + 1]], day, side="right")
    return out


def _pick_people(rng, ctx: RegionEvents, key: str, org: np.ndarray, n_avail: np.ndarray) -> np.ndarray:
    """A person of each org, skewed towards long-time users (heavy callers), among the n available."""
    starts, _, order = ctx.pools[key]
    k = np.floor(n_avail[org] * rng.random(len(org)) ** 1.6).astype(np.int64)
    return order[starts[org] + np.minimum(k, np.maximum(n_avail[org] - 1, 0))]


# ------------------------------------------------------------------------------------ one chunk of calls


@dataclass
class Chunk:
    frame: pl.DataFrame  # CDR rows as strings, source field names (plus helper columns)
    media: pa.Table | None
    queue_outcome: np.ndarray  # per call
    queue_idx: np.ndarray  # per call
    queue_wait_s: np.ndarray  # per call
    n_calls: int


def generate_calls(
    rng: np.random.Generator, ctx: RegionEvents, day: int, n_calls: int, org_weights: np.ndarray, n_avail: np.ndarray, places_ok: np.ndarray
) -> Chunk:
    """n_calls calls of one UTC day as CDR legs (+ media items, + queue outcomes), vectorised."""
    world = ctx.world
    org = np.searchsorted(np.cumsum(org_weights), rng.random(n_calls) * org_weights.sum(), side="right")
    org = np.minimum(org, len(org_weights) - 1)
    scen = rng.choice(len(SCENARIOS), n_calls, p=SC_P)
    have = np.stack(
        [ctx.service["Q"][1][org] > 0, ctx.service["H"][1][org] > 0, ctx.service["T"][1][org] > 0, (ctx.service["P"][1][org] > 0) & places_ok[org]], axis=1
    )
    lacking = (SC_NEEDS[scen] >= 0) & ~have[np.arange(n_calls), np.maximum(SC_NEEDS[scen], 0)]
    scen = np.where(lacking, 1, scen)  # falls back to a plain inbound call

    # Call-level draws.
    tz = ctx.org_tz[org]
    business = rng.random(n_calls) < 0.88
    local_h = np.where(
        business, np.where(rng.random(n_calls) < 0.5, rng.normal(10.6, 1.3, n_calls), rng.normal(14.6, 1.5, n_calls)), rng.uniform(0, 24, n_calls)
    )
    second_of_day = np.mod(np.rint((local_h - tz) * 3600).astype(np.int64), 86_400)
    call_start = day * DAY_MS + second_of_day * 1000 + rng.integers(0, 1000, n_calls)
    answered_call = rng.random(n_calls) < 0.78
    talk = np.clip(rng.lognormal(np.log(150), 0.9, n_calls), 3, 7200)
    wait = np.clip(rng.exponential(25, n_calls), 1, 600)
    aa_dur = rng.uniform(5, 40, n_calls)
    persons = {r: _pick_people(rng, ctx, "call_day", org, n_avail) for r in ("A", "B", "C")}
    services = {}
    for role in ("Q", "H", "T", "P"):
        first, count = ctx.service[role]
        services[role] = first[org] + (rng.random(n_calls) * np.maximum(count[org], 1)).astype(np.int64)
    correlation = ids.uuids(rng, n_calls)

    # Expand to legs.
    n_legs_call = SC_LEN[scen]
    call_of = np.repeat(np.arange(n_calls), n_legs_call)
    pos = np.arange(len(call_of)) - np.repeat(np.cumsum(n_legs_call) - n_legs_call, n_legs_call)
    tmpl = SC_LEGS[SC_FIRST[scen][call_of] + pos]
    n = len(call_of)
    role, direction, ans_rule, ctype, related, original, redirect, start_kind, dur_kind = tmpl.T

    offsets = ctx.ent_offset
    entity = np.select(
        [role == ROLES["A"], role == ROLES["B"], role == ROLES["C"], role == ROLES["Q"], role == ROLES["H"], role == ROLES["T"]],
        [
            persons["A"][call_of],
            persons["B"][call_of],
            persons["C"][call_of],
            offsets["queues"] + services["Q"][call_of],
            offsets["hunt_groups"] + services["H"][call_of],
            offsets["auto_attendants"] + services["T"][call_of],
        ],
        default=offsets["workspaces"] + services["P"][call_of],
    )
    ent = ctx.entities[entity]

    answered = np.where(ans_rule == CALL, answered_call[call_of], ans_rule == YES)
    ring = np.where(answered, rng.uniform(1, 15, n), rng.uniform(15, 30, n))
    t, w, a = talk[call_of], wait[call_of], aa_dur[call_of]
    start_off = np.select(
        [start_kind == S_WAIT, start_kind == S_RING, start_kind == S_AA, start_kind == S_MID, start_kind == S_LATE],
        [w, ring + 3, a, t * 0.4, t * 0.75],
        default=pos * 0.05,
    )
    duration = np.select([dur_kind == D_WAITTALK, dur_kind == D_WAIT, dur_kind == D_AA, dur_kind == D_PART], [w + t, w, a, t * 0.25], default=t)
    duration = np.where(answered, np.rint(duration), 0).astype(np.int64)
    ring_s = np.rint(ring).astype(np.int64)
    start_ms = call_start[call_of] + np.rint(start_off * 1000).astype(np.int64) + rng.integers(0, 400, n)
    answer_ms = start_ms + ring_s * 1000 + rng.integers(0, 999, n)
    release_ms = np.where(answered, answer_ms + duration * 1000, start_ms + ring_s * 1000)
    report_ms = release_ms + rng.integers(30_000, 1_200_000, n)

    # Endpoint: people use desk phones, third-party phones or apps; workspaces their device; services none.
    is_person = role <= ROLES["C"]
    is_place = role == ROLES["P"]
    has_desk = ent["desk_mac"].is_not_null().to_numpy()
    has_other = ent["other_mac"].is_not_null().to_numpy()
    u = rng.random(n)
    use_desk = is_person & has_desk & (u < 0.55)
    use_other = is_person & has_other & ~use_desk & (u < 0.6)
    app = rng.choice(len(APP_CLIENTS), n, p=APP_CLIENT_P)
    # Client type as an index into CLIENTS: the apps, then WXC_DEVICE, then none (services).
    third_party = APP_CLIENTS.index("WXC_THIRD_PARTY")
    client_idx = np.where(use_desk | is_place, len(APP_CLIENTS), np.where(use_other, third_party, app))
    client_idx = np.where(is_person | is_place, client_idx, APP_CLIENTS.index(""))
    client = np.array((*APP_CLIENTS, "WXC_DEVICE"))[client_idx]
    random_mac = ids.hex_ids(rng, n, 6, upper=True)
    app_mac = rng.random(n) < 0.5  # softphones often report the computer's MAC, which matches no device
    mac = pl.select(
        pl.when(pl.Series(use_desk | is_place))
        .then(ent["desk_mac"])
        .when(pl.Series(use_other))
        .then(ent["other_mac"])
        .when(pl.Series(is_person & app_mac))
        .then(random_mac)
        .otherwise(None)
    ).to_series()
    model = pl.select(
        pl.when(pl.Series(use_desk | is_place))
        .then(ent["desk_model"])
        .when(pl.Series(use_other))
        .then(ent["other_model"])
        .when(pl.Series(is_person))
        .then(pick(APP_MODELS, app))
        .otherwise(None)
    ).to_series()

    call_types = (*OUT_CALL_TYPES, "SIP_INBOUND", "SIP_ENTERPRISE")
    call_type_idx = np.where(
        ctype == IN, len(OUT_CALL_TYPES), np.where(ctype == ENT, len(OUT_CALL_TYPES) + 1, rng.choice(len(OUT_CALL_TYPES), n, p=OUT_CALL_P))
    )
    # Some people's calls are recorded: the leg carries Related reason CallRecording.
    recorded = is_person & (related == 0) & (rng.random(n) < 0.025)
    related = np.where(recorded, R["CallRecording"], related)
    reasons = pl.Series([r or None for r in REASONS], dtype=pl.String)
    outcome_fail = rng.random(n)
    # 0 answered, 1 no answer, 2 busy, 3 refused
    outcome = np.where(answered, 0, np.where(outcome_fail < 0.6, 1, np.where(outcome_fail < 0.8, 2, 3)))
    leg_tz = tz[call_of]

    def styles(p_space, p_offset):
        v = rng.random(n)
        return np.where(v < p_space, TS_SPACE, np.where(v < p_space + p_offset, TS_OFFSET, 0))

    report_id = ids.uuids(rng, n)
    session = ids.hex_ids(rng, n, 16)
    frame = pl.DataFrame(
        {
            "Start time": format_timestamps(start_ms, styles(0.06, 0.04), leg_tz),
            "Answer time": format_timestamps(answer_ms, styles(0.06, 0.04), leg_tz, null=~answered),
            "Release time": format_timestamps(release_ms, styles(0.25, 0.05), leg_tz),
            "Duration": pl.Series(duration).cast(pl.String),
            "Ring duration": pl.Series(ring_s).cast(pl.String),
            "Report ID": report_id,
            "Report time": format_timestamps(report_ms, styles(0.05, 0.03), leg_tz),
            "Correlation ID": correlation.gather(call_of),
            "Local SessionID": session,
            "Final local SessionID": session,
            "Call ID": "SSE" + ids.hex_ids(rng, n, 10, upper=True) + "@10.177.4." + pl.Series(rng.integers(2, 250, n)).cast(pl.String),
            "Org UUID": pl.Series([o.org_id for o in world.orgs]).gather(org[call_of]),
            "User UUID": ent["User UUID"],
            "User": ent["User"],
            "User type": pick(USER_TYPES, role),
            "Direction": pick(("ORIGINATING", "TERMINATING"), direction),
            "Answered": pick(("false", "true"), answered.astype(np.int64)),
            "Call type": pick(call_types, call_type_idx),
            "Client type": pick((*APP_CLIENTS, "WXC_DEVICE"), client_idx),
            "Client version": pick(("", "44.10.0.30906"), (client_idx == 0).astype(np.int64)),
            "Device MAC": mac,
            "Model": model,
            "Location": ent["Location"],
            "Site UUID": ent["Site UUID"],
            "Site timezone": ent["Site timezone"],
            "Calling number": "+1555" + pl.Series(rng.integers(0, 10**7, n)).cast(pl.String).str.zfill(7),
            "Called number": pl.Series(rng.integers(1000, 9999, n)).cast(pl.String),
            "Original reason": reasons.gather(original),
            "Redirect reason": reasons.gather(redirect),
            "Related reason": reasons.gather(related),
            "Call outcome": pick(("Success", "Success", "Failure", "Refusal"), outcome),
            "Call outcome reason": pick(("Normal", "NoAnswer", "UserBusy", "Refusal"), outcome),
            "Releasing party": pick(("Local", "Remote"), rng.integers(0, 2, n)),
            "International country": pick(("", "GB"), (call_type_idx == OUT_CALL_TYPES.index("SIP_INTERNATIONAL")).astype(np.int64)),
            # helper columns (not written)
            "_start_day": start_ms // DAY_MS,
            "_report_ms": report_ms,
            "_tz": leg_tz,
        }
    )

    media = _media(rng, ctx, frame, answered & (is_person | is_place), client, is_place, start_ms, answer_ms, duration, entity, leg_tz)
    qidx = services["Q"]
    return Chunk(frame=frame, media=media, queue_outcome=SC_OUTCOME[scen], queue_idx=qidx, queue_wait_s=wait, n_calls=n_calls)


# ------------------------------------------------------------------------------------ media quality


def _list_array(counts: np.ndarray, values: pa.Array) -> pa.Array:
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
    return pa.ListArray.from_arrays(pa.array(offsets), values)


def _media(
    rng, ctx: RegionEvents, frame: pl.DataFrame, eligible: np.ndarray, client: np.ndarray, is_place: np.ndarray, start_ms, answer_ms, duration, entity, leg_tz
) -> pa.Table | None:
    """One media item per answered person/workspace leg (88% of them): audio always, video on some,
    per-direction interval arrays; mostly good with a poor tail (jitter > 150, latency > 400, loss > 5%)."""
    has_media = eligible & (rng.random(len(eligible)) < 0.88)
    legs = np.flatnonzero(has_media)
    m = len(legs)
    if m == 0:
        return None
    is_room = is_place[legs]
    cl = client[legs]
    video_p = np.where(is_room, 0.7, np.where(cl == "WXC_CLIENT", 0.2, np.where(cl == "TEAMS_WXC_CLIENT", 0.15, 0.0)))
    has_video = rng.random(m) < video_p
    poor_p = np.where(np.isin(cl, ("WXC_THIRD_PARTY", "TEAMS_WXC_CLIENT", "")), 0.1, 0.045)
    poor = rng.random(m) < poor_p
    poor_metric = rng.integers(0, 3, m)  # jitter, latency, loss
    poor_dir = rng.integers(0, 2, m)  # in, out
    poor_video = has_video & (rng.random(m) < 0.3)
    latency_base = 60 + (25 if ctx.world.region == "UAE" else 0)

    dur = np.maximum(duration[legs], 1)
    n_int = np.clip(np.ceil(dur / 300), 1, 3).astype(np.int64)
    t0 = answer_ms[legs]
    columns: dict[str, pa.Array] = {}
    for stream in ("audio", "video"):
        for d_i, d_name in enumerate(("In", "Out")):
            on = np.ones(m, dtype=bool) if stream == "audio" else has_video
            ints = np.where(on, n_int, 0)
            leg_of = np.repeat(np.arange(m), ints)
            k = np.arange(len(leg_of)) - np.repeat(np.cumsum(ints) - ints, ints)
            length_ms = (dur[leg_of] * 1000) // n_int[leg_of]
            i_start = t0[leg_of] + k * length_ms
            i_end = i_start + length_ms
            n_samp = np.clip(np.ceil(length_ms / 60_000), 1, 5).astype(np.int64)
            s_leg = np.repeat(leg_of, n_samp)
            total = len(s_leg)
            bad = poor[s_leg] & (poor_dir[s_leg] == d_i) & ((stream == "audio") | poor_video[s_leg])
            metric = poor_metric[s_leg]
            jitter = np.rint(np.where(bad & (metric == 0), rng.uniform(160, 320, total), rng.gamma(2.0, 4.0, total))).astype(np.int64)
            latency = np.rint(np.where(bad & (metric == 1), rng.uniform(420, 900, total), latency_base + rng.gamma(3.0, 18.0, total))).astype(np.int64)
            loss = np.round(np.where(bad & (metric == 2), rng.uniform(6, 15, total), np.where(rng.random(total) < 0.8, 0.0, rng.uniform(0, 1.5, total))), 1)
            interval = pa.StructArray.from_arrays(
                [
                    pa.array(np.full(len(leg_of), 60, dtype=np.int64)),
                    pa.array(format_timestamps(i_start).to_arrow()),
                    pa.array(format_timestamps(i_end).to_arrow()),
                    _list_array(n_samp, pa.array(jitter)),
                    _list_array(n_samp, pa.array(latency)),
                    _list_array(n_samp, pa.array(loss)),
                ],
                names=["samplingInterval", "startTime", "endTime", "jitter", "latency", "packetLoss"],
            )
            columns[f"{stream}{d_name}"] = _list_array(ints, interval)
    sub = frame[legs]
    return pa.table(
        {
            "orgId": sub["Org UUID"].to_arrow(),
            "correlationId": sub["Correlation ID"].to_arrow(),
            "localSessionId": sub["Local SessionID"].to_arrow(),
            "transport": pick(("UDP", "TCP"), (rng.random(m) >= 0.93).astype(np.int64)).to_arrow(),
            "audioIn": columns["audioIn"],
            "audioOut": columns["audioOut"],
            "videoIn": columns["videoIn"],
            "videoOut": columns["videoOut"],
        }
    )


# ------------------------------------------------------------------------------------ CDR file writing


def cdr_json_text(frame: pl.DataFrame, rng: np.random.Generator, counts: dict) -> str:
    """API-page rows: Duration a number (sometimes a numeric string), Answered a boolean (sometimes a string)."""
    n = frame.height
    string_answered = rng.random(n) < 0.3
    string_duration = rng.random(n) < 0.15
    is_int = frame["Duration"].str.contains(r"^-?\d+$").fill_null(False).to_numpy()
    counts["string_answered"] += int(string_answered.sum())
    counts["string_durations"] += int((string_duration & is_int).sum())
    out = frame.with_columns(
        pl.when(pl.Series(is_int & ~string_duration)).then(pl.col("Duration")).otherwise(pl.lit('"') + pl.col("Duration") + pl.lit('"')).alias("Duration"),
        pl.when(pl.Series(string_answered)).then(pl.lit('"') + pl.col("Answered") + pl.lit('"')).otherwise(pl.col("Answered")).alias("Answered"),
    )
    return json_rows(out, raw_fields=("Duration", "Ring duration", "Answered"))


def count_timestamp_styles(frame: pl.DataFrame, counts: dict) -> None:
    for name in dirt.TIMESTAMP_FIELDS:
        col = frame[name].drop_nulls()
        counts["offset_timestamps"] += int(col.str.contains(r"T.*[+-]\d\d:\d\d$").sum())
        counts["space_timestamps"] += int(col.str.contains(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d").sum())


def write_cdr_file(path: Path, frame: pl.DataFrame, kinds: np.ndarray, as_json: bool, rng: np.random.Generator, counts: dict, log: FileLog) -> None:
    """One CDR landing file: Control Hub CSV (BOM on some, malformed rows inserted) or an API page."""
    count_timestamp_styles(frame, counts)
    out = frame.select(CDR_FIELDS)
    if as_json:
        counts["json_cdr_files"] += 1
        write_bytes(path, ('{"items":[\n' + cdr_json_text(out, rng, counts) + "\n]}").encode(), log)
        return
    bad = np.flatnonzero(kinds == dirt.MALFORMED)
    keep = np.ones(out.height, dtype=bool)
    keep[bad] = False
    shape = dirt.csv_shape(path.name)  # real-world shapes (SPEC 9), chosen by name: no draw from `rng`
    body = out.filter(pl.Series(keep))
    if shape == dirt.NA_CELLS:
        body, filled = dirt.na_cells(body)
        counts["na_cells"] += filled
    text = body.write_csv()
    lines = [dirt.malformed_line(list(out.row(int(i))), rng) for i in bad]
    text = dirt.insert_lines(text, bad.tolist(), lines)
    if shape == dirt.RECASED_HEADER:
        text = dirt.recased_header(text)
        counts["recased_header_files"] += 1
    elif shape == dirt.TRAILING_COMMA:
        text = dirt.trailing_comma_header(text)
        counts["trailing_comma_files"] += 1
    data = text.encode()
    bom = rng.random() < 0.3
    if shape == dirt.ZIP_NO_EXTENSION:  # a Control Hub download: the CSV inside always has a BOM
        counts["zip_files"] += 1
        write_bytes(path.with_suffix(""), dirt.zipped(path.name, BOM + data), log)
        return
    if bom:
        data = BOM + data
        counts["bom_files"] += 1
    write_bytes(path, data, log)


# ------------------------------------------------------------------------------------ queue stats, meetings


def queue_stats_rows(ctx: RegionEvents, day: int, acc: dict[str, np.ndarray]) -> pl.DataFrame:
    world = ctx.world
    rows = {f: [] for f in QUEUE_FIELDS}
    for qi, q in enumerate(world.queues):
        org = world.orgs[q["org"]]
        if org.created_day > day:
            continue
        loc = world.locations[q["location"]]
        answered = int(acc["answered"][qi])
        abandoned = int(acc["abandoned"][qi])
        busy, timeout = int(acc["busy"][qi]), int(acc["timeout"][qi])
        values = (
            org.org_id,
            loc["id"],
            loc["name"],
            q["id"],
            q["name"],
            q["extension"],
            iso_date(day),
            answered + abandoned + busy + timeout,
            answered,
            abandoned,
            busy,
            timeout,
            int(acc["transferred"][qi]),
            round(acc["wait_answered"][qi] / answered, 1) if answered else 0.0,
            round(acc["wait_abandoned"][qi] / abandoned, 1) if abandoned else 0.0,
            round(acc["handle"][qi] / answered, 1) if answered else 0.0,
        )
        for f, v in zip(QUEUE_FIELDS, values, strict=True):
            rows[f].append(v)
    return pl.DataFrame(rows, schema={f: (pl.Float64 if "(s)" in f else pl.Int64 if "Calls" in f else pl.String) for f in QUEUE_FIELDS})


def new_queue_acc(n_queues: int) -> dict[str, np.ndarray]:
    return {k: np.zeros(n_queues) for k in ("answered", "abandoned", "busy", "timeout", "transferred", "wait_answered", "wait_abandoned", "handle")}


def add_queue_outcomes(acc: dict[str, np.ndarray], chunk: Chunk, talk_s: np.ndarray | None = None) -> None:
    o, q, w = chunk.queue_outcome, chunk.queue_idx, chunk.queue_wait_s
    n = len(acc["answered"])
    for key, mask in (
        ("answered", (o == Q_ANSWERED) | (o == Q_TRANSFERRED)),
        ("abandoned", o == Q_ABANDONED),
        ("busy", o == Q_BUSY),
        ("timeout", o == Q_TIMEOUT),
        ("transferred", o == Q_TRANSFERRED),
    ):
        acc[key] += np.bincount(q[mask], minlength=n)
    answered = (o == Q_ANSWERED) | (o == Q_TRANSFERRED)
    acc["wait_answered"] += np.bincount(q[answered], weights=np.rint(w[answered]), minlength=n)
    acc["wait_abandoned"] += np.bincount(q[o == Q_ABANDONED], weights=np.rint(w[o == Q_ABANDONED]), minlength=n)
    acc["handle"] += np.bincount(q[answered], weights=np.rint(w[answered]) + 180, minlength=n)


def meeting_participants(rng: np.random.Generator, ctx: RegionEvents, day: int, n_meetings: int, counts: dict) -> pl.DataFrame | None:
    """Participants of n meetings on one day: a licensed host, colleagues (emails sometimes in other case
    or the alias address) and external guests."""
    world = ctx.world
    n_avail = available(ctx, "meet_day", day)
    created = np.array([o.created_day <= day for o in world.orgs])
    weights = (n_avail * np.array([o.intensity for o in world.orgs]) * created).astype(float)
    if n_meetings == 0 or weights.sum() == 0:
        return None
    org = np.searchsorted(np.cumsum(weights), rng.random(n_meetings) * weights.sum(), side="right")
    org = np.minimum(org, len(weights) - 1)
    size = 1 + np.minimum(rng.geometric(0.35, n_meetings), 12)
    meeting = np.repeat(np.arange(n_meetings), size)
    pos = np.arange(len(meeting)) - np.repeat(np.cumsum(size) - size, size)
    n = len(meeting)
    p_org = org[meeting]
    person = _pick_people(rng, ctx, "meet_day", p_org, n_avail)
    guest = (pos > 0) & (rng.random(n) < 0.2)
    email = world.person_emails.gather(person)
    alias = pl.Series(world.person_alias, dtype=pl.String).gather(person)
    use_alias = alias.is_not_null().to_numpy() & (rng.random(n) < 0.3)
    case = rng.random(n)
    mixed = ~guest & (case < 0.12)
    counts["mixed_case_emails"] += int(mixed.sum())
    guest_email = (
        "guest"
        + pl.Series(rng.integers(1, 99999, n)).cast(pl.String)
        + "@"
        + pick(("mail.example.org", "partner.example.net", "outlook.example.com"), rng.integers(0, 3, n))
    )
    email = pl.select(pl.when(pl.Series(guest)).then(guest_email).when(pl.Series(use_alias)).then(alias).otherwise(email).alias("e")).to_series()
    email = pl.select(
        pl.when(pl.Series(mixed & (case < 0.04))).then(email.str.to_uppercase()).when(pl.Series(mixed)).then(email.str.to_titlecase()).otherwise(email)
    ).to_series()
    tz = ctx.org_tz[org]
    local_h = np.clip(rng.normal(12.5, 2.3, n_meetings), 6, 20)
    start = day * DAY_MS + np.mod(np.rint((local_h - tz) * 3600).astype(np.int64), 86_400) * 1000
    length = (np.clip(rng.lognormal(np.log(35 * 60), 0.5, n_meetings), 300, 4 * 3600) * 1000).astype(np.int64)
    joined = start[meeting] + (rng.exponential(90, n) * 1000).astype(np.int64) + rng.integers(0, 1000, n)
    left = np.maximum(joined + 60_000, start[meeting] + length[meeting] - (rng.exponential(120, n) * 1000).astype(np.int64))
    meeting_ids = ids.hex_ids(rng, n_meetings, 16)
    return pl.DataFrame(
        {
            "id": ids.hex_ids(rng, n, 16),
            "orgId": pl.Series([o.org_id for o in world.orgs]).gather(p_org),
            "meetingId": meeting_ids.gather(meeting) + "_I_" + pl.Series(start[meeting] // 1000).cast(pl.String),
            "email": email,
            "displayName": pl.select(pl.when(pl.Series(guest)).then(pl.lit("Guest")).otherwise(world.person_names.gather(person))).to_series(),
            "host": pos == 0,
            "joinedTime": format_timestamps(joined),
            "leftTime": format_timestamps(left),
            "state": pick(("end",), np.zeros(n, dtype=np.int64)),
            "video": pick(("on", "off"), (rng.random(n) >= 0.55).astype(np.int64)),
        }
    )


def write_queue_stats(path: Path, frame: pl.DataFrame, rng: np.random.Generator, counts: dict, log: FileLog) -> None:
    data = frame.write_csv(float_precision=1).encode()
    if rng.random() < 0.3:
        data = BOM + data
        counts["bom_files"] += 1
    write_bytes(path, data, log)


def write_meetings(path: Path, frame: pl.DataFrame, log: FileLog) -> None:
    write_frame_items(path, frame, log)


def write_media(path: Path, table: pa.Table, log: FileLog) -> None:
    write_frame_items(path, pl.from_arrow(table), log)
