"""`manage.py ingest`: one ingest worker on the MQTT broker until interrupted."""

from __future__ import annotations

import os
import signal
import socket
import threading

from django.core.management.base import BaseCommand, CommandError

from monitoring.ingest.mqtt import Consumer


class Command(BaseCommand):
    help = "Receive the collector agents' batches from MQTT and store them (protocol §2)."

    def add_arguments(self, parser):
        parser.add_argument("--mqtt-url", default=os.environ.get("MQTT_URL", ""),
                            help="broker, e.g. mqtt://127.0.0.1:1883 (default: $MQTT_URL)")
        parser.add_argument("--group", default="ingest",
                            help="shared-subscription group: workers of one group split "
                                 "the messages")
        parser.add_argument("--prefix", default="safeatlas", help="topic prefix of the agents")
        parser.add_argument("--client-id", default=f"safeatlas-ingest-{socket.gethostname()}",
                            help="MQTT client id; the broker keeps its session across "
                                 "restarts, so give each worker its own")

    def handle(self, *args, mqtt_url: str, group: str, prefix: str, client_id: str, **opts):
        if not mqtt_url:
            raise CommandError("no broker: pass --mqtt-url or set MQTT_URL")
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        consumer = Consumer(mqtt_url, group=group, prefix=prefix, client_id=client_id)
        topics = ", ".join(consumer.topics)
        self.stdout.write(f"ingest worker {client_id} on {mqtt_url} ({topics})")
        self.stdout.flush()
        # a line once the broker confirmed the subscription: until then what agents
        # publish reaches no worker of a new group (scripts and the bench wait for it)
        threading.Thread(target=self._subscribed, args=(consumer, stop), daemon=True).start()
        consumer.run(stop)
        self.stdout.write(f"stopped after {consumer.handled} messages")

    def _subscribed(self, consumer: Consumer, stop: threading.Event) -> None:
        while not stop.is_set():
            if consumer.subscribed.wait(0.5):
                self.stdout.write(f"subscribed as {consumer.client_id}")
                self.stdout.flush()
                return
