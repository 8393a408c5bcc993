"""`deid-proxy eval`: de-identify a labelled corpus and print the detection metrics."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tqdm import tqdm

from detectors.findings import Finding
from proxy.commands.options import add_detection_options, configure_logging, settings_from
from proxy.components import build_pipeline
from proxy.evaluation import EvaluationReport, TypeRecall, evaluate, load_documents


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "eval",
        help="measure de-identification on a labelled corpus",
        description=(
            "De-identify every document of a labelled corpus (JSON lines with 'spans' or "
            "'phi', or presidio-research's JSON array) and print leak recall, recall per "
            "type, span precision and recall, over-redaction and documents per second."
        ),
    )
    parser.add_argument("file", type=Path, metavar="FILE", help="the labelled corpus")
    parser.add_argument(
        "--format", choices=("text", "json"), default="text", help="text table or one JSON object"
    )
    add_detection_options(parser)
    parser.set_defaults(handler=run, log_level="WARNING")


def run(arguments: argparse.Namespace) -> int:
    settings = settings_from(arguments)
    configure_logging(settings.log_level)
    documents = load_documents(arguments.file)
    pipeline = build_pipeline(settings)

    def redact_batch(texts: Sequence[str]) -> list[tuple[str, Sequence[Finding]]]:
        return [(redacted.text, redacted.findings) for redacted in pipeline.redact_batch(texts)]

    with tqdm(total=len(documents), disable=not sys.stderr.isatty(), unit="doc") as bar:
        report = evaluate(documents, redact_batch, progress=bar.update)

    if arguments.format == "json":
        print(json.dumps(report.as_json(), indent=2))
    else:
        print(format_report(report))
    return 0


def format_report(report: EvaluationReport) -> str:
    """Render the metrics as an aligned plain-text table."""
    lines = [
        f"documents            {report.documents}",
        (
            f"leak recall          {report.leak_recall:.2%} "
            f"({report.values_removed} of {report.gold_values} values removed)"
        ),
        f"span recall          {report.span_recall:.2%}",
        f"span precision       {report.span_precision:.2%}",
        (
            f"over-redaction       {report.over_redaction:.2%} "
            f"({report.phi_free_changed} of {report.phi_free_documents} PHI-free documents changed)"
        ),
        f"documents per second {report.documents_per_second:.1f}",
        "",
        "recall per type",
    ]
    lines.extend(_type_lines(report.per_type))
    if report.safe_harbor_per_type:
        lines.extend(["", "Safe Harbor recall per type (identifier values only)"])
        lines.extend(_type_lines(report.safe_harbor_per_type))
    return "\n".join(lines)


def _type_lines(recalls: tuple[TypeRecall, ...]) -> list[str]:
    width = max((len(item.label) for item in recalls), default=0)
    return [
        f"  {item.label:<{width}}  {item.recall:7.2%}  ({item.removed}/{item.total})"
        for item in recalls
    ]
