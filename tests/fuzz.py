"""A bounded, deterministic schemathesis run over an OpenAPI document, in process.

schemathesis's pytest integration (`from_fixture`) does not run under pytest 9, and its
fixture-less form loads the document at import, before the test database exists. So each
test loads the document itself and drives every operation's hypothesis strategy here,
collecting failures per operation and printing one summary line.
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings

EXAMPLES = 12  # per operation: the whole run stays within a couple of minutes on 2 cores
CHECKS = [schemathesis.checks.not_a_server_error, schemathesis.checks.status_code_conformance,
          schemathesis.checks.content_type_conformance,
          schemathesis.checks.response_schema_conformance]


def fuzz(schema, headers: dict, examples: int = EXAMPLES) -> None:
    """Every operation of `schema`, `examples` cases each, with `headers`; fails listing
    each operation's first failure."""
    failures, operations, cases = [], 0, [0]
    run_settings = settings(max_examples=examples, derandomize=True, deadline=None,
                            database=None, phases=[Phase.explicit, Phase.generate],
                            suppress_health_check=list(HealthCheck))
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @run_settings
        @given(case=operation.as_strategy())
        def run(case) -> None:
            cases[0] += 1
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            run()
        except Exception as error:  # noqa: BLE001  (report every operation, not the first)
            failures.append(f"{operation.label}: {error}")
    print(f"schemathesis: {operations} operations, {cases[0]} cases, "
          f"{len(failures)} failing operations")
    assert not failures, "\n\n".join(failures)
