"""Schemathesis generates requests from the app's OpenAPI schema, valid and not: no answer may be a 500.

Every operation in the schema is covered, so routes other modules add are fuzzed too. Writes are fuzzed with
the token against a throwaway copy of the corpus. Bounded: a few examples per operation.
(Schemathesis' pytest plugin does not run on pytest 9, so we drive its Hypothesis strategies directly.)
"""
from __future__ import annotations

import random
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, given, settings

from index.store.library import Library
from index.write.pipeline import ingest_paths
from search_api.app import create_app
from search_api.settings import Settings

CORPUS = Path(__file__).resolve().parent.parent / "corpus"

TOKEN = "fuzz-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
EXAMPLES_PER_OPERATION = 20


def test_no_server_errors_on_generated_requests(tmp_path):
    library = Library(tmp_path / "home")
    ingest_paths([CORPUS], library)
    app = create_app(Settings(home=library.home, write_token=TOKEN, parse_timeout=10))
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.path for op in operations} >= {"/api/search", "/api/documents", "/api/documents/{doc_id}", "/healthz"}

    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, suppress_health_check=list(HealthCheck),
                  database=None)
        def no_500(case):
            random.seed()  # Hypothesis fixes the global seed per example; Whoosh names segments with it
            response = case.call(headers=AUTH)
            assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.text}"

        no_500()
