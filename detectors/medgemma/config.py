"""Settings of the MedGemma detector."""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import SecretStr

from detectors.errors import ConfigurationError


@dataclass(frozen=True, slots=True)
class MedGemmaConfig:
    """How to reach MedGemma and how to use it. Exactly one of `model` and `url` must be set.

    - `model`: a local folder, or a Hugging Face hub id that is already in the local cache.
      Models are never downloaded.
    - `url`: the base URL of an OpenAI-compatible server, ending in `/v1`. `model_name` is the
      model name sent to it. `timeout_seconds` bounds each HTTP request.
    - `allow_remote`: lets `url` name a host outside loopback and private networks.
    - `max_retries`: extra attempts after a failed call or a malformed output.
    - `max_new_tokens`: the maximum length of each output, in tokens.
    - `window_chars`, `overlap_chars`: longer texts are read in windows of this many
      characters that overlap by `overlap_chars`. `batch_size` windows go to the model at once.
    - `score`: the confidence given to every finding, because the model states none.
    - `device`: a torch device ("cpu", "cuda:1") for the in-process model. By default a GPU is
      used when one is visible. `cache_dir` overrides the Hugging Face cache folder.
    - `api_key`: a bearer token for servers that require one.
    """

    model: str | None = None
    url: str | None = None
    model_name: str = "medgemma"
    timeout_seconds: float = 60.0
    allow_remote: bool = False
    max_retries: int = 1
    max_new_tokens: int = 1024
    window_chars: int = 4000
    overlap_chars: int = 200
    batch_size: int = 4
    score: float = 0.85
    device: str | None = None
    cache_dir: str | None = None
    api_key: SecretStr | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        _require(self.timeout_seconds > 0, "timeout_seconds", "must be greater than 0")
        _require(self.max_retries >= 0, "max_retries", "must be 0 or more")
        _require(self.max_new_tokens > 0, "max_new_tokens", "must be greater than 0")
        _require(self.batch_size > 0, "batch_size", "must be greater than 0")
        _require(0.0 <= self.score <= 1.0, "score", "must be in [0, 1]")
        _require(self.window_chars >= 200, "window_chars", "must be at least 200")
        _require(
            0 <= self.overlap_chars < self.window_chars // 2,
            "overlap_chars",
            "must be 0 or more and less than half of window_chars",
        )
        _require(bool(self.model_name.strip()), "model_name", "must not be empty")


def _require(condition: bool, setting: str, rule: str) -> None:
    if not condition:
        raise ConfigurationError(f"invalid MedGemma setting {setting}: it {rule}")
