"""Fixtures: a fresh namespace URI on every backend the run has: memory://, file:// and the
S3 server in NAMIDB_TEST_MOTO (moto, started by scripts/s3-servers.sh). In CI the S3 backend
must be present."""

import os
import uuid

import pytest

_MOTO = os.environ.get("NAMIDB_TEST_MOTO")


def _s3_uri(base: str, name: str) -> str:
    scheme_and_bucket, _, query = base.partition("?")
    return f"{scheme_and_bucket.rstrip('/')}/py-{name}?{query}&ns=py"


def _backends():
    backends = ["memory", "file"]
    if _MOTO:
        backends.append("s3")
    elif os.environ.get("CI"):
        raise RuntimeError("CI is set but NAMIDB_TEST_MOTO is not: the S3 server was not started")
    return backends


@pytest.fixture(params=_backends())
def uri(request, tmp_path):
    """A URI of an empty namespace on each backend."""
    name = uuid.uuid4().hex[:12]
    if request.param == "memory":
        return f"memory://py-{name}?ns=py"
    if request.param == "file":
        return f"file://{tmp_path}/db?ns=py"
    return _s3_uri(_MOTO, name)


@pytest.fixture
def client(uri):
    import namidb as tg

    with tg.Client(uri) as c:
        yield c
