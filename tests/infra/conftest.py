"""One deploy.sh story against the fake `az`, shared by the behaviour test and the real-CLI
check (each run costs a few dozen process starts, which a loaded machine makes slow)."""

from __future__ import annotations

import pytest

from tests.infra.deploy_harness import Story, tell_story


@pytest.fixture(scope="session")
def story(tmp_path_factory: pytest.TempPathFactory) -> Story:
    return tell_story(tmp_path_factory.mktemp("deploy-story"))
