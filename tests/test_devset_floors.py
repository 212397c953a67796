"""Extraction quality floors on the labelled development set (tests/devset): a change may not lower them
silently. The floors are the figures reached when issue 13 closed (`redprop eval --extraction`), dev and test
halves alike; raise them when the extractor improves."""
from __future__ import annotations

from pathlib import Path

import pytest

from ingest.evaluation import evaluate

DEVSET = Path(__file__).parent / "devset"
# measure → (precision floor, recall floor) per half, two decimals below the figure reached
FLOORS = {
    "dev": {"localities": (0.88, 0.76), "practices": (0.92, 0.76), "figures": (0.95, 0.75)},
    "test": {"localities": (0.66, 0.54), "practices": (0.93, 0.65), "figures": (0.95, 0.57)},
}


@pytest.fixture(scope="module")
def reports():
    return {report.split: report for report in evaluate(DEVSET)}


@pytest.mark.parametrize("split", FLOORS)
def test_case_extraction_stays_above_its_floors(reports, split):
    report = reports[split]
    for measure, (precision, recall) in FLOORS[split].items():
        tally = getattr(report, measure)
        assert tally.precision >= precision and tally.recall >= recall, (measure, tally.to_json())
    assert report.off_topic_cases == 0 and report.fragment_localities == 0
