import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(name="community.expire_points")
def expire_points() -> int:
    """Daily (Celery beat): expire the unspent remains of every grant whose expiry date has come,
    for all workers at once (`services.expire_points`); returns how many entries were written."""
    from .services import expire_points as expire

    written = expire()
    logger.info("积分到期：写入过期记录 %s 条", written)
    return written
