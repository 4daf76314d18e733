"""The build's tests use small banks: let them patch packages as a large bank's build does."""

import pytest

from interview_srs.anki.build import shared


@pytest.fixture(autouse=True)
def patch_small_banks(monkeypatch):
    monkeypatch.setattr(shared, "PATCH_FROM_NOTES", 0)
