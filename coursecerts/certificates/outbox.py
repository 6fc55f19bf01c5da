"""The outbox work certificates own (coursecerts.events, ADR 0013): generation that a data change owes."""

from __future__ import annotations

from coursecerts.certificates.generation_selectors import Tally
from coursecerts.certificates.services.bulk_generation import learners_generate_in_chunks
from coursecerts.events.models import OutboxEntry, OutboxKinds
from coursecerts.events.services import outbox_batch_handler, outbox_handler, outbox_record


def generation_owed_record(*, course_run, sources: dict[str, list[int]]) -> OutboxEntry | None:
    """Record, in the caller's transaction, that these learners of a run owe a generation attempt: one entry
    for all of them, {source: [user ids]} (the source goes into the certificates' history). Nothing when no
    learner is named."""
    sources = {source: sorted(ids) for source, ids in sources.items() if ids}
    if not sources:
        return None
    return outbox_record(
        kind=OutboxKinds.GENERATE_CERTIFICATES, course_run=course_run, payload={"sources": sources}
    )


@outbox_handler(OutboxKinds.GENERATE_CERTIFICATES)
def generation_owed_run(entry: OutboxEntry, *, heartbeat) -> dict:
    """Decide and write the entry's learners, chunk by chunk (one transaction each), by the same rules as every
    other path. Idempotent: a learner already decided is left as is, so an entry run again (its drainer died
    half-way) writes only what is still missing. Returns the tally (outcomes, reasons, changed)."""
    tally = Tally()
    if entry.course is None:  # the run was deleted: nothing is owed any more
        return tally.as_dict()
    for source, user_ids in entry.payload.get("sources", {}).items():
        done = learners_generate_in_chunks(
            course_run=entry.course, user_ids=user_ids, source=source, after_chunk=lambda chunk: heartbeat()
        )
        tally.add(done.as_dict())
    return tally.as_dict()


@outbox_batch_handler(OutboxKinds.GENERATE_CERTIFICATES, most=2000)
def generation_owed_run_batch(entries: list[OutboxEntry], *, heartbeat) -> dict:
    """Many entries of one run at once (a stream of grade events, each owing one learner's generation): their
    learners by source, each source's learners decided and written set-based, chunk by chunk, as one entry
    naming them all would be. A learner owed under two sources is decided under the first and left as is
    under the second, as two entries run one after the other leave it. Returns the tally of all of them."""
    tally = Tally()
    course_run = entries[0].course
    if course_run is None:
        return tally.as_dict()
    sources: dict[str, set[int]] = {}
    for entry in entries:
        for source, user_ids in entry.payload.get("sources", {}).items():
            sources.setdefault(source, set()).update(user_ids)
    for source, user_ids in sources.items():
        done = learners_generate_in_chunks(
            course_run=course_run,
            user_ids=sorted(user_ids),
            source=source,
            after_chunk=lambda chunk: heartbeat(),
        )
        tally.add(done.as_dict())
    return tally.as_dict()
