"""Map the type words a model writes onto the project's entity types."""

from __future__ import annotations

import re

from detectors.findings import EntityType

# Words models use for each kind, after `normalise_type_word`. The entity type names themselves
# are accepted too (see `to_entity_type`).
_SYNONYMS: dict[str, EntityType] = {
    "NAME": EntityType.PERSON,
    "PATIENT": EntityType.PERSON,
    "PATIENT_NAME": EntityType.PERSON,
    "DOCTOR": EntityType.PERSON,
    "PHYSICIAN": EntityType.PERSON,
    "NICKNAME": EntityType.PERSON,
    "RELATIVE": EntityType.PERSON,
    "FAMILY_MEMBER": EntityType.PERSON,
    "STAFF": EntityType.PERSON,
    "ADDRESS": EntityType.STREET_ADDRESS,
    "STREET": EntityType.STREET_ADDRESS,
    "CITY": EntityType.LOCATION,
    "COUNTY": EntityType.LOCATION,
    "PLACE": EntityType.LOCATION,
    "GEOGRAPHIC": EntityType.LOCATION,
    "GEOGRAPHIC_LOCATION": EntityType.LOCATION,
    "ZIP": EntityType.ZIP_CODE,
    "POSTAL_CODE": EntityType.ZIP_CODE,
    "POSTCODE": EntityType.ZIP_CODE,
    "HOSPITAL": EntityType.ORGANIZATION,
    "FACILITY": EntityType.ORGANIZATION,
    "CLINIC": EntityType.ORGANIZATION,
    "EMPLOYER": EntityType.ORGANIZATION,
    "COMPANY": EntityType.ORGANIZATION,
    "ORGANISATION": EntityType.ORGANIZATION,
    "DATE_OF_BIRTH": EntityType.DATE,
    "DOB": EntityType.DATE,
    "BIRTH_DATE": EntityType.DATE,
    "BIRTHDATE": EntityType.DATE,
    "PHONE": EntityType.PHONE_NUMBER,
    "TELEPHONE": EntityType.PHONE_NUMBER,
    "TELEPHONE_NUMBER": EntityType.PHONE_NUMBER,
    "FAX": EntityType.FAX_NUMBER,
    "EMAIL": EntityType.EMAIL_ADDRESS,
    "E_MAIL": EntityType.EMAIL_ADDRESS,
    "SSN": EntityType.US_SSN,
    "SOCIAL_SECURITY_NUMBER": EntityType.US_SSN,
    "MRN": EntityType.MEDICAL_RECORD_NUMBER,
    "MEDICAL_RECORD": EntityType.MEDICAL_RECORD_NUMBER,
    "HEALTH_PLAN": EntityType.HEALTH_PLAN_NUMBER,
    "HEALTH_PLAN_BENEFICIARY_NUMBER": EntityType.HEALTH_PLAN_NUMBER,
    "INSURANCE_ID": EntityType.HEALTH_PLAN_NUMBER,
    "INSURANCE_NUMBER": EntityType.HEALTH_PLAN_NUMBER,
    "MEMBER_ID": EntityType.HEALTH_PLAN_NUMBER,
    "ACCOUNT": EntityType.ACCOUNT_NUMBER,
    "LICENSE": EntityType.LICENSE_NUMBER,
    "LICENCE": EntityType.LICENSE_NUMBER,
    "LICENCE_NUMBER": EntityType.LICENSE_NUMBER,
    "CERTIFICATE_NUMBER": EntityType.LICENSE_NUMBER,
    "VEHICLE": EntityType.VEHICLE_ID,
    "LICENSE_PLATE": EntityType.VEHICLE_ID,
    "VIN": EntityType.VEHICLE_ID,
    "DEVICE": EntityType.DEVICE_ID,
    "SERIAL_NUMBER": EntityType.DEVICE_ID,
    "WEBSITE": EntityType.URL,
    "WEB_URL": EntityType.URL,
    "IP": EntityType.IP_ADDRESS,
    "BIOMETRIC": EntityType.BIOMETRIC_ID,
    "FINGERPRINT": EntityType.BIOMETRIC_ID,
    "PHOTOGRAPH": EntityType.PHOTO,
    "IMAGE": EntityType.PHOTO,
}

_NON_WORD = re.compile(r"[^A-Z0-9]+")


def normalise_type_word(word: str) -> str:
    """Upper-case `word` and join its parts with underscores ("e-mail" -> "E_MAIL")."""
    return _NON_WORD.sub("_", word.upper()).strip("_")


def to_entity_type(word: str) -> EntityType:
    """Return the entity type for a model's type word.

    An unknown or empty word maps to `EntityType.ID` (Safe Harbor's "any other unique
    identifying number, characteristic, or code"), because the model flagged the text as an
    identifier and dropping it would let it through. Occupations and other quasi-identifiers
    land there too.
    """
    key = normalise_type_word(word)
    if key in EntityType.__members__:
        return EntityType[key]
    return _SYNONYMS.get(key, EntityType.ID)
