"""Reachability of the Hugging Face hub, checked once per process.

Loading from an unreachable hub retries for 25 to 50 seconds before it
fails, so every hub load checks here first. ``HF_HUB_OFFLINE=1`` or
``LABKIT_OFFLINE=1`` skips the hub without a check.
"""

import functools
import logging
import os
import socket
from urllib.parse import urlparse

logger = logging.getLogger(__name__)

__all__ = ["hub_is_reachable"]

CONNECT_TIMEOUT_S = 3.0


@functools.cache
def hub_is_reachable() -> bool:
    for variable in ("HF_HUB_OFFLINE", "LABKIT_OFFLINE"):
        if os.environ.get(variable, "0").lower() in ("1", "true", "yes"):
            logger.info("%s is set: the hub is not used", variable)
            return False
    endpoint = os.environ.get("HF_ENDPOINT", "https://huggingface.co")
    host = urlparse(endpoint).hostname
    try:
        with socket.create_connection((host, 443), timeout=CONNECT_TIMEOUT_S):
            return True
    except OSError as error:
        logger.info("Hugging Face hub at %s is not reachable (%s): working offline", host, error)
        return False
