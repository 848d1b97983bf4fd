"""The demo dataset: `generate` (pure, deterministic) and `install` (into the store and the register)."""

from reindus.demo.catalogue import DEMO_AS_OF
from reindus.demo.install import InstallReport, checksum, install
from reindus.reference.sources import DEMO_SOURCE

__all__ = ["DEMO_AS_OF", "DEMO_SOURCE", "InstallReport", "checksum", "install"]
