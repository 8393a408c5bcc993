import pytest

from detectors.findings import EntityType
from detectors.medgemma.types import to_entity_type


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("PERSON", EntityType.PERSON),
        ("name", EntityType.PERSON),
        ("Nickname", EntityType.PERSON),
        ("e-mail", EntityType.EMAIL_ADDRESS),
        ("date of birth", EntityType.DATE),
        ("MRN", EntityType.MEDICAL_RECORD_NUMBER),
        ("medical_record_number", EntityType.MEDICAL_RECORD_NUMBER),
        ("Hospital", EntityType.ORGANIZATION),
        ("license plate", EntityType.VEHICLE_ID),
        ("occupation", EntityType.ID),
        ("", EntityType.ID),
        ("something new", EntityType.ID),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_to_entity_type_maps_model_words(word: str, expected: EntityType) -> None:
    assert to_entity_type(word) is expected


@pytest.mark.parametrize("member", list(EntityType), ids=str)
def test_to_entity_type_accepts_every_entity_type(member: EntityType) -> None:
    assert to_entity_type(member.value) is member
