"""The wire format through its public API (collectors.protocol), no network.

The recorded signature and envelopes were produced by the agent before the wire
format moved into collectors.protocol: they pin the bytes on the wire.
"""

import json

import pytest

from collectors import protocol

HMAC_KEY = bytes.fromhex("11" * 32)
AES_KEY = bytes.fromhex("22" * 32)
SM4_KEY = bytes.fromhex("33" * 16)
GATEWAY = "gw-test"
NONCE = "00112233445566778899aabbccddeeff"
PLAIN = b'{"v":1,"kind":"heartbeat","gateway":"gw-test"}'
AES_ENVELOPE = (b'{"v":1,"kind":"encrypted","gateway":"gw-test","alg":"A256GCM","kid":"k1",'
                b'"iv":"AAECAwQFBgcICQoL","ct":"PeLhPYEcpOZTX3vtZmaBEhEosyMjxAX3zQ5X1fdr2LcaTQGy'
                b'N8N14A7F0Wfo6Hk8Bim/WPE+U7fXaB3km7w="}')
SM4_ENVELOPE = (b'{"v":1,"kind":"encrypted","gateway":"gw-test","alg":"SM4-CBC","kid":"k2",'
                b'"iv":"AAECAwQFBgcICQoLDA0ODw==","ct":"rbo2i7ahLWgvjrs5pjPJuiRVnq1rrqdal1sVXhKV'
                b'ii3/crv4L8nZld7QzVyqmCdU"}')


@pytest.fixture
def counting_iv(monkeypatch):
    """IVs 00 01 02 ...: the envelopes become reproducible byte for byte."""
    monkeypatch.setattr("os.urandom", lambda n: bytes(range(n)))


def test_sign_gives_the_recorded_v1_headers():
    headers = protocol.sign(HMAC_KEY, b'{"kind":"batch"}', GATEWAY, now=1700000000, nonce=NONCE)
    assert headers == {
        "X-SafeAtlas-Gateway": "gw-test", "X-SafeAtlas-Timestamp": "1700000000",
        "X-SafeAtlas-Nonce": NONCE,
        "X-SafeAtlas-Signature":
            "v1=c5d590d5295abce49acb2173109398675f75268f707a9e9ce97608d99ed36b3e"}


def test_verify_signature_accepts_only_the_signed_body_key_and_timestamp():
    body = b'{"kind":"batch"}'
    headers = protocol.sign(HMAC_KEY, body, GATEWAY)
    assert protocol.verify_signature(HMAC_KEY, body, headers) is True
    assert protocol.verify_signature(HMAC_KEY, body + b" ", headers) is False
    assert protocol.verify_signature(bytes(32), body, headers) is False
    moved = {**headers, protocol.H_TIMESTAMP: str(int(headers[protocol.H_TIMESTAMP]) + 1)}
    assert protocol.verify_signature(HMAC_KEY, body, moved) is False
    assert protocol.verify_signature(HMAC_KEY, body, {}) is False


@pytest.mark.parametrize(("cipher", "envelope"), [
    (protocol.Cipher("aes-256-gcm", AES_KEY), AES_ENVELOPE),
    (protocol.Cipher("sm4-cbc", SM4_KEY, kid="k2"), SM4_ENVELOPE),
], ids=["aes-256-gcm", "sm4-cbc"])
def test_encrypt_gives_the_recorded_envelope_and_decrypt_opens_it(counting_iv, cipher, envelope):
    assert protocol.encrypt(PLAIN, GATEWAY, cipher) == envelope
    assert protocol.decrypt(json.loads(envelope), cipher.key) == PLAIN


def test_encrypt_without_a_cipher_returns_the_body_unchanged():
    assert protocol.encrypt(PLAIN, GATEWAY, None) is PLAIN


def test_aes_envelope_does_not_open_as_another_gateway():
    doc = {**json.loads(AES_ENVELOPE), "gateway": "gw-other"}
    with pytest.raises(ValueError, match="^ciphertext does not authenticate$"):
        protocol.decrypt(doc, AES_KEY)


def test_batch_body_from_plain_records(monkeypatch):
    monkeypatch.setattr("time.time", lambda: 1700000002.0)
    records = [{"seq": 5, "kind": "reading"}, {"seq": 7, "kind": "reading"}]
    assert protocol.batch_body(GATEWAY, records, 3, agent_version="9.9") == {
        "v": 1, "kind": "batch", "gateway": "gw-test", "agent_version": "9.9",
        "sent_at": 1700000002000, "first_seq": 5, "last_seq": 7, "records": records,
        "dropped": {"count": 3, "before_seq": 5}}
    assert "dropped" not in protocol.batch_body(GATEWAY, records, 0, agent_version="9.9")


def test_read_key_inline_hex_base64_or_from_a_file(tmp_path):
    (tmp_path / "k").write_text("base64:ESIz\n", encoding="ascii")
    assert protocol.read_key("112233", None) == b"\x11\x22\x33"
    assert protocol.read_key("base64:ESIz", None) == b"\x11\x22\x33"
    assert protocol.read_key(None, str(tmp_path / "k")) == b"\x11\x22\x33"


def _signed(doc: dict, now: float, cipher: protocol.Cipher | None = None):
    body = protocol.encrypt(protocol.dumps(doc), GATEWAY, cipher)
    return protocol.sign(HMAC_KEY, body, GATEWAY, now=now), body


def test_verifier_opens_a_signed_encrypted_message_once():
    verifier = protocol.Verifier({GATEWAY: HMAC_KEY}, {GATEWAY: AES_KEY})
    doc = {"v": 1, "kind": "heartbeat", "gateway": GATEWAY}
    headers, body = _signed(doc, 1700000000, protocol.Cipher("aes-256-gcm", AES_KEY))
    assert verifier.open(headers, body, now=1700000010) == doc
    with pytest.raises(protocol.Rejected) as replay:
        verifier.open(headers, body, now=1700000011)
    assert (replay.value.status, replay.value.reason) == (409, "replayed_nonce")


@pytest.mark.parametrize(("doc", "tamper", "now", "status", "reason"), [
    ({"gateway": GATEWAY}, True, 1700000000, 401, "bad_signature"),
    ({"gateway": GATEWAY}, False, 1700000301, 401, "stale_timestamp"),
    ({"gateway": "gw-other"}, False, 1700000000, 400, "gateway_mismatch"),
], ids=["bad_signature", "stale_timestamp", "gateway_mismatch"])
def test_verifier_rejects(doc, tamper, now, status, reason):
    headers, body = _signed(doc, 1700000000)
    with pytest.raises(protocol.Rejected) as rejected:
        protocol.Verifier({GATEWAY: HMAC_KEY}).open(headers, body + b" " * tamper, now=now)
    assert (rejected.value.status, rejected.value.reason) == (status, reason)

