# The MLClient preamble the console's "Use from Python" page hands out, for tests: the official azure-ai-ml SDK,
# unchanged, pointed at Harbormaster's /arm/ API with a Harbormaster API token as the bearer token. Environment:
# HM_ARM (https://host:port/arm/), HM_TOKEN, HM_WORKSPACE; REQUESTS_CA_BUNDLE trusts the console's CA.
# Usage: python mlclient.py <script.py> — the script runs with `ml` (an MLClient) in scope and prints its result
# as JSON with `emit(value)`.
import json
import sys

# BEGIN mlClientPreamble(TEST_PREAMBLE_EXPRS), lib/aml/python-snippet.ts: the page's snippet with environment values (python-snippet.test.ts keeps them equal)
import os
import time

from azure.ai.ml import MLClient
from azure.core.credentials import AccessToken, AccessTokenInfo


class HarbormasterToken:
    """A Harbormaster API token as an azure-core credential (any scope)."""

    def __init__(self, token):
        self._token = token

    def get_token(self, *scopes, **kwargs):
        return AccessToken(self._token, int(time.time()) + 3600)

    def get_token_info(self, *scopes, options=None):
        return AccessTokenInfo(self._token, int(time.time()) + 3600)


arm = os.environ["HM_ARM"]
ml = MLClient(
    HarbormasterToken(os.environ["HM_TOKEN"]),
    subscription_id=os.environ.get("HM_SUBSCRIPTION", "00000000-0000-0000-0000-000000000000"),
    resource_group_name=os.environ.get("HM_RESOURCE_GROUP", "harbormaster"),
    workspace_name=os.environ["HM_WORKSPACE"],
    cloud="Harbormaster",
    cloud_metadata={
        "azure_portal": arm,
        "resource_manager": arm,
        "active_directory": arm,
        "aml_resource_id": arm,
        "storage_endpoint": "harbormaster.invalid",
        "registry_discovery_endpoint": arm,
    },
)
# END mlClientPreamble


def emit(value):
    print("\n@@RESULT@@" + json.dumps(value, default=str))


def main():
    script = open(sys.argv[1]).read()
    try:
        exec(compile(script, sys.argv[1], "exec"), {"ml": ml, "emit": emit, "__name__": "__sdk__"})
    except Exception as e:  # the test reads the SDK's error as the user would see it
        emit({"exception": type(e).__name__, "message": str(e)})


main()
