"""A platform's configuration checked as data (配置校验): every error names the field it
is about (`tables.alarms.fields.levle`), so the admin shows it and the job never starts
with a half-valid peer."""

from __future__ import annotations

import codecs
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from collectors.protocol import Cipher, read_key
from monitoring.upstream.sources import SOURCES

_KEY_BYTES = {"aes-256-gcm": 32, "sm4-cbc": 16}
_HOST_PORT = re.compile(r"^[A-Za-z0-9.\-]+:\d{1,5}$")
_THEIR_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]{0,63}$")


def platform_check(platform) -> None:
    """Raise ValidationError {field: message} for the first problems found, by field."""
    errors: dict[str, str] = {}
    _check_key(platform, errors)
    _check_endpoint(platform, errors)
    _check_delimiter(platform, errors)
    _check_tables(platform.tables, errors)
    if errors:
        raise ValidationError(errors)


def cipher_of(platform) -> Cipher:
    """The platform's cipher, through the protocol's own key reading and crypto."""
    return Cipher(alg=platform.encryption, key=read_key(platform.key, None))


def delimiter_of(platform) -> bytes:
    """The frame delimiter as bytes: the admin stores it escaped (`\\n`, `\\r\\n`)."""
    return codecs.decode(platform.delimiter, "unicode_escape").encode()


def _check_key(platform, errors: dict) -> None:
    if platform.encryption not in _KEY_BYTES:
        errors["encryption"] = _("未知的加密算法：%s") % platform.encryption
        return
    try:
        key = read_key(platform.key, None)
    except ValueError:
        errors["key"] = _("密钥须为十六进制，或以 base64: 开头")
        return
    if len(key) != _KEY_BYTES[platform.encryption]:
        errors["key"] = _("%(alg)s 的密钥须为 %(n)d 字节，现为 %(got)d 字节") % {
            "alg": platform.encryption, "n": _KEY_BYTES[platform.encryption], "got": len(key)}


def _check_endpoint(platform, errors: dict) -> None:
    endpoint = platform.endpoint.strip()
    if platform.kind in ("tcp", "kafka") and not _HOST_PORT.match(endpoint):
        errors["endpoint"] = _("须为 主机:端口")
    elif platform.kind == "http" and not endpoint.startswith(("http://", "https://")):
        errors["endpoint"] = _("须为 http:// 或 https:// 开头的 URL")


def _check_delimiter(platform, errors: dict) -> None:
    try:
        delimiter = delimiter_of(platform)
    except (UnicodeDecodeError, ValueError):
        errors["delimiter"] = _("分隔符转义无效")
        return
    # The envelope is JSON with base64 values: a delimiter made of such bytes could occur
    # inside a message and cut it.
    if platform.kind == "tcp" and (not delimiter or re.search(rb'[A-Za-z0-9+/=:,"{}]',
                                                               delimiter)):
        errors["delimiter"] = _("分隔符不能为空，也不能含字母、数字或 JSON 符号")


def _check_tables(tables, errors: dict) -> None:
    if not isinstance(tables, dict) or not tables:
        errors["tables"] = _("至少配置一张报送表")
        return
    for table, spec in tables.items():
        where = f"tables.{table}"
        if table not in SOURCES:
            errors["tables"] = _("%(where)s：未知的报送表，可选 %(known)s") % {
                "where": where, "known": "、".join(SOURCES)}
            return
        message = _table_problem(table, spec, where)
        if message:
            errors["tables"] = message
            return


def _table_problem(table: str, spec, where: str) -> str | None:
    if not isinstance(spec, dict) or not isinstance(spec.get("fields"), dict):
        return _("%s：须为 {\"name\": 对端表名, \"fields\": {本平台字段: 对端字段}}") % where
    if not _THEIR_NAME.match(str(spec.get("name", ""))):
        return _("%s.name：对端表名无效") % where
    fields = spec["fields"]
    if "id" not in fields:
        return _("%s.fields：须映射 id（对端据此去重）") % where
    seen: set[str] = set()
    for ours, theirs in fields.items():
        if ours not in SOURCES[table].fields:
            return _("%(where)s.fields.%(f)s：本平台无此字段，可选 %(known)s") % {
                "where": where, "f": ours, "known": "、".join(SOURCES[table].fields)}
        if not isinstance(theirs, str) or not _THEIR_NAME.match(theirs) or theirs in seen:
            return _("%(where)s.fields.%(f)s：对端字段名无效或重复") % {"where": where, "f": ours}
        seen.add(theirs)
    return None
