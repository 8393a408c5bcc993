"""`deid-proxy redact`: de-identify files, standard input or JSON lines, without Gemini."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from tqdm import tqdm

from detectors.errors import ClientRequestError, ConfigurationError, DeidError
from proxy.commands.options import add_detection_options, configure_logging, settings_from
from proxy.components import build_pipeline
from proxy.pipeline import Pipeline
from proxy.serialize import redacted_as_json

# Short texts are faster in batches (one spaCy call), long ones alone: a batch is cut at 32
# texts or 8,000 characters, whichever comes first (see docs/benchmarks.md).
BATCH_SIZE = 32
BATCH_CHARACTERS = 8_000


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "redact",
        help="de-identify files or standard input and print the result",
        description=(
            "De-identify text with the chosen policy and print it. Nothing is sent anywhere. "
            "Nothing is printed unless every input was de-identified."
        ),
    )
    parser.add_argument(
        "files", nargs="*", type=Path, metavar="FILE", help="text files (default: standard input)"
    )
    parser.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help='text: the de-identified text; json: {"text", "findings"}',
    )
    parser.add_argument(
        "--jsonl",
        type=Path,
        metavar="FILE",
        help="JSON lines with a \"text\" field; '-' reads standard input",
    )
    add_detection_options(parser)
    parser.set_defaults(handler=run, log_level="WARNING")


def run(arguments: argparse.Namespace) -> int:
    settings = settings_from(arguments)
    configure_logging(settings.log_level)
    if arguments.jsonl is not None and arguments.files:
        raise ConfigurationError("give either FILE arguments or --jsonl, not both")
    pipeline = build_pipeline(settings)
    try:
        if arguments.jsonl is not None:
            output = list(_redact_jsonl(pipeline, arguments.jsonl))
        else:
            output = _redact_documents(pipeline, arguments.files, arguments.format)
    except (DeidError, OSError) as error:
        # Fail closed: print no text at all, and name only the kind of failure.
        print(f"deid-proxy redact: {_describe(error)}; no output was written", file=sys.stderr)
        return 1
    sys.stdout.write("".join(output))
    return 0


def _redact_documents(pipeline: Pipeline, files: Sequence[Path], output_format: str) -> list[str]:
    texts = [path.read_text(encoding="utf-8") for path in files] if files else [sys.stdin.read()]
    output = []
    for redacted in pipeline.redact_batch(texts):
        if output_format == "json":
            output.append(json.dumps(redacted_as_json(redacted), ensure_ascii=False) + "\n")
        else:
            output.append(redacted.text if redacted.text.endswith("\n") else redacted.text + "\n")
    return output


def _redact_jsonl(pipeline: Pipeline, source: Path) -> Iterator[str]:
    text = sys.stdin.read() if str(source) == "-" else source.read_text(encoding="utf-8")
    records = [_parse_line(line, number) for number, line in enumerate(text.splitlines(), 1)]
    progress = tqdm(
        total=len(records), unit="doc", disable=not sys.stderr.isatty(), file=sys.stderr
    )
    for batch in _batches(records):
        texts = [record["text"] for record in batch if record is not None]
        redacted = iter(pipeline.redact_batch(texts))
        for record in batch:
            if record is None:
                yield "\n"
                continue
            result = next(redacted)
            yield json.dumps({**record, **redacted_as_json(result)}, ensure_ascii=False) + "\n"
        progress.update(len(batch))
    progress.close()


def _batches(records: list[dict[str, Any] | None]) -> Iterator[list[dict[str, Any] | None]]:
    """Yield consecutive runs of records within `BATCH_SIZE` texts and `BATCH_CHARACTERS`."""
    batch: list[dict[str, Any] | None] = []
    characters = 0
    for record in records:
        length = len(record["text"]) if record is not None else 0
        if batch and (len(batch) >= BATCH_SIZE or characters + length > BATCH_CHARACTERS):
            yield batch
            batch, characters = [], 0
        batch.append(record)
        characters += length
    if batch:
        yield batch


def _parse_line(line: str, number: int) -> dict[str, Any] | None:
    if not line.strip():
        return None
    try:
        record = json.loads(line)
    except json.JSONDecodeError:
        raise ClientRequestError(f"line {number} is not valid JSON") from None
    if not isinstance(record, dict) or not isinstance(record.get("text"), str):
        raise ClientRequestError(f'line {number} has no string field "text"')
    return record


def _describe(error: BaseException) -> str:
    if isinstance(error, ClientRequestError):
        return f"invalid input: {error}"
    if isinstance(error, OSError):
        return (
            f"could not read {error.filename or 'input'} ({error.strerror or type(error).__name__})"
        )
    return f"de-identification failed ({type(error).__name__}: {error})"
