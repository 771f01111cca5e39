"""One dated log line format, in UTC, for our loggers and uvicorn's.

``pathwise`` sets it up for every command, and ``pathwise serve`` hands the same
format to uvicorn (server and access lines), so a service's log reads as one.
"""

from __future__ import annotations

from settings import Settings

__all__ = ["LOG_DATES", "LOG_FORMAT", "uvicorn_log_config"]

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
LOG_DATES = "%Y-%m-%dT%H:%M:%SZ"
"""Every line dated in UTC: an incident is read against other systems' logs by time."""


def uvicorn_log_config(settings: Settings) -> dict[str, object]:
    """Uvicorn's loggers (server, access lines) in the same dated format and level as ours."""
    access = (
        '%(asctime)s %(levelname)s %(name)s: %(client_addr)s "%(request_line)s" %(status_code)s '
        "request_id=%(request_id)s"
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "default": {"()": "middleware.request_id.RequestIdFormatter", "fmt": LOG_FORMAT, "datefmt": LOG_DATES},
            "access": {"()": "uvicorn.logging.AccessFormatter", "fmt": access, "datefmt": LOG_DATES,
                       "use_colors": False},
        },
        "filters": {"request_id": {"()": "middleware.request_id.RequestIdFilter"}},
        "handlers": {
            "default": {"formatter": "default", "class": "logging.StreamHandler", "stream": "ext://sys.stderr"},
            "access": {"formatter": "access", "class": "logging.StreamHandler", "stream": "ext://sys.stdout",
                       "filters": ["request_id"]},
        },
        "loggers": {
            "uvicorn": {"handlers": ["default"], "level": settings.log_level.upper(), "propagate": False},
            "uvicorn.error": {"level": settings.log_level.upper()},
            "uvicorn.access": {"handlers": ["access"], "level": settings.log_level.upper(), "propagate": False},
        },
    }  # fmt: skip
