"""MedGemma run in this process with transformers.

The model comes from a local folder or from the local Hugging Face cache, never from the
network: every load passes `local_files_only=True`. It runs in bfloat16 on a GPU and in float32
on a CPU, with the model's own chat template and greedy decoding. A loaded model is shared by
every backend that names the same model, device and cache folder.

Text models (`google/medgemma-27b-text-it`) load through `AutoModelForCausalLM` with their
tokenizer. Multimodal checkpoints (`google/medgemma-4b-it`, model type "gemma3") load as
`Gemma3ForConditionalGeneration` with their processor, so image parts can be added later.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from detectors.errors import ConfigurationError, DetectionError
from detectors.medgemma.backend import Completion
from detectors.medgemma.prompt import ChatMessage

logger = logging.getLogger(__name__)

MODEL_SETTING = "DEID_MEDGEMMA_MODEL"

# The config's model_type for Gemma 3 checkpoints that include the vision tower.
_MULTIMODAL_MODEL_TYPES = frozenset({"gemma3"})


@dataclass(frozen=True, slots=True)
class LoadedModel:
    """A model ready to generate, and what turns chats into its input ids.

    `processor` is the tokenizer for text models and the multimodal processor otherwise.
    `lock` serialises generation, because one model is shared by concurrent requests.
    """

    model: Any
    processor: Any
    multimodal: bool
    device: str
    lock: threading.Lock

    def __repr__(self) -> str:
        return f"LoadedModel(model={type(self.model).__name__}, device={self.device})"


_cache: dict[tuple[str, str, str | None], LoadedModel] = {}
_cache_lock = threading.Lock()


def load_model(
    model_ref: str, *, device: str | None = None, cache_dir: str | None = None
) -> LoadedModel:
    """Load `model_ref` once per process and return the shared instance.

    Raises ConfigurationError when the model is not found locally or cannot be loaded.
    """
    resolved_device = device or _default_device()
    key = (model_ref, resolved_device, cache_dir)
    with _cache_lock:
        if key not in _cache:
            _cache[key] = _load_uncached(model_ref, resolved_device, cache_dir)
        return _cache[key]


def _default_device() -> str:
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def _load_uncached(model_ref: str, device: str, cache_dir: str | None) -> LoadedModel:
    import torch
    from transformers import (
        AutoConfig,
        AutoModelForCausalLM,
        AutoProcessor,
        AutoTokenizer,
        Gemma3ForConditionalGeneration,
    )

    dtype = torch.float32 if device == "cpu" else torch.bfloat16
    options: dict[str, Any] = {"local_files_only": True, "cache_dir": cache_dir}
    model: Any
    processor: Any
    try:
        config = AutoConfig.from_pretrained(model_ref, **options)
        multimodal = config.model_type in _MULTIMODAL_MODEL_TYPES
        if multimodal:
            model = Gemma3ForConditionalGeneration.from_pretrained(
                model_ref, dtype=dtype, **options
            )
            processor = AutoProcessor.from_pretrained(model_ref, **options)  # type: ignore[no-untyped-call]
            processor.tokenizer.padding_side = "left"
        else:
            model = AutoModelForCausalLM.from_pretrained(model_ref, dtype=dtype, **options)
            processor = AutoTokenizer.from_pretrained(model_ref, **options)
            processor.padding_side = "left"
        model.to(device)
        model.eval()
    except (OSError, ValueError, RuntimeError, ImportError) as error:
        raise ConfigurationError(
            f"could not load the MedGemma model given in {MODEL_SETTING} ({type(error).__name__}). "
            "Give a local folder, or a hub id that is already in the local Hugging Face cache: "
            "models are never downloaded"
        ) from error
    logger.info(
        "loaded MedGemma model class=%s device=%s dtype=%s", type(model).__name__, device, dtype
    )
    return LoadedModel(model, processor, multimodal, device, threading.Lock())


class TransformersBackend:
    """Generates outputs with a model loaded in this process, a batch at a time."""

    def __init__(self, loaded: LoadedModel, *, max_new_tokens: int) -> None:
        self._loaded = loaded
        self._max_new_tokens = max_new_tokens

    def __repr__(self) -> str:
        return f"TransformersBackend({self._loaded!r})"

    @property
    def multimodal(self) -> bool:
        """Whether the loaded model has a vision tower."""
        return self._loaded.multimodal

    def complete(self, chats: Sequence[Sequence[ChatMessage]]) -> list[Completion]:
        """Return the model's greedy output to each chat; raise DetectionError on failure."""
        if not chats:
            return []
        try:
            with self._loaded.lock:
                return self._generate(chats)
        except (RuntimeError, ValueError, TypeError, IndexError) as error:
            raise DetectionError(
                f"MedGemma generation failed on a batch of {len(chats)} ({type(error).__name__})"
            ) from error

    def _generate(self, chats: Sequence[Sequence[ChatMessage]]) -> list[Completion]:
        import torch

        loaded = self._loaded
        prompts = [self._render(chat) for chat in chats]
        if loaded.multimodal:
            inputs = loaded.processor(text=prompts, return_tensors="pt", padding=True)
        else:
            inputs = loaded.processor(
                prompts, return_tensors="pt", padding=True, add_special_tokens=False
            )
        inputs = inputs.to(loaded.device)
        tokenizer = loaded.processor.tokenizer if loaded.multimodal else loaded.processor
        with torch.inference_mode():
            output = loaded.model.generate(
                **inputs,
                max_new_tokens=self._max_new_tokens,
                do_sample=False,
                pad_token_id=tokenizer.pad_token_id,
            )
        new_tokens = output[:, inputs["input_ids"].shape[1] :]
        return [self._decode(row, tokenizer) for row in new_tokens]

    def _render(self, chat: Sequence[ChatMessage]) -> str:
        """Apply the model's own chat template, ending with the model's turn."""
        if self._loaded.multimodal:
            messages: list[dict[str, Any]] = [
                {"role": m.role, "content": [{"type": "text", "text": m.content}]} for m in chat
            ]
        else:
            messages = [{"role": m.role, "content": m.content} for m in chat]
        rendered = self._loaded.processor.apply_chat_template(
            messages, add_generation_prompt=True, tokenize=False
        )
        return str(rendered)

    def _decode(self, row: Any, tokenizer: Any) -> Completion:
        ids = row.tolist()
        eos_ids = _eos_ids(self._loaded.model, tokenizer)
        finished = any(token in eos_ids for token in ids)
        text = tokenizer.decode(ids, skip_special_tokens=True)
        return Completion(
            text=str(text), truncated=not finished and len(ids) >= self._max_new_tokens
        )


def _eos_ids(model: Any, tokenizer: Any) -> set[int]:
    """Collect the ids that end a turn: the generation config's and the tokenizer's."""
    configured = model.generation_config.eos_token_id
    ids = set(configured if isinstance(configured, list) else [configured])
    ids.add(tokenizer.eos_token_id)
    ids.discard(None)
    return {int(token) for token in ids}
