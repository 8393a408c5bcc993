"""Tiny random Gemma 3 checkpoints with an in-process byte-level tokenizer, for offline tests.

The weights are random, so the models generate garbage: enough to prove that loading,
templating, batching and decoding work, and that garbage output is survived.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

# A Gemma-style turn format: <start_of_turn>ROLE\n...<end_of_turn>\n, the assistant's role
# written as "model". Content may be a string or a list of typed parts (processor style).
CHAT_TEMPLATE = (
    "{{ bos_token }}{% for message in messages %}"
    "<start_of_turn>{{ 'model' if message['role'] == 'assistant' else message['role'] }}\n"
    "{% if message['content'] is string %}{{ message['content'] }}"
    "{% else %}{% for part in message['content'] %}"
    "{% if part['type'] == 'text' %}{{ part['text'] }}{% else %}<start_of_image>{% endif %}"
    "{% endfor %}{% endif %}<end_of_turn>\n{% endfor %}"
    "{% if add_generation_prompt %}<start_of_turn>model\n{% endif %}"
)

SPECIAL_TOKENS = [
    "<pad>",
    "<eos>",
    "<bos>",
    "<unk>",
    "<start_of_turn>",
    "<end_of_turn>",
    "<start_of_image>",
    "<end_of_image>",
    "<image_soft_token>",
]


def build_tokenizer() -> Any:
    """Build a byte-level tokenizer (every string encodes) with Gemma's special tokens."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    byte_symbols = sorted(pre_tokenizers.ByteLevel.alphabet())
    vocab = {token: index for index, token in enumerate(SPECIAL_TOKENS + byte_symbols)}
    core = Tokenizer(models.BPE(vocab=vocab, merges=[], unk_token="<unk>"))
    core.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    core.decoder = decoders.ByteLevel()
    core.add_special_tokens(SPECIAL_TOKENS)
    return PreTrainedTokenizerFast(  # type: ignore[no-untyped-call]
        tokenizer_object=core,
        bos_token="<bos>",
        eos_token="<eos>",
        pad_token="<pad>",
        unk_token="<unk>",
        extra_special_tokens={
            "boi_token": "<start_of_image>",
            "eoi_token": "<end_of_image>",
            "image_token": "<image_soft_token>",
        },
        chat_template=CHAT_TEMPLATE,
    )


def _text_config(vocab_size: int) -> Any:
    from transformers import Gemma3TextConfig

    return Gemma3TextConfig(
        vocab_size=vocab_size,
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=2,
        num_key_value_heads=1,
        head_dim=16,
        max_position_embeddings=8192,
        sliding_window=64,
        pad_token_id=SPECIAL_TOKENS.index("<pad>"),
        eos_token_id=SPECIAL_TOKENS.index("<eos>"),
        bos_token_id=SPECIAL_TOKENS.index("<bos>"),
    )


def save_tiny_text_model(folder: Path) -> Path:
    """Save a 2-layer random `Gemma3ForCausalLM` and its tokenizer to `folder`."""
    import torch
    from transformers import Gemma3ForCausalLM

    torch.manual_seed(0)
    tokenizer = build_tokenizer()
    Gemma3ForCausalLM(_text_config(len(tokenizer))).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def save_tiny_multimodal_model(folder: Path) -> Path:
    """Save a random `Gemma3ForConditionalGeneration` (2 text layers, 1 vision layer) and its
    processor to `folder`."""
    import torch
    from transformers import (
        Gemma3Config,
        Gemma3ForConditionalGeneration,
        Gemma3ImageProcessorPil,
        Gemma3Processor,
        SiglipVisionConfig,
    )

    torch.manual_seed(0)
    tokenizer = build_tokenizer()
    vision = SiglipVisionConfig(
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=1,
        num_attention_heads=2,
        image_size=28,
        patch_size=14,
    )
    config = Gemma3Config(
        text_config=_text_config(len(tokenizer)),
        vision_config=vision,
        mm_tokens_per_image=4,
        boi_token_index=SPECIAL_TOKENS.index("<start_of_image>"),
        eoi_token_index=SPECIAL_TOKENS.index("<end_of_image>"),
        image_token_index=SPECIAL_TOKENS.index("<image_soft_token>"),
    )
    Gemma3ForConditionalGeneration(config).save_pretrained(folder)
    image_processor = Gemma3ImageProcessorPil(size={"height": 28, "width": 28})
    processor = Gemma3Processor(
        image_processor=image_processor,
        tokenizer=tokenizer,
        chat_template=CHAT_TEMPLATE,
        image_seq_length=4,
    )
    processor.save_pretrained(folder)
    return folder


def install_in_hub_cache(folder: Path, cache_dir: Path, repo_id: str) -> None:
    """Lay `folder`'s files out as the Hugging Face hub cache stores a downloaded snapshot."""
    commit = "0" * 40
    repo_folder = cache_dir / f"models--{repo_id.replace('/', '--')}"
    snapshot = repo_folder / "snapshots" / commit
    snapshot.mkdir(parents=True)
    for item in folder.iterdir():
        (snapshot / item.name).write_bytes(item.read_bytes())
    (repo_folder / "refs").mkdir()
    (repo_folder / "refs" / "main").write_text(commit)
