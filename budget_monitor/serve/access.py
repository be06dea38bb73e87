"""Who may use the page, and for what: the access file, passwords, and sessions.

The access file (TOML) names each user, the organisations whose reports they may make and
see, and their role (``preparer``: upload and record; ``approver``: also approve a
recorded version); with ``--auth users``, each has a password hash (argon2id, from
``budget-monitor password``)::

    [users.alice]
    password = "$argon2id$v=19$m=65536,t=3,p=4$..."
    organisations = ["Kent County Council"]
    role = "preparer"

A session is a random token (the cookie) held in memory with its user and its CSRF token
(the hidden field of every form); it ends after ``IDLE_SECONDS`` without use, after
``MAX_SECONDS`` in all, when the user signs out, or when the server stops.

What this module must not do: know about requests or HTML, or keep a password or a
session anywhere but in memory.
"""

from __future__ import annotations

import functools
import secrets
import threading
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ROLES = ("preparer", "approver")
#: A session ends after this long without a request, and after MAX_SECONDS in all.
IDLE_SECONDS = 60 * 60
MAX_SECONDS = 12 * 60 * 60


class AccessError(ValueError):
    """An access file that cannot be used; the message names the file and the user."""


def org_key(name: str) -> str:
    """An organisation's name as compared: case and runs of spaces ignored."""
    return " ".join(name.split()).casefold()


@dataclass(frozen=True)
class User:
    name: str
    organisations: tuple[str, ...]
    role: str = "preparer"
    password: str = ""

    def may_see(self, organisation: str) -> bool:
        return org_key(organisation) in {org_key(o) for o in self.organisations}

    @property
    def approver(self) -> bool:
        return self.role == "approver"


def load_access(path: Path, passwords: bool) -> dict[str, User]:
    """The users of the access file at ``path``; with ``passwords``, each must have one."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise AccessError(f"{path}: cannot read the access file ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise AccessError(f"{path}: the access file is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise AccessError(f"{path}: not valid TOML: {exc}") from None
    unknown = set(data) - {"users"}
    if unknown:
        raise AccessError(f"{path}: unknown section [{sorted(unknown)[0]}]; expected [users.NAME] sections")
    table = data.get("users", {})
    if not isinstance(table, dict) or not table:
        raise AccessError(f"{path}: no users; give each as [users.NAME] with organisations and role")
    users: dict[str, User] = {}
    for name, entry in table.items():
        where = f"{path}: users.{name}"
        if not isinstance(entry, dict):
            raise AccessError(f"{where}: expected a table with organisations and role")
        extra = set(entry) - {"password", "organisations", "role"}
        if extra:
            raise AccessError(f"{where}: unknown key {sorted(extra)[0]}; expected password, organisations, role")
        orgs = entry.get("organisations")
        if not isinstance(orgs, list) or not orgs or not all(isinstance(o, str) and o.strip() for o in orgs):
            raise AccessError(f'{where}.organisations: expected a list of names, such as ["Kent County Council"]')
        role = entry.get("role", "preparer")
        if role not in ROLES:
            raise AccessError(f"{where}.role = {role!r}: expected one of {', '.join(ROLES)}")
        password = entry.get("password", "")
        if not isinstance(password, str):
            raise AccessError(f"{where}.password: expected the text budget-monitor password prints")
        if passwords and not password.startswith("$argon2"):
            raise AccessError(
                f"{where}.password: expected an argon2 hash, as budget-monitor password prints (with --auth users "
                "every user needs one)"
            )
        users[name] = User(name, tuple(o.strip() for o in orgs), role, password)
    return users


def hash_password(password: str) -> str:
    """A salted argon2id hash of ``password``, as the access file keeps it."""
    from argon2 import PasswordHasher

    return PasswordHasher().hash(password)


@functools.cache
def _decoy() -> str:
    """Checked against when the user name is unknown, so that an unknown name takes as long as a known one."""
    return hash_password(secrets.token_urlsafe(16))


def check_password(user: User | None, password: str) -> bool:
    """Whether ``password`` is ``user``'s (False for no user, after as long a check)."""
    from argon2 import PasswordHasher
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        known = user is not None and bool(user.password)
        return PasswordHasher().verify(user.password if user is not None and known else _decoy(), password) and known
    except (VerificationError, InvalidHashError):
        return False


@dataclass
class Session:
    token: str
    user: str | None
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    created: float = field(default_factory=time.monotonic)
    seen: float = field(default_factory=time.monotonic)


class Sessions:
    """The signed-in (or, without sign-in, anonymous) sessions, in memory."""

    def __init__(self) -> None:
        self._by_token: dict[str, Session] = {}
        self._lock = threading.Lock()

    def new(self, user: str | None) -> Session:
        session = Session(secrets.token_urlsafe(32), user)
        with self._lock:
            self._expire()
            self._by_token[session.token] = session
        return session

    def get(self, token: str | None) -> Session | None:
        if not token:
            return None
        with self._lock:
            self._expire()
            session = self._by_token.get(token)
            if session is not None:
                session.seen = time.monotonic()
            return session

    def end(self, token: str) -> None:
        with self._lock:
            self._by_token.pop(token, None)

    def _expire(self) -> None:
        now = time.monotonic()
        gone = [t for t, s in self._by_token.items() if now - s.seen > IDLE_SECONDS or now - s.created > MAX_SECONDS]
        for t in gone:
            del self._by_token[t]
