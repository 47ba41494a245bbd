"""Test settings: the smoke profile and no hub access, for unit tests and notebook kernels alike."""

import os

# Set before any labkit import and inherited by the kernels nbval starts.
os.environ["LABKIT_PROFILE"] = "smoke"
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
