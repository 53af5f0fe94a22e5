"""The platform's cryptography, behind one interface so that a deployment can move to the national
algorithms (国密) by configuration.

One-way digests: `OPENPARK_DIGEST_ALGORITHM` = sha256 (default) or sm3. A stored digest names its
algorithm ("sm3$…"), so switching keeps old digests valid.

Encryption of stored personal data (`encrypt`, `decrypt`): `OPENPARK_FIELD_ALGORITHM` = aesgcm
(default, AES-256-GCM) or sm4; a token names its algorithm and key, so switching either keeps old
values readable."""
import base64
import binascii
import hashlib
import hmac
import os

from django.conf import settings

ALGORITHMS = ("sha256", "sm3")


def _hexdigest(algorithm: str, text: str) -> str:
    return hashlib.new(algorithm, text.encode()).hexdigest()


def digest(text: str) -> str:
    algorithm = settings.OPENPARK_DIGEST_ALGORITHM
    return f"{algorithm}${_hexdigest(algorithm, text)}"


def candidate_digests(text: str) -> list[str]:
    """The digest of `text` under every supported algorithm, to find one stored under any."""
    return [f"{algorithm}${_hexdigest(algorithm, text)}" for algorithm in ALGORITHMS]


# Encryption of stored personal data -----------------------------------------------------------------
#
# `encrypt` and `decrypt` are the one interface: a token names its algorithm and the key that made
# it ("aesgcm$k1$<base64 of nonce, ciphertext and tag>"), so a deployment may switch algorithm (to
# 国密 SM4, say) or key and still read every value written before. Keys come from the settings:
# `OPENPARK_FIELD_KEY` (base64 of 32 bytes) under the id `OPENPARK_FIELD_KEY_ID`, and earlier keys
# in `OPENPARK_FIELD_OLD_KEYS` ("id:base64,id:base64"), read only to decrypt.

NONCE_BYTES = 12
TAG_BYTES = 16
DERIVED_KEY_ID = "dev"  # the key derived from SECRET_KEY where DEBUG is on or under the tests


class DecryptionError(ValueError):
    """A stored value that cannot be read back: not a token, an unknown algorithm or key, or a key
    that is not the one it was encrypted with. Never garbage: the error says which."""


