"""The one seed policy: request, then settings, then the fallback, else random."""

def test_one_seed_policy():
    from legalprompt.engine.params import choose_seed

    assert choose_seed(5, 9) == 5 and choose_seed(None, 9) == 9 and choose_seed(None, None, fallback=0) == 0
    randoms = {choose_seed(None, None) for _ in range(20)}
    assert len(randoms) > 1 and all(0 <= s < 2**31 for s in randoms)
