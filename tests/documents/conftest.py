"""Fixtures of the documents tests: one sample DocumentData for the session."""

import pytest
from document_samples import sample_document_data

from mortgage_cloud.documents.data import DocumentData


@pytest.fixture(scope="session")
def document_data() -> DocumentData:
    return sample_document_data()
