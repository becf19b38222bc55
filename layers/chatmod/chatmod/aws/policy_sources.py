"""Live policy sources: an SSM parameter, or AWS AppConfig through its Lambda extension.

Both are bounded so a silent endpoint costs a background check a few seconds, never a live
message: SSM gets 1 s to connect and 1 s to read, two attempts; the extension (a local HTTP
server on port 2772 that polls AppConfig by itself) gets 1 s.
"""

from __future__ import annotations

import os
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

from chatmod.policy_source import (
    BundledPolicySource,
    FilePolicySource,
    PolicySource,
    read_capped,
)
from chatmod.settings import Settings

SSM_TIMEOUT_S = 1.0
SSM_ATTEMPTS = 2
APPCONFIG_TIMEOUT_S = 1.0
APPCONFIG_PORT = 2772


def ssm_client(endpoint_url: str | None = None) -> Any:
    """An SSM client that gives up fast (boto3 is imported here, not on the AppConfig path)."""
    from chatmod.aws.clients import make_client

    return make_client(
        "ssm",
        attempts=SSM_ATTEMPTS,
        connect_timeout_s=SSM_TIMEOUT_S,
        read_timeout_s=SSM_TIMEOUT_S,
        endpoint_url=endpoint_url,
    )


@dataclass
class SsmPolicySource:
    """A String or SecureString parameter, by flat (``policy``) or path name (``/a/b``).

    Powertools' SSM provider caches it for ``max_age_s``; the first fetch and each one after
    the cache expires is a single GetParameter (decrypted: SecureString works).
    """

    parameter: str
    client: Any = None
    max_age_s: int = 60
    _provider: Any = field(default=None, init=False, repr=False)

    @property
    def name(self) -> str:
        return f"SSM parameter {self.parameter}"

    def fetch(self) -> str:
        if self._provider is None:
            from aws_lambda_powertools.utilities.parameters import SSMProvider

            self._provider = SSMProvider(boto3_client=self.client or ssm_client())
        value = self._provider.get(
            self.parameter, max_age=self.max_age_s, decrypt=True, force_fetch=self.max_age_s == 0
        )
        return str(value)


@dataclass(frozen=True)
class AppConfigExtensionSource:
    """A configuration profile served by the AppConfig Lambda extension on localhost."""

    application: str
    environment: str
    profile: str
    base_url: str = f"http://localhost:{APPCONFIG_PORT}"
    timeout_s: float = APPCONFIG_TIMEOUT_S

    @property
    def name(self) -> str:
        return f"AppConfig {self.application}/{self.environment}/{self.profile}"

    @property
    def url(self) -> str:
        app, env, profile = (
            urllib.parse.quote(p, safe="")
            for p in (self.application, self.environment, self.profile)
        )
        return f"{self.base_url}/applications/{app}/environments/{env}/configurations/{profile}"

    def fetch(self) -> str:
        import urllib.request  # AppConfig only: kept off every other instance's cold start

        with urllib.request.urlopen(self.url, timeout=self.timeout_s) as response:
            return read_capped(response)

    @classmethod
    def parse(cls, spec: str) -> AppConfigExtensionSource:
        """``application/environment/profile`` (names or ids)."""
        parts = spec.strip().split("/")
        if len(parts) != 3 or not all(parts):
            raise ValueError(f"AppConfig source {spec!r}: expected application/environment/profile")
        port = os.environ.get("AWS_APPCONFIG_EXTENSION_HTTP_PORT", str(APPCONFIG_PORT))
        application, environment, profile = parts
        return cls(application, environment, profile, base_url=f"http://localhost:{port}")


def policy_source(settings: Settings, *, ssm: Any = None) -> PolicySource:
    """AppConfig, else the SSM parameter, else the policy file, else the bundled policy."""
    if settings.policy_appconfig:
        return AppConfigExtensionSource.parse(settings.policy_appconfig)
    if settings.policy_parameter:
        # cached a little less than the check interval, so each check sees SSM's value
        max_age = max(settings.policy_check_s - 1, 0)
        return SsmPolicySource(settings.policy_parameter, ssm, max_age_s=max_age)
    if settings.policy_file:
        return FilePolicySource(settings.policy_file)
    return BundledPolicySource()
