"""Join codes, teacher keys and student ids: random secrets from `secrets`, and how keys are checked.

A join code is short and read aloud or typed on a phone, so its alphabet leaves out the characters
people confuse (0/O, 1/I/L): 31 symbols, 6 of them give about 887 million codes. The teacher key is
long (256 random bits, URL-safe); only its SHA-256 is stored and a key is compared in constant time
(`hmac.compare_digest`). A student id is another random token, kept in the student's session only, so
no one can answer for someone else by guessing it. Leaves out storing them (see `classes.py`).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from explain.core.limits import CLASS_CODE_LENGTH

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0 O 1 I L


def new_code(length: int = CLASS_CODE_LENGTH) -> str:
    """A random join code such as 'K7QF2M'."""
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def normalise_code(raw: str) -> str:
    """What a student typed, as a code: ' k7q-f2m ' -> 'K7QF2M'; o/0 read as O is not in the alphabet.

    Spaces and dashes are dropped and letters upper-cased; anything else is kept, so a wrong code
    stays wrong (and is bounded to 16 characters before it reaches the database).
    """
    return "".join(ch for ch in str(raw).upper() if ch not in " -\t\n")[:16]


def new_teacher_key() -> str:
    """A long random secret (43 URL-safe characters, 256 bits) that unlocks a class's teacher controls."""
    return secrets.token_urlsafe(32)


def new_student_id() -> str:
    """A random token identifying one student's session in one class."""
    return secrets.token_urlsafe(24)


def hash_key(key: str) -> str:
    """The hex SHA-256 of a teacher key: what the database keeps."""
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def key_matches(key: str | None, stored_hash: str) -> bool:
    """True when `key` is the key whose hash is `stored_hash`, compared in constant time."""
    if not key:
        return False
    return hmac.compare_digest(hash_key(key), stored_hash)
