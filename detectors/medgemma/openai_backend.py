"""MedGemma behind a local OpenAI-compatible server (vLLM, Ollama, llama.cpp server, TGI).

The chats sent there contain PHI, so by default the server must be on loopback or a private
network; see `validate_server_url`.
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Sequence

import httpx
from pydantic import SecretStr

from detectors.errors import ConfigurationError, DetectionError
from detectors.medgemma.backend import Completion
from detectors.medgemma.prompt import ChatMessage

logger = logging.getLogger(__name__)

ALLOW_REMOTE_SETTING = "DEID_MEDGEMMA_ALLOW_REMOTE"

# Private networks: RFC 1918 for IPv4 and unique local addresses (RFC 4193) for IPv6. Link-local
# ranges are left out because cloud metadata services live there.
_PRIVATE_NETWORKS = tuple(
    ipaddress.ip_network(network)
    for network in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7")
)


def validate_server_url(url: str, *, allow_remote: bool) -> httpx.URL:
    """Check a server base URL and return it parsed, without a trailing slash.

    The URL must be http or https and its path must end in `/v1`. Unless `allow_remote` is
    set, its host must be `localhost` or an IP address on loopback or a private network.
    Host names are not resolved, so a named host (a container name, say) needs `allow_remote`
    or its IP address.

    Raises ConfigurationError naming what to change.
    """
    try:
        parsed = httpx.URL(url.rstrip("/"))
    except httpx.InvalidURL as error:
        raise ConfigurationError("invalid MedGemma server URL: it does not parse") from error
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise ConfigurationError("invalid MedGemma server URL: use http:// or https:// and a host")
    if not parsed.path.endswith("/v1"):
        raise ConfigurationError(
            "invalid MedGemma server URL: the path must end in /v1, e.g. http://127.0.0.1:8000/v1"
        )
    if not allow_remote and not is_local_host(parsed.host):
        raise ConfigurationError(
            f"MedGemma server host {parsed.host} is not on loopback or a private network; "
            f"PHI would leave this network. Use a local server, or set {ALLOW_REMOTE_SETTING}=true "
            "if that host is inside your trust boundary"
        )
    return parsed


def is_local_host(host: str) -> bool:
    """Tell whether `host` is `localhost` or a loopback or private-network IP address."""
    if host.lower() == "localhost":
        return True
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    if address.is_loopback:
        return True
    return any(address in network for network in _PRIVATE_NETWORKS)


class OpenAICompatibleBackend:
    """Sends each chat to `{base_url}/chat/completions` with temperature 0.

    Chats are sent one after another over one pooled connection. Every request has the
    configured timeout. Failures become `DetectionError` with the host, never the chat text.
    """

    def __init__(
        self,
        base_url: str,
        *,
        model_name: str,
        timeout_seconds: float,
        max_new_tokens: int,
        allow_remote: bool = False,
        api_key: SecretStr | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._url = validate_server_url(base_url, allow_remote=allow_remote)
        self._model_name = model_name
        self._max_new_tokens = max_new_tokens
        headers = {"Authorization": f"Bearer {api_key.get_secret_value()}"} if api_key else {}
        self._client = httpx.Client(
            timeout=httpx.Timeout(timeout_seconds),
            headers=headers,
            transport=transport,
            follow_redirects=False,
        )
        self._timeout_seconds = timeout_seconds

    def __repr__(self) -> str:
        return f"OpenAICompatibleBackend(host={self._url.host}, model_name={self._model_name!r})"

    def complete(self, chats: Sequence[Sequence[ChatMessage]]) -> list[Completion]:
        """Return the server's output to each chat; raise DetectionError on any failure."""
        return [self._complete_one(chat) for chat in chats]

    def close(self) -> None:
        """Close the connection pool."""
        self._client.close()

    def _complete_one(self, chat: Sequence[ChatMessage]) -> Completion:
        payload = {
            "model": self._model_name,
            "messages": [{"role": message.role, "content": message.content} for message in chat],
            "temperature": 0,
            "max_tokens": self._max_new_tokens,
        }
        endpoint = f"{self._url}/chat/completions"
        host = f"{self._url.host}:{self._url.port or ''}".rstrip(":")
        try:
            response = self._client.post(endpoint, json=payload)
        except httpx.TimeoutException as error:
            raise DetectionError(
                f"MedGemma server {host} timed out after {self._timeout_seconds} s"
            ) from error
        except httpx.HTTPError as error:
            raise DetectionError(
                f"MedGemma server {host} could not be reached ({type(error).__name__})"
            ) from error
        if response.status_code != 200:
            raise DetectionError(f"MedGemma server {host} returned HTTP {response.status_code}")
        return _read_completion(response, host)


def _read_completion(response: httpx.Response, host: str) -> Completion:
    """Take the first choice's message content out of a chat completions response."""
    try:
        choice = response.json()["choices"][0]
        content = choice["message"]["content"]
        finish_reason = choice.get("finish_reason")
    except (ValueError, KeyError, IndexError, TypeError, AttributeError) as error:
        raise DetectionError(
            f"MedGemma server {host} returned a body that is not a chat completion"
        ) from error
    if content is None:
        content = ""
    if not isinstance(content, str):
        raise DetectionError(f"MedGemma server {host} returned non-text message content")
    return Completion(text=content, truncated=finish_reason == "length")
