"""The platform's one-way digests, behind one interface so that a deployment can move to the
national algorithm (国密 SM3) by configuration: `OPENPARK_DIGEST_ALGORITHM` = sha256 (default) or
sm3. A stored digest names its algorithm ("sm3$…"), so switching keeps old digests valid."""
import hashlib

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
