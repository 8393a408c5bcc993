"""The vocabulary every detector speaks: entity types and findings."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class EntityType(StrEnum):
    """PHI kinds, one or more for each HIPAA Safe Harbor identifier (45 CFR 164.514(b)(2)(i))."""

    PERSON = "PERSON"  # (A) names
    STREET_ADDRESS = "STREET_ADDRESS"  # (B) geographic subdivisions smaller than a state
    LOCATION = "LOCATION"  # (B) city, county, precinct, other named places
    ZIP_CODE = "ZIP_CODE"  # (B)
    ORGANIZATION = "ORGANIZATION"  # (B) hospitals, clinics, practices: they locate the patient
    DATE = "DATE"  # (C) every element of a date except the year
    AGE = "AGE"  # (C) ages over 89
    PHONE_NUMBER = "PHONE_NUMBER"  # (D)
    FAX_NUMBER = "FAX_NUMBER"  # (E)
    EMAIL_ADDRESS = "EMAIL_ADDRESS"  # (F)
    US_SSN = "US_SSN"  # (G)
    MEDICAL_RECORD_NUMBER = "MEDICAL_RECORD_NUMBER"  # (H)
    HEALTH_PLAN_NUMBER = "HEALTH_PLAN_NUMBER"  # (I)
    ACCOUNT_NUMBER = "ACCOUNT_NUMBER"  # (J)
    LICENSE_NUMBER = "LICENSE_NUMBER"  # (K) certificate and licence numbers
    VEHICLE_ID = "VEHICLE_ID"  # (L) plates and VINs
    DEVICE_ID = "DEVICE_ID"  # (M) device identifiers and serial numbers
    URL = "URL"  # (N)
    IP_ADDRESS = "IP_ADDRESS"  # (O)
    BIOMETRIC_ID = "BIOMETRIC_ID"  # (P)
    PHOTO = "PHOTO"  # (Q) full-face photographs and comparable images
    ID = "ID"  # (R) any other unique identifying number, characteristic or code


@dataclass(frozen=True, slots=True)
class Finding:
    """One stretch of text that a detector believes is PHI.

    `start` and `end` are half-open offsets into the original `str` (code points, not bytes).
    `score` is the detector's confidence in [0, 1].
    """

    entity_type: EntityType
    start: int
    end: int
    score: float
    detector: str

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end:
            raise ValueError(f"invalid finding span [{self.start}, {self.end})")
        if not 0.0 <= self.score <= 1.0:
            raise ValueError(f"finding score {self.score} is outside [0, 1]")

    def __len__(self) -> int:
        return self.end - self.start
