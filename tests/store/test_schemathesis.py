"""The store fuzzed through its own OpenAPI by schemathesis, as a separate process over loopback.

Once with the service token and once with a staff token: no 500, every status code, content type
and body as the schema declares it. Bounded (few examples per operation, a fixed seed) so both
runs take about three minutes on two cores; the counts are printed for the record.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import store_process

SERVICE_TOKEN = "fuzz-service-token-not-secret"
STAFF_TOKEN = "fuzz-staff-token-not-secret"
CHECKS = (
    "not_a_server_error,status_code_conformance,content_type_conformance,"
    "response_schema_conformance"
)
MAX_EXAMPLES = 12
SEED = 20260210
SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`python -m store` on a free port with SQLite under its own VAR_DIR and the real directives."""
    var_dir: Path = tmp_path_factory.mktemp("fuzzed-store")
    tokens = {"STORE_API_TOKEN": SERVICE_TOKEN, "STORE_STAFF_TOKENS": STAFF_TOKEN}
    with store_process(
        var_dir, timeout=90, ADMIN_TELEGRAM_IDS="9001", DEPARTMENT_WEBHOOK_URL="", **tokens
    ) as url:
        yield url


def schemathesis(url: str, token: str, report: Path) -> subprocess.CompletedProcess[str]:
    """The CLI as a developer would run it; its cache and report stay in the test's tmp dir."""
    command = [str(SCHEMATHESIS), "run", f"{url}/openapi.json",
               "-H", f"Authorization: Bearer {token}", "--checks", CHECKS,
               "--max-examples", str(MAX_EXAMPLES), "--seed", str(SEED), "--workers", "1",
               "--no-color", "--generation-database", "none",
               "--report", "json", "--report-json-path", str(report)]  # fmt: skip
    env = os.environ | {"NO_PROXY": "127.0.0.1", "no_proxy": "127.0.0.1"}
    return subprocess.run(
        command, cwd=report.parent, env=env, capture_output=True, text=True, timeout=400
    )


@pytest.mark.parametrize("token", [SERVICE_TOKEN, STAFF_TOKEN], ids=["service", "staff"])
def test_fuzzing_the_openapi_finds_no_server_error_and_no_schema_violation(
    store: str, token: str, tmp_path: Path
) -> None:
    report = tmp_path / "report.json"
    run = schemathesis(store, token, report)
    assert report.exists(), run.stdout[-3000:] + run.stderr[-3000:]
    summary = json.loads(report.read_text(encoding="utf-8"))
    failures = {f"{f['code']} {f['title']}": f["count"] for f in summary["failures"]}
    cases = summary["test_cases"]
    print(f"schemathesis: {cases['generated']} cases, failures {failures or 'none'}")
    assert summary["operations"]["tested"] >= 50, summary["operations"]
    assert failures == {} and run.returncode == 0, run.stdout[-6000:]
