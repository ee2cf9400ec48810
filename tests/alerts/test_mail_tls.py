"""E-mail over STARTTLS (the default): a real aiosmtpd server on loopback that requires TLS before
anything else and a login only over TLS, with a certificate made here; the client verifies it
(trusted through SSL_CERT_FILE, as an administrator would add a private CA)."""

from __future__ import annotations

import datetime
import ipaddress
import ssl
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from babelwire.alerts.mail import MailError, build_message, send_mail
from babelwire.config import load_settings
from tests.alerts.conftest import Mailbox, free_port

PASSWORD = "smtp-pass-w0rd"


def _certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and its key, as PEM files."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "babelwire test SMTP")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "smtp.pem", folder / "smtp.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def _login(server, session, envelope, mechanism, data) -> AuthResult:  # aiosmtpd authenticator hook
    ok = isinstance(data, LoginPassword) and data.login == b"alerts" and data.password == PASSWORD.encode()
    return AuthResult(success=ok)


@pytest.fixture
def tls_smtp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    cert, key = _certificate(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    box = Mailbox("127.0.0.1", free_port())
    controller = Controller(box, hostname=box.host, port=box.port, tls_context=context, require_starttls=True,
                            auth_required=True, auth_require_tls=True, authenticator=_login)
    controller.start()
    for name, value in {"HOST": box.host, "PORT": str(box.port), "STARTTLS": "1", "USER": "alerts",
                        "PASSWORD": PASSWORD, "FROM": "alerts@babelwire.test"}.items():
        monkeypatch.setenv(f"BABELWIRE_MAIL_{name}", value)
    yield box, cert
    controller.stop()


def test_mail_goes_over_starttls_with_a_login_and_a_verified_certificate(tls_smtp, home: Path, monkeypatch) -> None:
    box, cert = tls_smtp
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # the server's certificate is trusted, as a private CA
    settings = load_settings(home)
    send_mail(settings, build_message(settings, "analyst@example.org", "Grushko: 1 new article", "text", "<p>x</p>"))
    (message,) = box.messages
    assert message["Subject"] == "Grushko: 1 new article" and box.envelopes == [("alerts@babelwire.test",
                                                                                 ["analyst@example.org"])]


def test_an_untrusted_certificate_is_refused_with_a_tls_reason(tls_smtp, home: Path, tmp_path: Path,
                                                                 monkeypatch) -> None:
    box, _cert = tls_smtp
    (tmp_path / "other").mkdir()
    other, _key = _certificate(tmp_path / "other")
    monkeypatch.setenv("SSL_CERT_FILE", str(other))  # trusts another certificate only
    settings = load_settings(home)
    with pytest.raises(MailError) as failure:
        send_mail(settings, build_message(settings, "analyst@example.org", "s", "t", "<p>h</p>"))
    reason = str(failure.value)
    assert "TLS" in reason and "certificate" in reason and "127.0.0.1" in reason
    assert PASSWORD not in reason and box.messages == []


def test_a_server_without_starttls_is_refused_before_the_password_is_sent(smtp, home: Path, monkeypatch) -> None:
    monkeypatch.setenv("BABELWIRE_MAIL_STARTTLS", "1")  # the plain loopback server of the other tests
    monkeypatch.setenv("BABELWIRE_MAIL_USER", "alerts")
    monkeypatch.setenv("BABELWIRE_MAIL_PASSWORD", PASSWORD)
    settings = load_settings(home)
    with pytest.raises(MailError, match="does not offer STARTTLS") as failure:
        send_mail(settings, build_message(settings, "analyst@example.org", "s", "t", "<p>h</p>"))
    assert PASSWORD not in str(failure.value) and smtp.messages == []
