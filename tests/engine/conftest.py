import pytest

from legalprompt.engine.llama_engine import Engine
from legalprompt.engine.models import resolve_model
from legalprompt.engine.params import LoadOptions


@pytest.fixture(scope="session")
def gemma() -> Engine:
    return Engine(resolve_model("gemma3-270m"), LoadOptions(n_ctx=2048))


@pytest.fixture(scope="session")
def smol() -> Engine:
    return Engine(resolve_model("smollm2-135m"), LoadOptions(n_ctx=2048))
