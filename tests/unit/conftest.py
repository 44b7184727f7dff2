"""The unit layer's fixtures: small archives written by the test (smallarchive.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # smallarchive, for the tests in every subfolder

from smallarchive import Small  # noqa: E402


@pytest.fixture
def small(tmp_path: Path) -> Small:
    return Small(tmp_path)
