"""What an import did, table by table: rows read, created, changed, unchanged; the rows it could not accept,
by reason, with their Open edX ids; what it adjusted; and the certificates that got a new verify_uuid."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class TableReport:
    table: str
    read: int = 0
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    rejected: dict[str, list] = field(default_factory=dict)  # reason -> Open edX ids
    adjusted: dict[str, list] = field(default_factory=dict)  # what was changed to fit, -> Open edX ids
    resumed_done: bool = False  # done by the stopped run this one resumed
    seconds: float = 0.0  # this run's time on the table

    def reject(self, row_id, reason: str) -> None:
        self.rejected.setdefault(reason, []).append(row_id)

    def adjust(self, row_id, what: str) -> None:
        self.adjusted.setdefault(what, []).append(row_id)

    @property
    def rejected_count(self) -> int:
        return sum(len(ids) for ids in self.rejected.values())

    def counts(self) -> dict:
        """What the progress row keeps, so that a resumed run's summary includes the stopped run's work."""
        return {
            "read": self.read,
            "created": self.created,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "adjusted": self.adjusted,
        }

    def restore(self, counts: dict) -> None:
        for name in ("read", "created", "changed", "unchanged"):
            setattr(self, name, counts.get(name, 0))
        self.rejected = {k: list(v) for k, v in (counts.get("rejected") or {}).items()}
        self.adjusted = {k: list(v) for k, v in (counts.get("adjusted") or {}).items()}


@dataclass
class ImportReport:
    source: str
    dry_run: bool
    resumed: bool = False
    tables: list[TableReport] = field(default_factory=list)
    new_verify_uuids: list[tuple[int, str]] = field(default_factory=list)  # (Open edX certificate id, uuid)
    notes: list[str] = field(default_factory=list)

    def table(self, name: str) -> TableReport:
        report = TableReport(name)
        self.tables.append(report)
        return report

    def by_table(self) -> dict[str, TableReport]:
        return {t.table: t for t in self.tables}

    def lines(self) -> list[str]:
        verb = "would be" if self.dry_run else "were"
        head = f"Open edX import from {self.source}" + (
            " (DRY RUN: nothing was written)" if self.dry_run else ""
        )
        lines = [head + (" - resumed a stopped run" if self.resumed else ""), ""]
        lines.append(
            f"{'table':<50} {'read':>9} {'created':>9} {'changed':>9} {'unchanged':>9} {'rejected':>9} {'seconds':>8}"
        )
        for t in self.tables:
            lines.append(
                f"{t.table:<50} {t.read:>9} {t.created:>9} {t.changed:>9} {t.unchanged:>9} {t.rejected_count:>9}"
                f" {t.seconds:>8.1f}"
            )
        for t in self.tables:
            for reason, ids in t.rejected.items():
                lines.append(f"REJECTED {t.table} ({len(ids)}, not imported): {reason}: ids {_ids(ids)}")
            for what, ids in t.adjusted.items():
                lines.append(f"ADJUSTED {t.table} ({len(ids)}): {what}: ids {_ids(ids)}")
        if self.new_verify_uuids:
            lines.append(
                f"NEW verify_uuid ({len(self.new_verify_uuids)}): these Open edX certificates had none (PDF era) "
                f"and {verb} given one (Open edX id -> verify_uuid):"
            )
            lines += [f"  {source_id} -> {uuid}" for source_id, uuid in self.new_verify_uuids]
        lines += self.notes
        return lines


def _ids(ids: list) -> str:
    return ", ".join(str(i) for i in ids)
