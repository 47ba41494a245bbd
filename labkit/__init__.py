"""labkit: helpers for the model compression lab series."""

from labkit.context import LabContext, prepare_lab
from labkit.profiles import PROFILES, Profile, get_profile

__all__ = ["LabContext", "PROFILES", "Profile", "get_profile", "prepare_lab"]
