"""OpenPark 开源园区治理平台."""
from .celery import app as celery_app

__all__ = ("celery_app",)
