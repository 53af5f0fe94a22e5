"""How refused requests reach the log."""
import logging


class RefusalsWithoutTraceback(logging.Filter):
    """A refused request (a 4xx answer: a page that does not exist, a permission refused, a failed
    CSRF check) is a rule doing its job, not a fault: its one line says what was refused and where,
    without the traceback Django attaches to PermissionDenied and SuspiciousOperation. Attached to
    the loggers of django.request and django.security (settings.LOGGING)."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and 400 <= status < 500:
            record.exc_info = None
            record.exc_text = None
            record.stack_info = None
        return True
