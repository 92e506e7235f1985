"""The lake's record of ingested landing files (`_ingested.json`): content hashes per file name, and
each known file's size and modification time (ns) when it was last hashed (`stats`), so a re-run
recognises a file it has seen without reading it (SPEC 13: cost follows the new data).

Saving it is the commit point of an ingestion run (ingestion/lake.py `commit`): the data files a run
publishes count only once the record names their landing files."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

MANIFEST = "_ingested.json"


@dataclass
class Manifest:
    """`files` maps a landing file (relative to the landing root) to the sha256 of every content of it
    that was ingested; `pending` holds this run's additions until `save` (the last write of a run)."""

    path: Path
    files: dict[str, list[str]] = field(default_factory=dict)
    pending: dict[str, list[str]] = field(default_factory=dict)
    # landing file -> [size, mtime_ns, sha256] of its content when last hashed (known content only)
    stats: dict[str, list] = field(default_factory=dict)
    pending_stats: dict[str, list] = field(default_factory=dict)

    @classmethod
    def load(cls, lake_root: Path) -> Manifest:
        """The record, after completing or rolling back a commit a crashed run left (lake.recover_commit)."""
        from ingestion.lake import recover_commit

        recover_commit(lake_root)
        path = lake_root / MANIFEST
        record = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        return cls(path, record.get("files", {}), stats=record.get("stats", {}))

    def known_sha256(self, rel: str, size: int, mtime_ns: int) -> str | None:
        """The content hash of `rel` when its size and mtime are the ones recorded the last time it was
        hashed (the file is not read), else None: a new or changed file is hashed again."""
        for source in (self.pending_stats, self.stats):
            stat = source.get(rel)
            if stat is not None:
                return stat[2] if stat[0] == size and stat[1] == mtime_ns else None
        return None

    def note_stat(self, rel: str, size: int, mtime_ns: int, sha256: str) -> None:
        """Remember the stat of a file whose content is known (ingested or seen before); saved with the
        record, so a touched-but-identical file is hashed once and then recognised by its new stat."""
        if self.stats.get(rel) != [size, mtime_ns, sha256]:
            self.pending_stats[rel] = [size, mtime_ns, sha256]

    def has_file(self, rel: str, sha256: str) -> bool:
        """Was this exact content ingested under this name (snapshots: the name is the date)?"""
        return sha256 in self.files.get(rel, ()) or sha256 in self.pending.get(rel, ())

    def has_content(self, dataset_prefix: str, sha256: str) -> bool:
        """Was this content ingested under any name of the dataset folder (events: names don't matter)?"""
        for source in (self.files, self.pending):
            for rel, hashes in source.items():
                if rel.startswith(dataset_prefix) and sha256 in hashes:
                    return True
        return False

    def add(self, rel: str, sha256: str) -> None:
        self.pending.setdefault(rel, []).append(sha256)

    def merged(self) -> tuple[dict[str, list[str]], str]:
        """The record after this run (files plus pending) and its file body."""
        merged = {rel: list(hashes) for rel, hashes in self.files.items()}
        for rel, hashes in self.pending.items():
            merged.setdefault(rel, []).extend(h for h in hashes if h not in merged.get(rel, []))
        record: dict = {"files": dict(sorted(merged.items()))}
        stats = {**self.stats, **self.pending_stats}
        if stats:
            record["stats"] = dict(sorted(stats.items()))
        return merged, json.dumps(record, indent=1, sort_keys=True) + "\n"

    def save(self) -> None:
        if not self.pending and not self.pending_stats:
            return
        merged, body = self.merged()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".tmp")
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(body)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.path)
        self.files, self.pending = merged, {}
        self.stats, self.pending_stats = {**self.stats, **self.pending_stats}, {}
