"""Passwords for the mail servers the agent uses: from an environment variable or the system keyring, never from
the workbook (which teammates, backups and Google Sheets see)."""

from __future__ import annotations

import os

from .errors import UsageError


def stored_password(what: str, variable: str, service: str, label: str,
                    environ: dict[str, str] | None = None) -> str:
    """The password for `label` (user@host): the environment variable first, then the keyring's `service` entry."""
    env = os.environ if environ is None else environ
    if env.get(variable):
        return env[variable]
    try:
        import keyring
        from keyring.errors import KeyringError
    except ImportError:
        keyring = None
    if keyring is not None:
        try:
            stored = keyring.get_password(service, label)
        except KeyringError:
            stored = None
        if stored:
            return stored
    raise UsageError(f"No {what} password for {label}: set the {variable} environment variable, or "
                     f"store it once with: keyring set {service} {label}")
