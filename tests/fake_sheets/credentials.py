"""Service-account credentials for tests: an RSA key generated at run time (never a committed key) and a key file
whose token_uri points at the fake, so google-auth signs a real JWT and exchanges it for a token over HTTP."""

from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path

SERVICE_ACCOUNT = "lead-sync@fake-project.iam.gserviceaccount.com"


@lru_cache(maxsize=1)
def private_key():
    """One 2048-bit RSA key per test process (generating one takes a moment)."""
    from cryptography.hazmat.primitives.asymmetric import rsa

    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def service_account_file(fake, directory: Path, email: str = SERVICE_ACCOUNT) -> Path:
    """Write a service-account key file for `email`, registered with the fake; returns its path (mode 600)."""
    from cryptography.hazmat.primitives import serialization

    key = private_key()
    fake.register_key(email, key.public_key())
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode("ascii")
    info = {
        "type": "service_account", "project_id": "fake-project", "private_key_id": "0" * 40,
        "private_key": pem, "client_email": email, "client_id": "100000000000000000001",
        "auth_uri": "https://accounts.google.com/o/oauth2/auth", "token_uri": fake.token_uri,
        "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
        "client_x509_cert_url": "https://www.googleapis.com/robot/v1/metadata/x509/" + email,
    }
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{email.split('@')[0]}-key.json"
    path.write_text(json.dumps(info, indent=2), encoding="utf-8")
    os.chmod(path, 0o600)
    return path
