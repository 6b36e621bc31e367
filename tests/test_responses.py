"""The "who can compel" routes encode the engine's dictionary directly: the same bytes as the response model."""

from __future__ import annotations

import datetime as dt

import pytest

from longarm.api.models import AnswerOut
from longarm.api.responses import DictJSON
from longarm.graph.engine.reach import MODES, compel
from longarm.graph.engine.resolve import describe_asset
from longarm.graph.projection.cache import projection_for
from longarm.graph.projection.model import Projection
from longarm.graph.store.embedded import Store
from longarm.graph.views.report import answer_to_dict

DATES = [dt.date(2013, 6, 1), dt.date(2024, 6, 1), dt.date(2027, 1, 1)]


@pytest.fixture(scope="module")
def projection(bundled_store: Store) -> Projection:
    return projection_for(bundled_store)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("as_of", DATES, ids=str)
def test_every_stored_answer_is_the_models_json(projection: Projection, as_of: dt.date, mode: str) -> None:
    assert projection.assets
    for asset in projection.assets:
        content = answer_to_dict(projection, compel(projection, asset, as_of, mode))
        expected = AnswerOut.model_validate(content).model_dump_json(exclude_unset=True).encode()
        assert DictJSON(content).body == expected, asset


@pytest.mark.parametrize("provider", ["microsoft", "aws", "ovhcloud", "Alibaba Cloud (Europe) Limited", "s3ns"])
def test_described_answers_are_the_models_json(projection: Projection, provider: str) -> None:
    spec = describe_asset(projection, providers=[provider], locations=["FR"])
    content = answer_to_dict(projection, compel(projection, spec, dt.date(2026, 9, 1), "strict"))
    expected = AnswerOut.model_validate(content).model_dump_json(exclude_unset=True).encode()
    assert DictJSON(content).body == expected
