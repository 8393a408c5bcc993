"""`deid-proxy policy`: validate a policy and print the form the proxy would use."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from detectors.errors import PolicyError
from policies.loader import load_policy, policy_digest, policy_yaml, preset_names


def register(subparsers: Any) -> None:
    """Add the `policy` command and its `check` and `list` sub-commands."""
    parser = subparsers.add_parser("policy", help="validate and inspect de-identification policies")
    actions = parser.add_subparsers(dest="policy_command", required=True, metavar="ACTION")

    check = actions.add_parser(
        "check",
        help="validate a policy file or preset and print its effective form as YAML",
        description="Validate a policy and print it with every default filled in. "
        "Exit status 0: valid; 2: invalid, with the key and the allowed values on stderr.",
    )
    check.add_argument(
        "policy", metavar="FILE", help="path of a policy YAML file, or a preset name"
    )
    check.set_defaults(handler=check_policy)

    listing = actions.add_parser("list", help="list the built-in presets")
    listing.set_defaults(handler=list_presets)


def check_policy(arguments: argparse.Namespace) -> int:
    """Print the effective policy and its SHA-256 digest; return 2 when it is invalid."""
    try:
        policy = load_policy(arguments.policy)
    except PolicyError as error:
        print(f"deid-proxy policy check: {error}", file=sys.stderr)
        return 2
    print(f"# sha256: {policy_digest(policy)}")
    print(policy_yaml(policy), end="")
    return 0


def list_presets(arguments: argparse.Namespace) -> int:
    """Print one preset name per line."""
    for name in preset_names():
        print(name)
    return 0
