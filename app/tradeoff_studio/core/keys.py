"""Project keys: random 256-bit keys kept in the OS keyring, and human-readable recovery keys.

A key lives in the keyring under service ``tradeoff-studio``, one entry per project id. The
project id is inside the (encrypted) file, so a small index in the user's data folder maps a
project file's path to its id; a moved or copied file is opened once with its recovery key,
after which it is known again. Keys are never written in plain text: without a usable keyring
(headless Linux) the user gives the recovery key each time.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
from pathlib import Path
from typing import Any

from .errors import StudioError
from .files import FileCheckError, read_small_file
from .paths import user_data_dir

SERVICE = "tradeoff-studio"
KEY_BYTES = 32
_CHECK_BYTES = 3
_PREFIX = "TSK1"
MAX_KEY_FILE_BYTES = 64 * 1024  # a recovery key is ~70 characters; room for a note beside it
_INSECURE_BACKENDS = ("backends.fail", "backends.null", "plaintext", "keyrings.alt")


class ProjectKeyError(StudioError):
    """A project key is missing, wrong or cannot be stored."""


class KeyringUnavailableError(ProjectKeyError):
    """No secure keyring backend is available on this machine."""


def new_key() -> bytes:
    """A fresh random 256-bit project key."""
    return secrets.token_bytes(KEY_BYTES)


def database_secret(key: bytes) -> str:
    """The text DuckDB receives as ``ENCRYPTION_KEY`` (it derives the AES-GCM key from it)."""
    return key.hex()


def recovery_text(key: bytes) -> str:
    """The key as a recovery key: ``TSK1-XXXX-…`` in base32 with a 24-bit checksum."""
    payload = key + hashlib.sha256(key).digest()[:_CHECK_BYTES]
    encoded = base64.b32encode(payload).decode().rstrip("=")
    groups = [encoded[index : index + 4] for index in range(0, len(encoded), 4)]
    return "-".join([_PREFIX, *groups])


def parse_recovery_text(text: str, source: str = "the recovery key") -> bytes:
    """The key from a recovery key; a typo gives a clear error instead of a wrong key."""
    cleaned = "".join(text.split()).upper().replace("-", "")
    if not cleaned.startswith(_PREFIX):
        raise ProjectKeyError(
            f"{source} is not a Tradeoff Studio recovery key (it should start with {_PREFIX}-)."
        )
    body = cleaned[len(_PREFIX) :]
    try:
        payload = base64.b32decode(body + "=" * (-len(body) % 8))
    except ValueError:
        raise ProjectKeyError(f"{source} contains characters that cannot be in a recovery key.") from None
    key, check = payload[:KEY_BYTES], payload[KEY_BYTES:]
    if len(key) != KEY_BYTES or hashlib.sha256(key).digest()[:_CHECK_BYTES] != check:
        raise ProjectKeyError(f"{source} is mistyped or incomplete (its checksum does not match).")
    return key


def read_recovery_file(path: Path) -> bytes:
    """The key from a file holding a recovery key (other lines, e.g. a note, are ignored).

    The file must be a regular file of at most :data:`MAX_KEY_FILE_BYTES` (a FIFO or ``/dev/zero``
    would otherwise block or exhaust memory).
    """
    try:
        text = read_small_file(path, what="key file", max_bytes=MAX_KEY_FILE_BYTES).decode("utf-8")
    except FileCheckError as error:
        raise ProjectKeyError(f"Cannot read the recovery key file: {error}") from None
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) else "it is not UTF-8 text"
        raise ProjectKeyError(f"Cannot read the recovery key file {path}: {reason}.") from None
    line = next((line for line in text.splitlines() if line.strip().upper().startswith(_PREFIX)), text)
    return parse_recovery_text(line, source=f"Recovery key file {path}")


def _qualified(backend: Any) -> str:
    return f"{type(backend).__module__}.{type(backend).__name__}"


def is_secure_backend(backend: Any) -> bool:
    """Whether a keyring backend keeps secrets safely (not the fail/null ones, not a plain-text file)."""
    name = _qualified(backend).lower()
    return not any(marker in name for marker in _INSECURE_BACKENDS)


def _backend() -> Any:
    """The secure keyring backend to use: the keyring itself, or the best secure one of its chain.

    A chain (keyring's ``ChainerBackend``) may hold a secure backend next to a plain-text one
    (keyrings.alt beside GNOME Keyring): the secure one with the highest priority is used. Only
    when no secure backend exists is the keyring refused.
    """
    import keyring

    backend = keyring.get_keyring()
    members = getattr(backend, "backends", None)
    candidates = list(members) if members is not None else [backend]
    secure = [item for item in candidates if is_secure_backend(item)]
    if not secure:
        shown = ", ".join(type(item).__name__ for item in candidates) or type(backend).__name__
        raise KeyringUnavailableError(
            f"No secure keyring is available on this machine (found: {shown}), so project keys cannot be "
            "stored here. Keep the recovery key and give it when opening the project."
        )
    return max(secure, key=lambda item: getattr(item, "priority", 0))


def keyring_name() -> str:
    """The name of the keyring backend keys are stored in, e.g. ``SecretService Keyring``."""
    backend = _backend()
    return str(getattr(backend, "name", None) or type(backend).__name__)


def keyring_available() -> bool:
    """Whether keys can be stored in a secure keyring here."""
    try:
        _backend()
    except KeyringUnavailableError:
        return False
    return True


def store_key(project_id: str, key: bytes, path: Path) -> None:
    """Keep ``key`` in the keyring under ``project_id`` and remember which file it opens."""
    import keyring.errors

    try:
        _backend().set_password(SERVICE, project_id, recovery_text(key))
    except keyring.errors.KeyringError as error:
        raise KeyringUnavailableError(f"The keyring refused to store the project key: {error}") from None
    _remember(path, project_id)


def load_key(path: Path) -> bytes | None:
    """The keyring's key for the project file at ``path``, or None when it is not known here."""
    import keyring.errors

    project_id = _index().get(str(path.resolve()))
    if project_id is None:
        return None
    try:
        stored = _backend().get_password(SERVICE, project_id)
    except keyring.errors.KeyringError:
        return None
    return parse_recovery_text(stored, source="The keyring entry") if stored else None


def forget_key(project_id: str) -> None:
    """Remove a project's key from the keyring (after decrypting it)."""
    import keyring.errors

    try:
        _backend().delete_password(SERVICE, project_id)
    except (keyring.errors.KeyringError, KeyringUnavailableError):
        return


def _index_path() -> Path:
    return user_data_dir() / "project-index.json"


def _index() -> dict[str, str]:
    try:
        data = json.loads(_index_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(key): str(value) for key, value in data.items()} if isinstance(data, dict) else {}


def _remember(path: Path, project_id: str) -> None:
    """Record path → project id (not secret) atomically."""
    index = _index()
    index[str(path.resolve())] = project_id
    target = _index_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_suffix(f".{os.getpid()}.tmp")
    staging.write_text(json.dumps(index, indent=1), encoding="utf-8")
    os.replace(staging, target)
