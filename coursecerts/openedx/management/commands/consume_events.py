"""Consume a topic of the Open edX event bus into the inbox: openedx-events' own `consume_events` command.

    coursecerts consume_events -t learning-certificate-inputs -g coursecerts
    coursecerts consume_events -t learning-certificate-inputs -g coursecerts --extra '{"check_backlog": true}'

The arguments, the consumer made from EVENT_BUS_CONSUMER and its `--extra` options are the library's (README
"Events in (the LMS's event bus)"). One difference: where the library logs an error and exits 0, this exits
non-zero with the error, so that a process manager sees it and restarts the consumer.
"""

import json

from django.core.management.base import CommandError
from openedx_events.event_bus import NoEventBusConsumer, make_single_consumer
from openedx_events.management.commands.consume_events import Command as OpenedxConsumeEvents
from openedx_events.tooling import load_all_signals


class Command(OpenedxConsumeEvents):
    help = (
        "Consume a topic of the Open edX event bus (-t TOPIC, without EVENT_BUS_TOPIC_PREFIX) as consumer group "
        "-g GROUP: each event is recorded in the inbox, then applied. --extra: a JSON object of the consumer's "
        "options (consumer_name, check_backlog, last_read_msg_id, claim_msgs_older_than, exit_when_idle)."
    )

    def handle(self, *args, **options):
        try:
            extra = json.loads(options.get("extra") or "{}")
        except ValueError as exc:
            raise CommandError(f"--extra is not JSON: {exc}") from None
        if not isinstance(extra, dict):
            raise CommandError("--extra must be a JSON object, e.g. '{\"check_backlog\": true}'")
        load_all_signals()
        consumer = make_single_consumer(topic=options["topic"][0], group_id=options["group_id"][0], **extra)
        if isinstance(consumer, NoEventBusConsumer):
            raise CommandError(
                "No consumer could be made from EVENT_BUS_CONSUMER with these options (the log line above says "
                "why): check EVENT_BUS_CONSUMER, EVENT_BUS_REDIS_CONNECTION_URL and --extra."
            )
        try:
            consumer.consume_indefinitely()
        except Exception as exc:
            raise CommandError(f"The consumer stopped: {type(exc).__name__}: {exc}") from exc
        stats = getattr(consumer, "stats", None)
        if stats:
            self.stdout.write(" ".join(f"{name}={count}" for name, count in stats.items()))
