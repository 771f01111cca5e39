"""Where keys come from: env, a public key file, or the development secret in the data folder."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from auth.keys import DEV_SECRET_FILE, KeyConfigError, dev_secret, load_keys

SECRET = "k" * 40


def write_public(path: Path, key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey) -> Path:
    path.write_bytes(
        key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    return path


class TestDevSecret:
    def test_created_private_then_reused(self, tmp_path: Path) -> None:
        secret, created = dev_secret(tmp_path / "data")
        again, created_again = dev_secret(tmp_path / "data")
        assert created
        assert not created_again
        assert secret == again
        assert len(secret) >= 32
        mode = stat.S_IMODE((tmp_path / "data" / DEV_SECRET_FILE).stat().st_mode)
        assert mode == 0o600

    def test_a_short_stored_secret_is_refused(self, tmp_path: Path) -> None:
        (tmp_path / DEV_SECRET_FILE).write_text("short\n")
        with pytest.raises(KeyConfigError, match="shorter"):
            dev_secret(tmp_path)

    def test_none_is_written_into_a_folder_keyed_with_a_configured_secret(self, tmp_path: Path) -> None:
        # `pathwise token` run without PATHWISE_ENV=production wrote dev-jwt-secret (and student-key a
        # dev-pseudonym-secret) into a production data folder; backups then carried both.
        from graph.pseudonyms import DEV_SECRET_FILE as DEV_PSEUDONYM_FILE
        from graph.pseudonyms import PseudonymConfigError, Pseudonymizer, check_secret, dev_pseudonym_secret

        check_secret(Pseudonymizer(b"p" * 40), tmp_path)  # what a production start leaves
        with pytest.raises(KeyConfigError, match="PATHWISE_ENV=production"):
            dev_secret(tmp_path)
        with pytest.raises(PseudonymConfigError, match="no development secret was written"):
            dev_pseudonym_secret(tmp_path)
        assert not (tmp_path / DEV_SECRET_FILE).exists()
        assert not (tmp_path / DEV_PSEUDONYM_FILE).exists()
        secret, created = dev_secret(tmp_path, pseudonym_configured=True)  # development with a configured one: fine
        assert created
        assert len(secret) >= 32


class TestLoadKeys:
    def test_development_without_keys_uses_the_dev_secret(self, tmp_path: Path) -> None:
        loaded = load_keys(secret=None, public_key_path=None, development=True, data_dir=tmp_path)
        assert loaded.secret == (tmp_path / DEV_SECRET_FILE).read_text().strip()
        assert "development secret" in loaded.source

    def test_production_without_keys_refuses(self, tmp_path: Path) -> None:
        with pytest.raises(KeyConfigError, match="production needs PATHWISE_JWT_SECRET"):
            load_keys(secret=None, public_key_path=None, development=False, data_dir=tmp_path)
        assert not (tmp_path / DEV_SECRET_FILE).exists()

    def test_production_with_a_secret(self, tmp_path: Path) -> None:
        loaded = load_keys(secret=SECRET, public_key_path=None, development=False, data_dir=tmp_path)
        assert loaded.keys.hs256_secret == SECRET
        assert loaded.source == "PATHWISE_JWT_SECRET"

    def test_short_secret_refused(self, tmp_path: Path) -> None:
        with pytest.raises(KeyConfigError, match="32 bytes"):
            load_keys(secret="short", public_key_path=None, development=True, data_dir=tmp_path)

    def test_production_with_a_public_key(self, tmp_path: Path) -> None:
        path = write_public(tmp_path / "pub.pem", rsa.generate_private_key(public_exponent=65537, key_size=2048))
        loaded = load_keys(secret=None, public_key_path=path, development=False, data_dir=tmp_path)
        assert loaded.keys.rs256_public_key is not None
        assert loaded.secret is None

    def test_unusable_public_keys(self, tmp_path: Path) -> None:
        (tmp_path / "junk.pem").write_text("not a key")
        with pytest.raises(KeyConfigError, match="not a PEM public key"):
            load_keys(secret=None, public_key_path=tmp_path / "junk.pem", development=False, data_dir=tmp_path)
        with pytest.raises(KeyConfigError, match="cannot read"):
            load_keys(secret=None, public_key_path=tmp_path / "absent.pem", development=False, data_dir=tmp_path)
        ec_path = write_public(tmp_path / "ec.pem", ec.generate_private_key(ec.SECP256R1()))
        with pytest.raises(KeyConfigError, match="not an RSA key"):
            load_keys(secret=None, public_key_path=ec_path, development=False, data_dir=tmp_path)
