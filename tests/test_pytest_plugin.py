"""The pytest plugin, used as a user would: from a fresh project that only installs the package."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOCS = Path(__file__).parent.parent / "docs" / "testing.md"
PYTHON_BLOCK = re.compile(r"```python\n(.*?)```", re.DOTALL)
# pytest-asyncio is installed here, and a user's project would configure it like this.
USER_INI = "[pytest]\nasyncio_mode = strict\nasyncio_default_fixture_loop_scope = function\n"


def test_fixture_in_user_project(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_user="""
        from smartalex_sync import SmartAlex

        def test_campaign_is_stored(smartalex_emulator):
            with SmartAlex(api_key=smartalex_emulator.api_key,
                           base_url=smartalex_emulator.base_url) as client:
                campaign = client.campaigns.create(name="From a user project")
            assert campaign.id in smartalex_emulator.state.campaigns

        def test_each_test_gets_a_fresh_emulator(smartalex_emulator):
            assert smartalex_emulator.state.campaigns == {}
        """
    )
    pytester.makeini(USER_INI)

    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-W", "error")

    result.assert_outcomes(passed=2)


def test_docs_examples_run(pytester: pytest.Pytester) -> None:
    blocks = PYTHON_BLOCK.findall(DOCS.read_text())
    for number, block in enumerate(blocks):
        pytester.makepyfile(**{f"test_docs_example_{number}": block})
    pytester.makeini(USER_INI)

    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-W", "error")

    assert len(blocks) == 3
    result.assert_outcomes(passed=3)
