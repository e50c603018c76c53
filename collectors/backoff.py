"""Capped exponential backoff with jitter, driven by the monotonic clock."""

import random
import time


class Backoff:
    """Decides when the next reconnect attempt may happen.

    Monotonic time, so a wall-clock step cannot stall or storm reconnects.
    """

    def __init__(self, initial: float = 0.5, maximum: float = 30.0):
        self.initial, self.maximum = initial, maximum
        self.delay = 0.0
        self.next_at = 0.0

    def ready(self) -> bool:
        return time.monotonic() >= self.next_at

    def failed(self) -> float:
        """Record a failure; return the delay before the next attempt."""
        self.delay = min(self.maximum, self.delay * 2 if self.delay else self.initial)
        # Jitter keeps many gateways from reconnecting in lock-step after an outage.
        wait = self.delay * random.uniform(0.8, 1.0)
        self.next_at = time.monotonic() + wait
        return wait

    def succeeded(self) -> None:
        self.delay = 0.0
        self.next_at = 0.0
