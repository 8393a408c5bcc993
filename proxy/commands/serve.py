"""`deid-proxy serve`: run the HTTP proxy."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import uvicorn

from proxy.app import create_app
from proxy.commands.options import add_detection_options, configure_logging, settings_from
from proxy.components import build_components


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "serve",
        help="run the de-identifying Gemini proxy",
        description="Run the de-identifying Gemini proxy. Every flag is also a DEID_* variable.",
    )
    parser.add_argument("--host", help="address to listen on (DEID_HOST; default 127.0.0.1)")
    parser.add_argument("--port", type=int, help="TCP port (DEID_PORT; default 8080)")
    parser.add_argument(
        "--upstream-url",
        help="Gemini API base URL (DEID_UPSTREAM_URL; default https://generativelanguage.googleapis.com)",
    )
    parser.add_argument(
        "--vault",
        type=Path,
        help="vault SQLite file (DEID_VAULT; default in the user's data directory)",
    )
    add_detection_options(parser)
    parser.set_defaults(handler=run)


def run(arguments: argparse.Namespace) -> int:
    settings = settings_from(
        arguments,
        host=arguments.host,
        port=arguments.port,
        upstream_url=arguments.upstream_url,
        vault=arguments.vault,
    )
    configure_logging(settings.log_level)
    # Built before the server starts, so a bad setting stops start-up with a plain message.
    app = create_app(settings, build_components(settings))
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_config=None,
        access_log=False,
        server_header=False,
    )
    return 0
