from pathlib import Path

import pytest

from detectors.errors import ConfigurationError, DetectionError
from detectors.medgemma import MedGemmaConfig, create_medgemma_detector
from detectors.medgemma.prompt import build_messages
from detectors.medgemma.transformers_backend import TransformersBackend, load_model
from tests.detectors.medgemma.tiny_models import install_in_hub_cache

pytest.importorskip("transformers", reason="the medgemma extra is not installed")

NOTE = "Maggie Reyes, DOB 03/14/1961, seen at Fairholm Clinic. Goes by Mags."


def test_tiny_text_model_loads_as_causal_lm(tiny_text_model: Path) -> None:
    loaded = load_model(str(tiny_text_model), device="cpu")

    assert type(loaded.model).__name__ == "Gemma3ForCausalLM"
    assert not loaded.multimodal
    assert loaded.device == "cpu"
    assert str(loaded.model.dtype) == "torch.float32"


def test_tiny_text_model_loaded_once(tiny_text_model: Path) -> None:
    first = load_model(str(tiny_text_model), device="cpu")
    second = load_model(str(tiny_text_model), device="cpu")

    assert first is second


def test_tiny_text_model_generates_batch(tiny_text_model: Path) -> None:
    backend = TransformersBackend(load_model(str(tiny_text_model), device="cpu"), max_new_tokens=12)

    completions = backend.complete([build_messages(NOTE), build_messages("Short note.")])

    assert len(completions) == 2
    assert all(isinstance(completion.text, str) for completion in completions)
    assert any(completion.text for completion in completions)


def test_tiny_text_model_garbage_is_zero_findings(tiny_text_model: Path) -> None:
    config = MedGemmaConfig(model=str(tiny_text_model), device="cpu", max_new_tokens=24)
    detector = create_medgemma_detector(config)

    findings = detector.detect([NOTE, "", "Second note for Ines."])

    assert findings == [[], [], []]
    assert detector.stats.windows == 2
    assert detector.stats.outputs_without_json == 2


def test_tiny_text_model_long_text_batched(tiny_text_model: Path) -> None:
    config = MedGemmaConfig(
        model=str(tiny_text_model),
        device="cpu",
        max_new_tokens=8,
        window_chars=300,
        overlap_chars=50,
        batch_size=3,
    )
    detector = create_medgemma_detector(config)

    findings = detector.detect([NOTE * 12])

    assert findings == [[]]
    assert detector.stats.windows > 3


def test_tiny_multimodal_model_loads_with_processor(tiny_multimodal_model: Path) -> None:
    loaded = load_model(str(tiny_multimodal_model), device="cpu")

    assert type(loaded.model).__name__ == "Gemma3ForConditionalGeneration"
    assert type(loaded.processor).__name__ == "Gemma3Processor"
    assert loaded.multimodal


def test_tiny_multimodal_model_generates(tiny_multimodal_model: Path) -> None:
    config = MedGemmaConfig(model=str(tiny_multimodal_model), device="cpu", max_new_tokens=12)
    detector = create_medgemma_detector(config)

    assert detector.detect([NOTE]) == [[]]
    assert detector.stats.windows == 1


def test_images_rejected_until_supported(tiny_multimodal_model: Path) -> None:
    config = MedGemmaConfig(model=str(tiny_multimodal_model), device="cpu")
    detector = create_medgemma_detector(config)

    with pytest.raises(DetectionError, match="does not de-identify images"):
        detector.detect_images([b"\x89PNG"])


def test_hub_id_loads_from_local_cache(tiny_text_model: Path, tmp_path: Path) -> None:
    install_in_hub_cache(tiny_text_model, tmp_path, "tiny-org/tiny-gemma3")

    loaded = load_model("tiny-org/tiny-gemma3", device="cpu", cache_dir=str(tmp_path))

    assert type(loaded.model).__name__ == "Gemma3ForCausalLM"


def test_hub_id_missing_from_cache_rejected(tmp_path: Path) -> None:
    config = MedGemmaConfig(model="google/medgemma-4b-it", device="cpu", cache_dir=str(tmp_path))

    with pytest.raises(ConfigurationError, match="DEID_MEDGEMMA_MODEL"):
        create_medgemma_detector(config)


def test_missing_folder_rejected(tmp_path: Path) -> None:
    config = MedGemmaConfig(model=str(tmp_path / "absent"), device="cpu")

    with pytest.raises(ConfigurationError, match="never downloaded"):
        create_medgemma_detector(config)


def test_folder_without_weights_rejected(tiny_text_model: Path, tmp_path: Path) -> None:
    (tmp_path / "config.json").write_bytes((tiny_text_model / "config.json").read_bytes())
    config = MedGemmaConfig(model=str(tmp_path), device="cpu")

    with pytest.raises(ConfigurationError):
        create_medgemma_detector(config)
