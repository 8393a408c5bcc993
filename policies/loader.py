"""Load a policy by preset name or file path, and fingerprint it for the audit log."""

from __future__ import annotations

import hashlib
import json
from importlib import resources
from pathlib import Path
from typing import Any, get_args, get_origin

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from detectors.errors import PolicyError
from policies.schema import Policy

DEFAULT_POLICY = "hipaa-safe-harbor"

# Maximum depth of `extends` chains. A deeper chain is taken to be a cycle.
_MAX_EXTENDS = 8


def preset_names() -> list[str]:
    """Return the names of the built-in presets."""
    presets = resources.files("policies") / "presets"
    return sorted(
        item.name.removesuffix(".yaml") for item in presets.iterdir() if item.name.endswith(".yaml")
    )


def load_policy(name_or_path: str) -> Policy:
    """Load and validate a preset (by name) or a policy file (by path).

    A file may start from a preset or another file with `extends: NAME_OR_PATH`; its keys then
    override the base's, mappings merged key by key. Raises `PolicyError` naming the key path
    and the allowed values when the YAML or the schema does not validate.
    """
    raw = _read_merged(name_or_path, depth=0)
    raw.setdefault("name", Path(name_or_path).stem)
    try:
        return Policy.model_validate(raw)
    except ValidationError as error:
        raise PolicyError(f"invalid policy {name_or_path!r}: {describe_error(error)}") from None


def policy_digest(policy: Policy) -> str:
    """Return the SHA-256 hex digest of the policy's canonical JSON form."""
    canonical = json.dumps(policy.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def policy_yaml(policy: Policy) -> str:
    """Return the effective policy, defaults included, as YAML."""
    return yaml.safe_dump(policy.model_dump(mode="json"), sort_keys=False, allow_unicode=True)


def _read_merged(name_or_path: str, depth: int) -> dict[str, Any]:
    if depth > _MAX_EXTENDS:
        raise PolicyError(
            f"policy {name_or_path!r}: 'extends' is nested more than {_MAX_EXTENDS} deep"
        )
    raw = _read(name_or_path)
    base_name = raw.pop("extends", None)
    if base_name is None:
        return raw
    if not isinstance(base_name, str):
        raise PolicyError(
            f"invalid policy {name_or_path!r}: extends: must be a preset name or a path"
        )
    # A file that extends a preset without naming itself must not be logged as the preset.
    raw.setdefault("name", Path(name_or_path).stem)
    return _merge(_read_merged(base_name, depth + 1), raw)


def _read(name_or_path: str) -> dict[str, Any]:
    text = _source_text(name_or_path)
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise PolicyError(f"policy {name_or_path!r} is not valid YAML{where}") from None
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise PolicyError(f"policy {name_or_path!r} must be a YAML mapping of keys to values")
    return raw


def _source_text(name_or_path: str) -> str:
    preset = resources.files("policies") / "presets" / f"{name_or_path}.yaml"
    if "/" not in name_or_path and preset.is_file():
        return preset.read_text(encoding="utf-8")
    path = Path(name_or_path)
    if not path.is_file():
        raise PolicyError(
            f"policy {name_or_path!r} not found: no such file and no such preset. "
            f"Give a file path or one of the presets: {', '.join(preset_names())}"
        )
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise PolicyError(
            f"policy file {name_or_path!r} could not be read ({type(error).__name__})"
        ) from error


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def describe_error(error: ValidationError) -> str:
    """Describe each problem as `key.path: problem`, never echoing free-text values."""
    return ". ".join(_describe(detail) for detail in error.errors())


def _describe(detail: ErrorDetails) -> str:
    # pydantic marks an invalid mapping key with a trailing "[key]" location part.
    path = ".".join(str(part) for part in detail["loc"] if part != "[key]")
    kind = detail["type"]
    if kind == "extra_forbidden":
        allowed = ", ".join(_allowed_keys(detail["loc"][:-1]))
        return f"{path}: unknown key. Allowed keys: {allowed}"
    if kind in ("literal_error", "enum"):
        expected = detail.get("ctx", {}).get("expected", "")
        return f"{path}: invalid value {_short(detail['input'])}. Allowed values: {expected}"
    if kind == "missing":
        return f"{path}: missing required key"
    message = detail["msg"].removeprefix("Value error, ")
    return f"{path}: {message}" if path else message


def _allowed_keys(location: tuple[int | str, ...]) -> list[str]:
    """Return the keys allowed at `location`, walking the policy model's field types."""
    annotation: Any = Policy
    for part in location:
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            annotation = annotation.model_fields[str(part)].annotation
        elif get_origin(annotation) in (dict, list):
            annotation = get_args(annotation)[-1]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return list(annotation.model_fields)
    return []


def _short(value: object) -> str:
    # Only keys and enum-like settings reach this point, never allow or deny list terms.
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
