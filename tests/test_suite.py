"""The test suite's own machinery: the groups that keep a shared fixture on one worker."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def shared_here() -> str:
    return "made once"


def test_a_shared_fixture_keeps_its_tests_on_one_worker(request: pytest.FixtureRequest, shared_here: str) -> None:
    """Under ``make test`` (pytest-xdist, --dist loadgroup) this test belongs to its file's group; on a
    pytest where xdist's groups silently stop working (9.2) it does not, and the suite's shared runs
    would be made once per worker."""
    if not getattr(request.config.option, "loadgroup", False):
        pytest.skip("not under pytest-xdist's --dist loadgroup")
    assert request.node.nodeid.endswith("@test_suite"), request.node.nodeid
