"""Key material as configured on either side: inline text or a file holding the same."""

from __future__ import annotations

import base64
from pathlib import Path


def read_key(value: str | None, path: str | None) -> bytes:
    """A key given inline (hex, or base64: prefix) or in a file holding the same."""
    text = value if value else Path(path or "").read_text(encoding="ascii").strip()
    if text.startswith("base64:"):
        return base64.b64decode(text[7:])
    return bytes.fromhex(text)
