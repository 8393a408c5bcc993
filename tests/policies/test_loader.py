"""Loading, validating and fingerprinting policies, and the `policy check` command."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from detectors.errors import PolicyError
from detectors.findings import EntityType
from policies.loader import DEFAULT_POLICY, load_policy, policy_digest, preset_names
from policies.schema import DenyTerm
from proxy import cli
from proxy.commands import policy as policy_command


def write_policy(tmp_path: Path, body: str) -> str:
    path = tmp_path / "policy.yaml"
    path.write_text(body, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("name", ["hipaa-safe-harbor", "limited-data-set", "strict"])
def test_preset_loads(name: str) -> None:
    policy = load_policy(name)

    assert policy.name == name
    assert policy.uninspectable_parts == "reject"
    assert policy.detectors.presidio


def test_preset_names_list_every_preset() -> None:
    assert preset_names() == ["hipaa-safe-harbor", "limited-data-set", "strict"]


def test_default_policy_is_safe_harbor() -> None:
    assert DEFAULT_POLICY == "hipaa-safe-harbor"
    assert load_policy(DEFAULT_POLICY).name == "hipaa-safe-harbor"


def test_safe_harbor_operators() -> None:
    policy = load_policy("hipaa-safe-harbor")

    assert policy.rule_for(EntityType.PERSON).operator == "token"
    assert policy.rule_for(EntityType.STREET_ADDRESS).operator == "token"
    assert policy.rule_for(EntityType.ORGANIZATION).operator == "token"
    assert policy.rule_for(EntityType.EMAIL_ADDRESS).operator == "token"
    assert policy.rule_for(EntityType.DATE).operator == "date_shift"
    assert policy.rule_for(EntityType.AGE).operator == "generalize"
    assert policy.rule_for(EntityType.ZIP_CODE).operator == "generalize"


def test_limited_data_set_keeps_dates_and_places() -> None:
    policy = load_policy("limited-data-set")

    for kept in (EntityType.DATE, EntityType.LOCATION, EntityType.ZIP_CODE, EntityType.AGE):
        assert policy.rule_for(kept).operator == "keep", kept
    for removed in (EntityType.PERSON, EntityType.STREET_ADDRESS, EntityType.US_SSN):
        assert policy.rule_for(removed).operator == "token", removed


def test_strict_tokens_every_type() -> None:
    policy = load_policy("strict")

    assert {policy.rule_for(entity_type).operator for entity_type in EntityType} == {"token"}


def test_digest_is_stable_and_sensitive() -> None:
    first = load_policy("hipaa-safe-harbor")
    again = load_policy("hipaa-safe-harbor")
    other = load_policy("strict")

    assert policy_digest(first) == policy_digest(again)
    assert policy_digest(first) != policy_digest(other)
    assert len(policy_digest(first)) == 64


def test_extends_overrides_one_rule(tmp_path: Path) -> None:
    path = write_policy(
        tmp_path,
        "extends: hipaa-safe-harbor\nentities:\n  PERSON: {operator: surrogate, threshold: 0.7}\n",
    )

    policy = load_policy(path)

    assert policy.name == "policy"
    assert policy.rule_for(EntityType.PERSON).operator == "surrogate"
    assert policy.rule_for(EntityType.PERSON).params == {"locale": "en_US"}
    assert policy.rule_for(EntityType.DATE).operator == "date_shift"


def test_file_without_name_takes_file_stem(tmp_path: Path) -> None:
    path = tmp_path / "ward-7.yaml"
    path.write_text("uninspectable_parts: forward\n", encoding="utf-8")

    assert load_policy(str(path)).name == "ward-7"


def test_bare_yaml_off_means_off(tmp_path: Path) -> None:
    path = write_policy(tmp_path, "name: p\ndetectors:\n  medgemma: {mode: off}\n")

    assert load_policy(path).detectors.medgemma.mode == "off"


def test_params_defaults_are_filled_in() -> None:
    rule = load_policy("hipaa-safe-harbor").rule_for(EntityType.AGE)

    assert rule.params["max_age"] == 89
    assert rule.params["older_text"] == "90 or older"
    assert "036" in rule.params["restricted_zip_prefixes"]


INVALID_POLICIES = [
    pytest.param(
        "entities:\n  PERSN: {operator: token}\n",
        ["entities.PERSN", "invalid value 'PERSN'", "'PERSON'"],
        id="unknown-entity-type",
    ),
    pytest.param(
        "entities:\n  PERSON: {operator: tokenize}\n",
        [
            "entities.PERSON.operator",
            "'tokenize'",
            "date_shift, generalize, keep, redact, surrogate, token",
        ],
        id="unknown-operator",
    ),
    pytest.param(
        "entities:\n  PERSON: {operator: redact, params: {txt: x}}\n",
        ["entities.PERSON.params", "'txt'", "Allowed keys: text"],
        id="unknown-operator-param",
    ),
    pytest.param(
        "entities:\n  AGE: {operator: generalize, params: {max_age: old}}\n",
        ["entities.AGE.params", "max_age"],
        id="param-of-wrong-type",
    ),
    pytest.param(
        "entities:\n  ZIP_CODE: {operator: generalize, params: {restricted_zip_prefixes: ['36']}}\n",
        ["restricted_zip_prefixes", "three digits"],
        id="zip-prefix-not-three-digits",
    ),
    pytest.param(
        "entities:\n  PERSON: {operator: redact, params: {text: '[NAME_1]'}}\n",
        ["entities.PERSON.params", "placeholder token"],
        id="token-shaped-redaction",
    ),
    pytest.param(
        "entities:\n  PERSON: {operator: generalize}\n",
        ["entities.PERSON.operator", "generalize cannot handle PERSON", "AGE, DATE, ZIP_CODE"],
        id="operator-wrong-type",
    ),
    pytest.param(
        "default: {operator: date_shift}\n",
        ["default.operator", "date_shift cannot handle", "DATE"],
        id="default-operator-too-narrow",
    ),
    pytest.param(
        "entities:\n  PERSON: {threshold: 1.5}\n",
        ["entities.PERSON.threshold", "less than or equal to 1"],
        id="threshold-above-one",
    ),
    pytest.param(
        "uninspectable_parts: drop\n",
        ["uninspectable_parts", "'drop'", "'reject' or 'forward'"],
        id="uninspectable-parts",
    ),
    pytest.param(
        "detectors: {medgemma: {mode: always}}\n",
        ["detectors.medgemma.mode", "'always'", "'off', 'union', 'types' or 'second-look'"],
        id="medgemma-mode",
    ),
    pytest.param(
        "detectors: {medgemma: {mode: types}}\n",
        ["detectors.medgemma", "entity_types"],
        id="medgemma-types-without-types",
    ),
    pytest.param(
        "detectors: {presidio: false}\n",
        ["detectors", "no detector is on"],
        id="no-detector",
    ),
    pytest.param(
        "colour: blue\n",
        ["colour", "unknown key", "allow_list", "uninspectable_parts"],
        id="unknown-top-level-key",
    ),
    pytest.param(
        "session: {ttl: 5}\n",
        ["session.ttl", "unknown key", "ttl_seconds, date_shift_min_days, date_shift_max_days"],
        id="unknown-session-key",
    ),
    pytest.param(
        "session: {date_shift_min_days: 90, date_shift_max_days: 10}\n",
        ["session", "date_shift_min_days must not be greater than date_shift_max_days"],
        id="date-shift-range-reversed",
    ),
    pytest.param(
        "session: {date_shift_min_days: 0}\n",
        ["session.date_shift_min_days", "greater than or equal to 1"],
        id="zero-date-shift",
    ),
    pytest.param(
        "deny_list: [{text: Ward Seven}]\n",
        ["deny_list.0.entity_type", "missing required key"],
        id="deny-term-without-type",
    ),
    pytest.param("extends: 7\n", ["extends", "preset name or a path"], id="extends-not-a-name"),
    pytest.param("- just\n- a list\n", ["YAML mapping"], id="not-a-mapping"),
    pytest.param("entities: [1, 2\n", ["not valid YAML", "line"], id="broken-yaml"),
]


@pytest.mark.parametrize(("body", "expected_parts"), INVALID_POLICIES)
def test_invalid_policy_message(tmp_path: Path, body: str, expected_parts: list[str]) -> None:
    path = write_policy(tmp_path, "name: p\n" + body if not body.startswith("-") else body)

    with pytest.raises(PolicyError) as raised:
        load_policy(path)

    message = str(raised.value)
    for part in expected_parts:
        assert part in message
    assert "pydantic" not in message
    assert "input_value" not in message


def test_invalid_deny_term_not_echoed(tmp_path: Path) -> None:
    path = write_policy(
        tmp_path, "name: p\ndeny_list: [{text: Harriet Quimby, entity_type: NAME}]\n"
    )

    with pytest.raises(PolicyError) as raised:
        load_policy(path)

    assert "deny_list.0.entity_type" in str(raised.value)
    assert "Harriet" not in str(raised.value)


def test_missing_policy_names_presets() -> None:
    with pytest.raises(PolicyError) as raised:
        load_policy("no-such-policy")

    assert "not found" in str(raised.value)
    assert "hipaa-safe-harbor" in str(raised.value)


def test_extends_cycle_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "loop.yaml"
    path.write_text(f"extends: {path}\n", encoding="utf-8")

    with pytest.raises(PolicyError, match="nested more than"):
        load_policy(str(path))


def run_policy_command(*argv: str) -> int:
    parser = argparse.ArgumentParser()
    policy_command.register(parser.add_subparsers())
    arguments = parser.parse_args(["policy", *argv])
    status: int = arguments.handler(arguments)
    return status


def test_check_prints_effective_policy(capsys: pytest.CaptureFixture[str]) -> None:
    status = run_policy_command("check", "limited-data-set")

    output = capsys.readouterr().out
    assert status == 0
    assert output.startswith("# sha256: ")
    assert "name: limited-data-set" in output
    assert "date_shift_max_days: 364" in output
    assert "operator: keep" in output


def test_check_output_loads_as_same_policy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run_policy_command("check", "hipaa-safe-harbor")
    printed = write_policy(tmp_path, capsys.readouterr().out)

    assert policy_digest(load_policy(printed)) == policy_digest(load_policy("hipaa-safe-harbor"))


def test_check_invalid_exits_two(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_policy(tmp_path, "name: p\nentities:\n  DATE: {operator: shift}\n")

    status = run_policy_command("check", path)

    captured = capsys.readouterr()
    assert status == 2
    assert captured.out == ""
    assert "entities.DATE.operator" in captured.err
    assert "Allowed values" in captured.err


def test_list_prints_presets(capsys: pytest.CaptureFixture[str]) -> None:
    status = run_policy_command("list")

    assert status == 0
    assert capsys.readouterr().out.split() == ["hipaa-safe-harbor", "limited-data-set", "strict"]


def test_cli_entry_point_runs_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_policy(
        tmp_path, "name: p\nsession: {date_shift_min_days: 500, date_shift_max_days: 400}\n"
    )

    assert cli.main(["policy", "check", "strict"]) == 0
    assert cli.main(["policy", "check", path]) == 2
    assert "date_shift_min_days must not be greater" in capsys.readouterr().err


def test_deny_term_repr_hides_text() -> None:
    policy = load_policy("hipaa-safe-harbor").model_copy(
        update={"deny_list": [DenyTerm(text="Harriet Quimby", entity_type=EntityType.PERSON)]}
    )

    assert "Harriet" not in repr(policy)
