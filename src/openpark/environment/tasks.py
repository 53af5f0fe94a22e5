import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(name="environment.check_alerts")
def check_alerts() -> dict:
    """Daily (Celery beat): tell the environment office, once each, of permits expiring or expired,
    measures and problems overdue, chiefs behind on this period's patrols and recent samples worse
    than their target (`alerts.check`)."""
    from .alerts import check

    told = check()
    logger.info("环保提醒：%s", "，".join(f"{name} {count}" for name, count in told.items()))
    return told
