"""Signing keys outside production: generated once, kept private in the data directory, never in source."""

from __future__ import annotations

import logging
import stat
from pathlib import Path

import pytest
from pydantic import ValidationError

from dispatch.config import JWT_SECRET_FILE, Settings, is_published_secret, with_jwt_secret


def test_development_generates_a_key_once_keeps_it_private_and_says_so(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The first start writes data_dir/jwt-secret (0600) and logs it; the next start reuses the same key."""
    data_dir = tmp_path / ".dispatch"
    with caplog.at_level(logging.WARNING, logger="dispatch.config"):
        first = with_jwt_secret(Settings(environment="development", data_dir=data_dir))
    kept = data_dir / JWT_SECRET_FILE
    assert first.jwt_secret is not None and len(first.jwt_secret) >= 32
    assert not is_published_secret(first.jwt_secret)
    assert kept.read_text().strip() == first.jwt_secret
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert any(str(kept.resolve()) in record.getMessage() for record in caplog.records)
    assert list(data_dir.iterdir()) == [kept], "no draft file is left behind"

    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="dispatch.config"):
        again = with_jwt_secret(Settings(environment="development", data_dir=data_dir))
    assert again.jwt_secret == first.jwt_secret
    assert caplog.records == []


def test_each_data_directory_gets_its_own_key(tmp_path: Path) -> None:
    """Two installations never share a key by default."""
    one = with_jwt_secret(Settings(environment="development", data_dir=tmp_path / "one"))
    two = with_jwt_secret(Settings(environment="development", data_dir=tmp_path / "two"))
    assert one.jwt_secret != two.jwt_secret


def test_a_configured_key_is_used_and_nothing_is_written(tmp_path: Path) -> None:
    """DISPATCH_JWT_SECRET wins; no file appears in the data directory."""
    chosen = with_jwt_secret(Settings(environment="development", data_dir=tmp_path, jwt_secret="mine-" * 8))
    assert chosen.jwt_secret == "mine-" * 8
    assert list(tmp_path.iterdir()) == []


def test_tests_get_a_random_key_in_memory(tmp_path: Path) -> None:
    """environment=test without a key writes nothing and never reuses a key."""
    one = with_jwt_secret(Settings(environment="test", data_dir=tmp_path))
    two = with_jwt_secret(Settings(environment="test", data_dir=tmp_path))
    assert one.jwt_secret and two.jwt_secret and one.jwt_secret != two.jwt_secret
    assert list(tmp_path.iterdir()) == []


def test_an_unusable_kept_key_is_refused_with_what_to_do(tmp_path: Path) -> None:
    """An emptied key file stops the start with advice, rather than signing with an empty key."""
    (tmp_path / JWT_SECRET_FILE).write_text("\n")
    with pytest.raises(ValueError, match="delete it"):
        with_jwt_secret(Settings(environment="development", data_dir=tmp_path))


def test_plan_workers_come_from_the_environment_and_must_be_positive(monkeypatch: pytest.MonkeyPatch) -> None:
    """DISPATCH_PLAN_WORKERS sets the day plan's worker processes (default 1); 0 is refused."""
    assert Settings().plan_workers == 1
    monkeypatch.setenv("DISPATCH_PLAN_WORKERS", "2")
    assert Settings().plan_workers == 2
    monkeypatch.setenv("DISPATCH_PLAN_WORKERS", "0")
    with pytest.raises(ValidationError):
        Settings()
