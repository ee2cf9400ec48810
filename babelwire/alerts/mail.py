"""E-mail through SMTP (``[mail]`` settings): one message per match, or a digest; plain text + HTML."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from babelwire.config import Settings, mail_sender
from babelwire.errors import BabelwireError


class MailError(BabelwireError):
    """E-mail could not be sent (the reason names the server, never the password)."""


def build_message(settings: Settings, to: str, subject: str, text: str, html: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = mail_sender(settings)
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=mail_sender(settings).rpartition("@")[2] or None)
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return message


def send_mail(settings: Settings, message: EmailMessage) -> None:
    """Send through ``[mail] host``; raises MailError (no server configured, refused, unreachable)."""
    mail = settings.mail
    if not mail.host:
        raise MailError("no SMTP server is configured: set [mail] host (BABELWIRE_MAIL_HOST)")
    where = f"SMTP server {mail.host}:{mail.port}"
    try:
        with smtplib.SMTP(mail.host, mail.port, timeout=mail.timeout) as smtp:
            if mail.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if mail.user:
                smtp.login(mail.user, mail.password.get_secret_value())
            smtp.send_message(message)
    except smtplib.SMTPAuthenticationError as exc:
        raise MailError(f"{where} refused the login of {mail.user!r} ({exc.smtp_code})") from exc
    except smtplib.SMTPNotSupportedError as exc:
        raise MailError(
            f"{where} does not offer STARTTLS; set [mail] starttls = false only on a trusted network"
        ) from exc
    except smtplib.SMTPException as exc:
        raise MailError(f"{where}: {type(exc).__name__}: {exc}") from exc
    except ssl.SSLCertVerificationError as exc:
        raise MailError(
            f"TLS with {where} failed: its certificate was not accepted ({exc.verify_message}); "
            "trust its CA (SSL_CERT_FILE) or fix the server's certificate"
        ) from exc
    except ssl.SSLError as exc:
        raise MailError(f"TLS with {where} failed: {exc.reason or exc}") from exc
    except OSError as exc:
        raise MailError(f"{where} is unreachable: {exc}") from exc
