"""Records that run out: high-tech certificates in their last year of validity (the enterprise must
be certified again, or it is no longer high-tech next year) and service contracts about to end
(their accounts then see nothing). Checked on a schedule (`tasks.check_expiries`)."""
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Exists, OuterRef

from .models import HighTechCertificate, ServiceContract

CONTRACT_NOTICE_DAYS = 30


@dataclass(frozen=True)
class Expiries:
    certificates: list  # certificates whose last valid year is this year, with no later one
    contracts: list  # contracts ending within CONTRACT_NOTICE_DAYS days

    def summary(self) -> str:
        return (f"本年度到期且未重新认定的高新技术企业证书 {len(self.certificates)} 张；"
                f"{CONTRACT_NOTICE_DAYS} 天内到期的服务合同 {len(self.contracts)} 份。")


def expiries(today: date) -> Expiries:
    renewed = HighTechCertificate.objects.filter(enterprise=OuterRef("enterprise"), issued_on__gt=OuterRef("issued_on"))
    certificates = list(
        HighTechCertificate.objects.filter(
            issued_on__year=today.year - HighTechCertificate.VALID_YEARS + 1, enterprise__is_deleted=False,
        ).exclude(Exists(renewed)).select_related("enterprise").order_by("issued_on", "number")
    )
    contracts = list(ServiceContract.objects.filter(
        ends_on__gte=today, ends_on__lte=today + timedelta(days=CONTRACT_NOTICE_DAYS),
    ).order_by("ends_on", "number"))
    return Expiries(certificates, contracts)
