"""No usable default secret: unset keys are generated on first start into files only the
service's user may read, and read back on every later start; the data files are private."""

from __future__ import annotations

import base64
import stat
from pathlib import Path

import pytest
from pydantic import SecretStr
from typer.testing import CliRunner

from cli.main import app as leadctl_app
from composition.bootstrap import build
from infra.keys import (
    AUDIT_KEY_FILE,
    CLAIM_KEY_FILE,
    KEK_FILE,
    TOKEN_SECRET_FILE,
    load_keys,
    open_keyring,
)
from infra.migrations import upgrade
from infra.private_files import LooseFile
from infra.settings import Settings
from tests.conftest import TEST_SECRET

pytestmark = pytest.mark.integration


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def fresh(tmp_path: Path, **values: object) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=f"sqlite:///{tmp_path / 'data' / 'lead.sqlite3'}",
        data_dir=tmp_path / "data",
        **values,
    )


def test_unset_keys_are_generated_once_private_and_reused(tmp_path: Path) -> None:
    settings = fresh(tmp_path)
    first = load_keys(settings)
    token_file, audit_file = (
        settings.data_dir / name for name in (TOKEN_SECRET_FILE, AUDIT_KEY_FILE)
    )
    assert (mode(settings.data_dir), mode(token_file), mode(audit_file)) == (0o700, 0o600, 0o600)
    assert len(first.token_secret) >= 32
    assert len(first.audit_seed) == 32
    again = load_keys(fresh(tmp_path))
    assert (again.token_secret, again.audit_seed) == (first.token_secret, first.audit_seed)
    elsewhere = load_keys(fresh(tmp_path / "other"))
    assert elsewhere.token_secret != first.token_secret
    assert elsewhere.audit_seed != first.audit_seed


def test_the_audit_key_is_never_derived_from_the_token_secret(tmp_path: Path) -> None:
    one = load_keys(fresh(tmp_path / "a", secret_key=SecretStr(TEST_SECRET)))
    two = load_keys(fresh(tmp_path / "b", secret_key=SecretStr(TEST_SECRET)))
    assert one.token_secret == two.token_secret == TEST_SECRET
    assert one.audit_seed != two.audit_seed
    assert not (tmp_path / "a" / "data" / TOKEN_SECRET_FILE).exists()


def test_a_key_file_others_may_read_is_refused(tmp_path: Path) -> None:
    settings = fresh(tmp_path)
    load_keys(settings)
    (settings.data_dir / AUDIT_KEY_FILE).chmod(0o644)
    with pytest.raises(LooseFile, match="chmod 600"):
        load_keys(settings)


def test_secrets_that_are_too_short_are_refused() -> None:
    with pytest.raises(ValueError, match="at least 32"):
        Settings(_env_file=None, secret_key="short")  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="at least 16"):
        Settings(_env_file=None, metrics_token="short")  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="not an IP address"):
        Settings(_env_file=None, forwarded_allow_ips="10.0.0.1, proxy.local")  # type: ignore[call-arg]
    proxies = Settings(_env_file=None, forwarded_allow_ips="10.0.0.1, 192.168.0.0/24")  # type: ignore[call-arg]
    assert proxies.trusted_proxies == ["10.0.0.1", "192.168.0.0/24"]


def test_the_sqlite_store_its_wal_and_the_data_dir_are_private(tmp_path: Path) -> None:
    settings = fresh(tmp_path)
    upgrade(settings)
    container = build(settings)
    try:
        container.clients.create("spd", "police", "", container.clock.now())
        database = settings.sqlite_path
        companions = [database.with_name(database.name + s) for s in ("-wal", "-shm")]
        assert [p.name for p in companions if p.exists()] == [c.name for c in companions]
        assert {mode(p) for p in [database, *companions]} == {0o600}
        assert mode(database.parent) == 0o700
    finally:
        container.close()


def test_an_existing_world_readable_store_is_tightened(tmp_path: Path) -> None:
    """A store created before this rule; the directory is the operator's and stays as it is."""
    settings = fresh(tmp_path)
    settings.data_dir.mkdir(mode=0o755)
    settings.data_dir.chmod(0o755)
    settings.sqlite_path.write_bytes(b"")
    settings.sqlite_path.chmod(0o644)
    upgrade(settings)
    assert (mode(settings.data_dir), mode(settings.sqlite_path)) == (0o755, 0o600)


