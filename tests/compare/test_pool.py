"""EnginePool keeps at most one model in memory (no model is loaded here: the loader is a fake)."""

from legalprompt.compare import EnginePool
from legalprompt.config import load_settings


class FakeEngine:
    def __init__(self, log, name):
        self.log, self.name = log, name
        log.append(("load", name))

    def close(self):
        self.log.append(("close", self.name))


def test_two_models_are_loaded_one_after_the_other():
    settings, _ = load_settings({})
    log = []
    pool = EnginePool(settings, loader=lambda s: FakeEngine(log, s.model))
    a = pool.get("smollm2-135m")
    assert pool.get("smollm2-135m") is a  # same model: reused, not reloaded
    pool.get("gemma3-270m")
    pool.get("gemma3-270m")
    pool.close()
    assert log == [("load", "smollm2-135m"), ("close", "smollm2-135m"), ("load", "gemma3-270m"),
                   ("close", "gemma3-270m")]
    assert pool.loads == 2


def test_default_model_and_its_name_are_the_same_engine():
    settings, _ = load_settings({})
    log = []
    pool = EnginePool(settings, loader=lambda s: FakeEngine(log, s.model))
    e = pool.get(None)
    assert pool.get("gemma3-270m") is e
    assert pool.loads == 1
