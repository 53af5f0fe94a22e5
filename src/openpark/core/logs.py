"""How refused requests reach the log."""
import logging
import re

# A secret a path carries: the key an account-less reporter follows their 随手拍 case by
# (/community/track/<key>/…). The log says a tracking page was asked for, never by which key.
SECRET_IN_PATH = re.compile(r"(/track/)[^/?#\s]+")


class RefusalsWithoutTraceback(logging.Filter):
    """A refused request (a 4xx answer: a page that does not exist, a permission refused, a failed
    CSRF check) is a rule doing its job, not a fault: its one line says what was refused and where,
    without the traceback Django attaches to PermissionDenied and SuspiciousOperation. A path's
    secret (a tracking key) is left out of every record. Attached to
    the loggers of django.request and django.security (settings.LOGGING)."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and 400 <= status < 500:
            record.exc_info = None
            record.exc_text = None
            record.stack_info = None
        if isinstance(record.args, tuple):
            record.args = tuple(SECRET_IN_PATH.sub(r"\1…", arg) if isinstance(arg, str) else arg
                                for arg in record.args)
        return True
