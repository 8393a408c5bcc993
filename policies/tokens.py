"""The shape of placeholder tokens, such as `[PERSON_1]`.

Why this shape: upper-case words in square brackets with a number read to a language model as
an opaque name it should copy, not translate or reformat; the type word keeps the clinical
meaning ("a person", "a date") in the prompt; underscores and digits survive tokenizers and
JSON escaping unchanged. The number is a per-session counter, never derived from the PHI.
"""

from __future__ import annotations

import re

from detectors.findings import EntityType

# Short, self-explanatory words for the model; several entity types share a word only where
# the model needs no finer distinction.
TOKEN_LABELS: dict[EntityType, str] = {
    EntityType.PERSON: "PERSON",
    EntityType.STREET_ADDRESS: "ADDRESS",
    EntityType.LOCATION: "LOCATION",
    EntityType.ZIP_CODE: "ZIP",
    EntityType.ORGANIZATION: "FACILITY",
    EntityType.DATE: "DATE",
    EntityType.AGE: "AGE",
    EntityType.PHONE_NUMBER: "PHONE",
    EntityType.FAX_NUMBER: "FAX",
    EntityType.EMAIL_ADDRESS: "EMAIL",
    EntityType.US_SSN: "SSN",
    EntityType.MEDICAL_RECORD_NUMBER: "MRN",
    EntityType.HEALTH_PLAN_NUMBER: "HEALTH_PLAN_ID",
    EntityType.ACCOUNT_NUMBER: "ACCOUNT",
    EntityType.LICENSE_NUMBER: "LICENSE",
    EntityType.VEHICLE_ID: "VEHICLE",
    EntityType.DEVICE_ID: "DEVICE",
    EntityType.URL: "URL",
    EntityType.IP_ADDRESS: "IP",
    EntityType.BIOMETRIC_ID: "BIOMETRIC",
    EntityType.PHOTO: "PHOTO",
    EntityType.ID: "ID",
}

# Matches a well-formed token; group "label" is the type word and group "number" the counter.
# The closing bracket keeps [PERSON_1] from matching inside [PERSON_10].
TOKEN_PATTERN = re.compile(r"\[(?P<label>[A-Z]+(?:_[A-Z]+)*)_(?P<number>[1-9][0-9]*)\]")


def format_token(entity_type: EntityType, number: int) -> str:
    """Return the token for the `number`-th value of `entity_type` in a session."""
    if number < 1:
        raise ValueError("token numbers start at 1")
    return f"[{TOKEN_LABELS[entity_type]}_{number}]"
