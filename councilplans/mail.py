"""The console mail backend for local use (DEBUG): it prints password-reset links whole."""

import email.policy

from django.core.mail.backends import console

#: RFC 5322's line limit instead of 78 characters: a body whose lines fit is sent as 7bit (or
#: 8bit), not quoted-printable, whose soft line breaks ("=") would cut a reset link in two.
LONG_LINES = email.policy.default.clone(max_line_length=998)


class ConsoleEmailBackend(console.EmailBackend):
    def write_message(self, message) -> None:
        msg = message.message(policy=LONG_LINES)
        self.stream.write(msg.as_bytes().decode("utf-8", errors="replace") + "\n")
        self.stream.write("-" * 79 + "\n")
