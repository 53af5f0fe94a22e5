import logging

from celery import shared_task
from django.utils import timezone

logger = logging.getLogger(__name__)


@shared_task(name="enterprises.check_expiries")
def check_expiries() -> dict:
    """Daily (Celery beat): certificates and service contracts running out, one line each in the
    log for the offices that follow them up."""
    from .expiries import expiries

    found = expiries(timezone.localdate())
    for certificate in found.certificates:
        logger.info("高新技术企业证书本年度到期：%s %s（%s 发证）", certificate.enterprise.name, certificate.number,
                    certificate.issued_on.isoformat())
    for contract in found.contracts:
        logger.info("服务合同即将到期：%s，%s 到期", contract, contract.ends_on.isoformat())
    logger.info(found.summary())
    return {"certificates": len(found.certificates), "contracts": len(found.contracts)}