def derive_key(secret: str, purpose: bytes = b"openpark field encryption") -> bytes:
    """32 bytes derived from a secret with HKDF-SHA256 (development and tests only)."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(secret.encode())


def read_key(text: str, name: str = "OPENPARK_FIELD_KEY") -> bytes:
    """A key as configured (base64 of 32 bytes), or ValueError naming the setting."""
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(f"{name} must be the base64 of 32 random bytes.") from None
    if len(key) != 32:
        raise ValueError(f"{name} must be the base64 of 32 random bytes (it holds {len(key)}).")
    return key


def new_key() -> str:
    """A fresh key, as OPENPARK_FIELD_KEY wants it."""
    return base64.b64encode(os.urandom(32)).decode()


def _keys() -> dict[str, bytes]:
    return settings.OPENPARK_FIELD_KEYS


def _aesgcm_encrypt(key: bytes, data: bytes) -> bytes:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, data, None)


def _aesgcm_decrypt(key: bytes, blob: bytes) -> bytes:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        return AESGCM(key).decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], None)
    except InvalidTag:
        raise DecryptionError("密钥与加密时所用的不同，或密文已被改动") from None


def _sm4_module():
    try:
        from gmssl import sm4  # optional: only a deployment that asks for 国密 installs it
    except ImportError:
        raise DecryptionError("SM4 需要安装 gmssl 软件包") from None
    return sm4


def _sm4_encrypt(key: bytes, data: bytes) -> bytes:
    sm4 = _sm4_module()
    iv = os.urandom(16)
    cipher = sm4.CryptSM4()
    cipher.set_key(key[:16], sm4.SM4_ENCRYPT)
    body = cipher.crypt_cbc(iv, data)
    return iv + body + hmac.digest(key[16:], iv + body, "sha256")[:TAG_BYTES]


def _sm4_decrypt(key: bytes, blob: bytes) -> bytes:
    sm4 = _sm4_module()
    iv, body, tag = blob[:16], blob[16:-TAG_BYTES], blob[-TAG_BYTES:]
    if not hmac.compare_digest(tag, hmac.digest(key[16:], iv + body, "sha256")[:TAG_BYTES]):
        raise DecryptionError("密钥与加密时所用的不同，或密文已被改动")
    cipher = sm4.CryptSM4()
    cipher.set_key(key[:16], sm4.SM4_DECRYPT)
    return cipher.crypt_cbc(iv, body)


# name -> (encrypt, decrypt); SM4 (CBC with an HMAC-SHA256 tag, gmssl) where 国密 is required.
CIPHERS = {
    "aesgcm": (_aesgcm_encrypt, _aesgcm_decrypt),
    "sm4": (_sm4_encrypt, _sm4_decrypt),
}


def is_token(value) -> bool:
    """Whether a stored value is a token of `encrypt` (not plain text)."""
    if not isinstance(value, str):
        return False
    parts = value.split("$", 2)
    return len(parts) == 3 and parts[0] in CIPHERS and bool(parts[1])


def encrypt(text: str) -> str:
    """`text` encrypted under the current algorithm and key, as a token naming both."""
    algorithm, key_id = settings.OPENPARK_FIELD_ALGORITHM, settings.OPENPARK_FIELD_KEY_ID
    blob = CIPHERS[algorithm][0](_keys()[key_id], text.encode())
    return f"{algorithm}${key_id}${base64.b64encode(blob).decode()}"


def decrypt(token: str) -> str:
    """The text of a token of `encrypt`, under whichever algorithm and configured key made it;
    DecryptionError, saying why, when it cannot be read."""
    if not is_token(token):
        raise DecryptionError("不是加密后的值（可能未经加密迁移就写入了明文）")
    algorithm, key_id, body = token.split("$", 2)
    key = _keys().get(key_id)
    if key is None:
        raise DecryptionError(f"加密所用的密钥“{key_id}”未配置（OPENPARK_FIELD_KEY_ID / OPENPARK_FIELD_OLD_KEYS）")
    try:
        blob = base64.b64decode(body, validate=True)
    except (binascii.Error, ValueError):
        raise DecryptionError("密文不是有效的 base64") from None
    try:
        return CIPHERS[algorithm][1](key, blob).decode()
    except UnicodeDecodeError:
        raise DecryptionError("解密结果不是文本，密钥可能有误") from None


def token_length(max_chars: int) -> int:
    """The longest token of a text of `max_chars` characters (4 bytes each at worst), with room
    for an algorithm and a key id of up to 16 characters each."""
    blob = max(NONCE_BYTES + TAG_BYTES, 16 + 16 + TAG_BYTES) + 4 * max_chars + 16
    return 34 + 4 * ((blob + 2) // 3)


def lookup_digest(text: str) -> str:
    """The keyed digest a stored value is found by (a worker by the whole phone number): HMAC-SHA256
    under the current field key, named by the key ("hmac$k1$…"). Unlike a plain digest of an
    11-digit number it cannot be reversed by trying every number without the key."""
    key_id = settings.OPENPARK_FIELD_KEY_ID
    return f"hmac${key_id}${hmac.digest(_keys()[key_id], b'lookup:' + text.encode(), 'sha256').hex()}"


def lookup_candidates(text: str) -> list[str]:
    """Every digest a stored value of `text` may carry: under each configured key (the current one
    and those kept to read older values), and the plain digests written before the keyed ones."""
    keyed = [f"hmac${key_id}${hmac.digest(key, b'lookup:' + text.encode(), 'sha256').hex()}"
             for key_id, key in _keys().items()]
    return keyed + candidate_digests(text)


def fingerprint(text: str) -> str:
    """A short keyed fingerprint of a text (HMAC under the current field key): equal texts give the
    same fingerprint, and without the key it tells nothing of the text. The change record keeps
    it beside a masked value, so that a change shows even where the masked forms look the same."""
    key = _keys()[settings.OPENPARK_FIELD_KEY_ID]
    return hmac.digest(key, b"fingerprint:" + text.encode(), "sha256").hex()[:6]
