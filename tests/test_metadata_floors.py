"""Quality floors of metadata extraction on the development set (issue 12; case floors: test_devset_floors.py): a change may not lower them silently.

Figures from `redprop eval --extraction` (tests/devset/README.md, "After issue 12"). The dev half was tuned on; the
test half was not looked at while tuning, and its floors are the level it reached. Case figures (localities,
practices, figures) are issue 13's and not floored here.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from ingest.evaluation import evaluate

DEVSET = Path(__file__).resolve().parent / "devset"
# measure → (dev floor, test floor); P/R pairs for tallies, accuracy for the rest.
TALLY_FLOORS = {
    "places": ((1.0, 1.0), (0.96, 1.0)),
    "on_topic": ((1.0, 1.0), (1.0, 1.0)),
    "date": ((1.0, 1.0), (0.9, 0.75)),
    "captions": ((1.0, 1.0), (1.0, 1.0)),
}
ACCURACY_FLOORS = {
    "on_topic_accuracy": (1.0, 1.0),
    "topic_label": (1.0, 1.0),
    "title": (1.0, 1.0),
    "date_source": (1.0, 0.9),
    "doc_type": (1.0, 1.0),
    "policy_subtype": (1.0, 1.0),
}
MAX_FORBIDDEN_PLACES = (0, 2)  # names from inside longer names (城东区 in …花城东区)


@pytest.fixture(scope="module")
def reports():
    return evaluate(DEVSET)


@pytest.mark.parametrize("half", [0, 1], ids=["dev", "test"])
def test_metadata_stays_at_or_above_its_floors(reports, half):
    report = reports[half]
    assert not report.failed
    low = []
    for name, floors in TALLY_FLOORS.items():
        tally, (precision, recall) = getattr(report, name), floors[half]
        if (tally.precision or 0) < precision or (tally.recall or 0) < recall:
            low.append(f"{name}: P {tally.precision} R {tally.recall} < {precision}/{recall}")
    for name, floors in ACCURACY_FLOORS.items():
        if (getattr(report, name).value or 0) < floors[half]:
            low.append(f"{name}: {getattr(report, name).value} < {floors[half]}")
    assert not low, low
    assert report.forbidden_places <= MAX_FORBIDDEN_PLACES[half]
    assert report.off_topic_cases == 0  # near-misses are off topic, so no case comes from them
