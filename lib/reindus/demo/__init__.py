"""The demo dataset: `generate` (pure, deterministic) and `install` (into the store and the register)."""

from reindus.demo.catalogue import DEMO_AS_OF
from reindus.demo.install import InstallReport, checksum, install

__all__ = ["DEMO_AS_OF", "InstallReport", "checksum", "install"]
