"""JSON Schema of the agent configuration file.

Every object forbids unknown keys so a typo ("perod:") is an error, not a silently
ignored setting.
"""

from typing import Any

_NUM = {"type": "number"}
_POS = {"type": "number", "exclusiveMinimum": 0}
_STR = {"type": "string", "minLength": 1}
_ID = {"type": "string", "pattern": r"^[A-Za-z0-9_.:\-]{1,128}$"}
_PORT = {"type": "integer", "minimum": 1, "maximum": 65535}


def _obj(props: dict[str, Any], required: tuple[str, ...] = ()) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": props,
        "required": list(required),
        "additionalProperties": False,
    }


_BACKOFF = _obj({"initial": _POS, "max": _POS})

_MODBUS_COMMON = {
    "id": _ID,
    "unit": {"type": "integer", "minimum": 0, "maximum": 255},
    "timeout": _POS,
    "backoff": _BACKOFF,
    "max_registers": {"type": "integer", "minimum": 1, "maximum": 125},
    "max_gap": {"type": "integer", "minimum": 0, "maximum": 32},
    "period": _POS,
}

MODBUS_TCP = _obj(
    {**_MODBUS_COMMON, "type": {"const": "modbus_tcp"}, "host": _STR, "port": _PORT},
    ("id", "type", "host"),
)

MODBUS_RTU = _obj(
    {
        **_MODBUS_COMMON,
        "type": {"const": "modbus_rtu"},
        "serial_port": _STR,
        "baudrate": {"type": "integer", "minimum": 300},
        "bytesize": {"enum": [7, 8]},
        "parity": {"enum": ["N", "E", "O"]},
        "stopbits": {"enum": [1, 2]},
    },
    ("id", "type", "serial_port"),
)

OPCUA_SECURITY = _obj(
    {
        "mode": {"enum": ["none", "sign", "sign_and_encrypt"]},
        "policy": {"enum": ["Basic256Sha256", "Aes128Sha256RsaOaep", "Aes256Sha256RsaPss"]},
        "certificate": _STR,
        "private_key": _STR,
        "server_certificate": _STR,
    },
    ("mode",),
)

OPCUA = _obj(
    {
        "id": _ID,
        "type": {"const": "opcua"},
        "endpoint": {"type": "string", "pattern": "^opc\\.tcp://"},
        "namespace_uri": _STR,
        "mode": {"enum": ["poll", "subscribe"]},
        "timeout": _POS,
        "backoff": _BACKOFF,
        "security": OPCUA_SECURITY,
        "username": _STR,
        "password": {"type": "string"},
        "allow_password_without_encryption": {"type": "boolean"},
        "period": _POS,
    },
    ("id", "type", "endpoint"),
)

SCALE = _obj(
    {
        "raw": {"type": "array", "items": _NUM, "minItems": 2, "maxItems": 2},
        "eng": {"type": "array", "items": _NUM, "minItems": 2, "maxItems": 2},
        "clamp": {"type": "boolean"},
    },
    ("raw", "eng"),
)

POINT = _obj(
    {
        "id": _ID,
        "source": _ID,
        "table": {"enum": ["holding", "input", "coil", "discrete"]},
        "address": {"type": "integer", "minimum": 0, "maximum": 65535},
        "type": {"enum": ["int16", "uint16", "int32", "uint32", "float32", "bool"]},
        "word_order": {"enum": ["big", "little"]},
        "byte_order": {"enum": ["big", "little"]},
        "node": _STR,
        "namespace_uri": _STR,
        "scale": SCALE,
        "unit": {"type": "string"},
        "deadband": {"type": "number", "minimum": 0},
        "period": _POS,
    },
    ("id", "source"),
)

_TLS = {"ca_file": _STR, "cert_file": _STR, "key_file": _STR}
_ENCRYPTION = _obj(
    {"alg": {"enum": ["aes-256-gcm", "sm4-cbc"]}, "key": _STR, "key_file": _STR, "kid": _STR},
    ("alg",),
)
_UPLINK_COMMON = {
    "id": _ID,
    "hmac_key": _STR,
    "hmac_key_file": _STR,
    "encryption": _ENCRYPTION,
    "batch_max": {"type": "integer", "minimum": 1, "maximum": 20000},
    "timeout": _POS,
    "max_rejections": {"type": "integer", "minimum": 1, "maximum": 100},
    "backoff": _BACKOFF,
    **_TLS,
}

HTTPS_UPLINK = _obj(
    {**_UPLINK_COMMON, "type": {"const": "https"}, "url": {"type": "string",
                                                         "pattern": "^https?://"}},
    ("id", "type", "url"),
)

MQTT_UPLINK = _obj(
    {
        **_UPLINK_COMMON,
        "type": {"const": "mqtt"},
        "url": {"type": "string", "pattern": "^mqtts?://"},
        "topic_prefix": _STR,
        "client_id": _STR,
        "username": _STR,
        "password": {"type": "string"},
        # platform: a batch is delivered on the platform's ack after its commit (§5.1);
        # broker: on the broker's PUBACK (a receiver of protocol 1.0, which sends none)
        "ack": {"enum": ["platform", "broker"]},
        "ack_timeout": _POS,
    },
    ("id", "type", "url"),
)

AGENT = _obj(
    {
        "gateway_id": _ID,
        "journal": _STR,
        "journal_max_records": {"type": "integer", "minimum": 10},
        "heartbeat_interval": _POS,
        "watchdog_timeout": _POS,
        "status_file": _STR,
        "log_level": {"enum": ["DEBUG", "INFO", "WARNING", "ERROR"]},
    },
    ("gateway_id", "journal"),
)

REMOTE_CONFIG = _obj(
    {"url": {"type": "string", "pattern": "^https?://"}, "interval": _POS,
     "trial_seconds": _POS, **_TLS, "hmac_key": _STR, "hmac_key_file": _STR},
    ("url",),
)


def _tagged(*variants: dict[str, Any]) -> dict[str, Any]:
    """Dispatch on `type` so errors talk about the right variant, not "oneOf failed"."""
    clauses = []
    for variant in variants:
        kind = variant["properties"]["type"]["const"]
        clauses.append({"if": {"properties": {"type": {"const": kind}}, "required": ["type"]},
                        "then": variant})
    kinds = [v["properties"]["type"]["const"] for v in variants]
    return {"type": "object", "required": ["id", "type"],
            "properties": {"type": {"enum": kinds}}, "allOf": clauses}


SCHEMA: dict[str, Any] = _obj(
    {
        "version": {"type": ["integer", "string"]},
        "agent": AGENT,
        "sources": {"type": "array", "minItems": 1,
                    "items": _tagged(MODBUS_TCP, MODBUS_RTU, OPCUA)},
        "points": {"type": "array", "minItems": 1, "items": POINT},
        "uplinks": {"type": "array", "minItems": 1, "items": _tagged(HTTPS_UPLINK, MQTT_UPLINK)},
        "remote_config": REMOTE_CONFIG,
    },
    ("agent", "sources", "points", "uplinks"),
)
