"""The published figures of the Chengnan demo park (a copy of shared/domain/chengnan-facts.yaml)."""
from functools import cache
from pathlib import Path

import yaml

FACTS = Path(__file__).resolve().parent / "data" / "chengnan-facts.yaml"


@cache
def park_facts() -> dict:
    with FACTS.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)