def test_leadctl_refuses_a_loose_key_file_in_one_line(tmp_path: Path) -> None:
    settings = fresh(tmp_path)
    upgrade(settings)
    load_keys(settings)
    (settings.data_dir / TOKEN_SECRET_FILE).chmod(0o640)
    env = {"LEAD_DATABASE_URL": settings.database_url, "LEAD_DATA_DIR": str(settings.data_dir)}
    result = CliRunner().invoke(leadctl_app, ["clients", "list"], env=env)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert "chmod 600" in result.stderr


def test_the_key_encryption_key_is_generated_private_and_reused(tmp_path: Path) -> None:
    settings = fresh(tmp_path)
    upgrade(settings)
    first = open_keyring(settings)
    assert mode(settings.data_dir / KEK_FILE) == 0o600
    assert open_keyring(settings).kek_id == first.kek_id


def test_leadctl_refuses_a_store_whose_key_encryption_key_is_gone_in_one_line(
    tmp_path: Path,
) -> None:
    """Data keys made, then the KEK file lost: no new KEK is made over them, no start."""
    settings = fresh(tmp_path)
    upgrade(settings)
    load_keys(settings)
    open_keyring(settings).make_keys(1)
    (settings.data_dir / KEK_FILE).unlink()
    env = {"LEAD_DATABASE_URL": settings.database_url, "LEAD_DATA_DIR": str(settings.data_dir)}
    result = CliRunner().invoke(leadctl_app, ["clients", "list"], env=env)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert "key-encryption key is missing" in result.stderr
    assert not (settings.data_dir / KEK_FILE).exists()  # none was made in its place
    other = base64.b64encode(bytes(32)).decode()
    result = CliRunner().invoke(
        leadctl_app, ["clients", "list"], env=env | {"LEAD_KEY_ENCRYPTION_KEY": other}
    )
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert "another key-encryption key" in result.stderr


def test_the_identifier_claim_key_is_generated_private_and_reused(tmp_path: Path) -> None:
    settings = fresh(tmp_path)
    upgrade(settings)
    first = open_keyring(settings)
    assert mode(settings.data_dir / CLAIM_KEY_FILE) == 0o600
    assert first.claim_ids.key is not None and not first.claim_ids.legacy
    assert open_keyring(settings).claim_ids.key == first.claim_ids.key
    configured = base64.b64encode(first.claim_ids.key).decode()
    (settings.data_dir / CLAIM_KEY_FILE).unlink()
    by_env = fresh(tmp_path, identifier_claim_key=SecretStr(configured))
    assert open_keyring(by_env).claim_ids.key == first.claim_ids.key  # the setting, no file
    assert not (settings.data_dir / CLAIM_KEY_FILE).exists()


def test_leadctl_refuses_a_store_whose_identifier_claim_key_is_gone_or_another(
    tmp_path: Path,
) -> None:
    """A new claim key over claims made with another would miss every one of them: a lost
    file, or another key configured, and the service does not start (one line)."""
    settings = fresh(tmp_path)
    upgrade(settings)
    load_keys(settings)
    open_keyring(settings)  # the key is made and the store records its fingerprint
    (settings.data_dir / CLAIM_KEY_FILE).unlink()
    env = {"LEAD_DATABASE_URL": settings.database_url, "LEAD_DATA_DIR": str(settings.data_dir)}
    result = CliRunner().invoke(leadctl_app, ["clients", "list"], env=env)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert "identifier claim key is missing" in result.stderr
    assert not (settings.data_dir / CLAIM_KEY_FILE).exists()  # none was made in its place
    other = base64.b64encode(bytes(32)).decode()
    result = CliRunner().invoke(
        leadctl_app, ["clients", "list"], env=env | {"LEAD_IDENTIFIER_CLAIM_KEY": other}
    )
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert "not the one the store's claims were made with" in result.stderr


def test_a_claim_key_that_is_not_a_32_byte_key_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="32-byte key"):
        fresh(tmp_path, identifier_claim_key=SecretStr("short"))
