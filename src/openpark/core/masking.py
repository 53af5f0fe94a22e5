"""Masking personal data for roles that may not see it in full."""


def mask_phone(phone: str) -> str:
    """138****5678 for a mobile number; other numbers keep their first 3 and last 2 characters."""
    phone = (phone or "").strip()
    if len(phone) >= 11:
        return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]
    if len(phone) > 5:
        return phone[:3] + "*" * (len(phone) - 5) + phone[-2:]
    return "*" * len(phone)


def is_masked(value: str) -> bool:
    return "*" in (value or "")
