"""How an uplink transport tells the forwarder what went wrong."""


class TransientError(Exception):
    """Link down, timeout, 5xx, auth: try the same batch again later."""


class PermanentError(Exception):
    """The receiver refuses this batch for good (4xx): quarantine after a few tries."""


class TooLarge(PermanentError):
    """413: the same records may pass in smaller batches."""
