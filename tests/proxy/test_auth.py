"""Client keys and tenants."""

import pytest

from detectors.errors import AuthenticationError, ConfigurationError
from proxy.auth import DEFAULT_TENANT, parse_client_keys

KEY_A = "a" * 20
KEY_B = "b" * 20


def test_open_when_no_keys():
    keys = parse_client_keys(None)

    assert keys.is_open
    assert keys.tenant_for(None) == DEFAULT_TENANT


def test_keys_map_to_tenants():
    keys = parse_client_keys(f"{KEY_A}:ward-1,{KEY_B}")

    assert keys.tenant_for(KEY_A) == "ward-1"
    assert keys.tenant_for(KEY_B) == DEFAULT_TENANT


@pytest.mark.parametrize("presented", [None, "", "c" * 20], ids=["missing", "empty", "unknown"])
def test_bad_key_is_rejected(presented):
    with pytest.raises(AuthenticationError):
        parse_client_keys(KEY_A).tenant_for(presented)


def test_keys_file_is_read(tmp_path):
    path = tmp_path / "keys"
    path.write_text(f"# comment\n{KEY_A}:lab\n")

    assert parse_client_keys(None, path).tenant_for(KEY_A) == "lab"


@pytest.mark.parametrize("spec", ["short:ward", f"{KEY_A}:bad tenant!"], ids=["short-key", "bad-tenant"])
def test_bad_key_spec_names_setting(spec):
    with pytest.raises(ConfigurationError, match="DEID_CLIENT_KEYS"):
        parse_client_keys(spec)


def test_repr_hides_secrets():
    keys = parse_client_keys(f"{KEY_A}:lab")

    assert KEY_A not in repr(keys)
    assert KEY_A not in repr(keys._keys)
