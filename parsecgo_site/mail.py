"""Password reset mail handed to the background worker, so that the reset page answers as
fast whether or not an account has the address (sending by SMTP in the request would take
its seconds only for the real ones, and tell them apart)."""

from __future__ import annotations

from django.contrib.auth.forms import PasswordResetForm
from django.core.mail import EmailMultiAlternatives
from django.template import loader
from django_tasks import task


@task()
def send_mail_later(
    subject: str, body: str, from_email: str | None, to: list[str], html: str | None = None
) -> str:
    message = EmailMultiAlternatives(subject, body, from_email, to)
    if html:
        message.attach_alternative(html, "text/html")
    message.send()
    return f"sent to {len(to)}"


class QueuedPasswordResetForm(PasswordResetForm):
    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ) -> None:
        # As Django's own send_mail draws it, but queued: one line of subject, the body, and
        # the HTML part when a template is named.
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        html = (
            loader.render_to_string(html_email_template_name, context)
            if html_email_template_name
            else None
        )
        send_mail_later.enqueue(subject, body, from_email, [to_email], html)
