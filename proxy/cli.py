"""The `deid-proxy` command line: one sub-command per module in `proxy.commands`.

Each command module exposes `register(subparsers)`, which adds its parser and sets
`handler` (a function taking the parsed arguments and returning the exit status).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from detectors.errors import ConfigurationError

COMMAND_MODULES = (
    "proxy.commands.serve",
    "proxy.commands.redact",
    "proxy.commands.evaluate",
    "proxy.commands.policy",
    "proxy.commands.vault",
)


def build_parser() -> argparse.ArgumentParser:
    """Build the top-level parser with every available sub-command."""
    parser = argparse.ArgumentParser(
        prog="deid-proxy",
        description="De-identifying gateway in front of Google Gemini for clinical text.",
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module_name in COMMAND_MODULES:
        module = importlib.import_module(module_name)
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one sub-command and return its exit status."""
    parser = build_parser()
    arguments = parser.parse_args(argv)
    try:
        status: int = arguments.handler(arguments)
    except ConfigurationError as error:
        print(f"deid-proxy: configuration error: {error}", file=sys.stderr)
        return 2
    return status


if __name__ == "__main__":
    sys.exit(main())
