"""PHI detection: findings, the detector seam and the detectors themselves.

This package knows nothing about HTTP, policies or storage.
"""

from detectors.base import Detector
from detectors.findings import EntityType, Finding

__all__ = ["Detector", "EntityType", "Finding"]
