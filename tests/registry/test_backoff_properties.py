"""Properties of the retry delays that hold for every retry count and seed.

The exponent is capped at MAX_SHIFT, so counts far past any real
max_retry, up to 10**100, must still give a delay inside the bounds.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import List

from hypothesis import given
from hypothesis import strategies as st

from registry import exp, fixed
from registry.backoff import MAX_SHIFT

# Milliseconds keep every bound exact in float seconds and in timedelta.
bases = st.integers(min_value=1, max_value=10**7).map(
    lambda ms: timedelta(milliseconds=ms)
)
extras = st.integers(min_value=0, max_value=10**9).map(
    lambda ms: timedelta(milliseconds=ms)
)
seeds = st.integers(min_value=0, max_value=2**64)
small_counts = st.integers(min_value=0, max_value=10**6)
huge_counts = st.integers(min_value=10**6, max_value=10**100)
any_count = st.one_of(small_counts, huge_counts)
steps = st.lists(
    st.integers(min_value=0, max_value=10**8).map(
        lambda ms: timedelta(milliseconds=ms)
    ),
    min_size=1,
    max_size=10,
)
jitters = st.floats(min_value=0.0, max_value=2.0)

# timedelta rounds to whole microseconds, so a jittered step may exceed its
# exact upper value by up to one microsecond.
ROUNDING = timedelta(microseconds=1)


def _upper(base: timedelta, maximum: timedelta, retries: int) -> timedelta:
    """Compute min(base * 2**n, max) with n capped at MAX_SHIFT, in integers."""
    capped = base * (1 << min(retries, MAX_SHIFT))
    return min(capped, maximum)


@given(seed=seeds, base=bases, extra=extras, retries=any_count)
def test_exp_within_bounds(
    seed: int, base: timedelta, extra: timedelta, retries: int
) -> None:
    maximum = base + extra
    delay = exp(base=base, max=maximum, rng=random.Random(seed))(retries)
    assert delay >= timedelta(0)
    assert delay <= _upper(base, maximum, retries)


@given(seed=seeds, base=bases, extra=extras, retries=any_count)
def test_exp_cap_holds(
    seed: int, base: timedelta, extra: timedelta, retries: int
) -> None:
    maximum = base + extra
    delay = exp(base=base, max=maximum, rng=random.Random(seed))(retries)
    assert delay <= maximum


@given(base=bases, extra=extras, retries=any_count)
def test_exp_upper_bound_formula(
    base: timedelta, extra: timedelta, retries: int
) -> None:
    maximum = base + extra
    backoff = exp(base=base, max=maximum)
    assert backoff.upper_bound(retries) == _upper(base, maximum, retries)


@given(base=bases, extra=extras, retries=huge_counts)
def test_exp_huge_count_at_cap(base: timedelta, extra: timedelta, retries: int) -> None:
    maximum = base + extra
    backoff = exp(base=base, max=maximum)
    assert backoff.upper_bound(retries) == backoff.upper_bound(MAX_SHIFT)


@given(base=bases, extra=extras)
def test_exp_no_overflow_googol(base: timedelta, extra: timedelta) -> None:
    maximum = base + extra
    backoff = exp(base=base, max=maximum, rng=random.Random(0))
    assert backoff.upper_bound(10**100) == min(base * 2**MAX_SHIFT, maximum)
    assert timedelta(0) <= backoff(10**100) <= maximum


@given(
    seed=seeds,
    base=bases,
    extra=extras,
    counts=st.lists(any_count, min_size=1, max_size=20),
)
def test_exp_same_seed_same_delays(
    seed: int, base: timedelta, extra: timedelta, counts: List[int]
) -> None:
    maximum = base + extra
    first = exp(base=base, max=maximum, rng=random.Random(seed))
    second = exp(base=base, max=maximum, rng=random.Random(seed))
    assert [first(n) for n in counts] == [second(n) for n in counts]


@given(seed=seeds, base=bases, extra=extras, retries=any_count)
def test_exp_draws_from_rng(
    seed: int, base: timedelta, extra: timedelta, retries: int
) -> None:
    maximum = base + extra
    backoff = exp(base=base, max=maximum, rng=random.Random(seed))
    upper = backoff.upper_bound(retries).total_seconds()
    expected = timedelta(seconds=random.Random(seed).uniform(0.0, upper))
    assert backoff(retries) == expected


@given(seed=seeds, delays=steps, jitter=jitters, retries=any_count)
def test_fixed_within_bounds(
    seed: int, delays: List[timedelta], jitter: float, retries: int
) -> None:
    schedule = fixed(*delays, jitter=jitter, rng=random.Random(seed))
    step = delays[min(retries, len(delays) - 1)]
    delay = schedule(retries)
    assert delay >= step
    assert delay <= step * (1 + jitter) + ROUNDING


@given(delays=steps, extra=st.one_of(small_counts, huge_counts))
def test_fixed_clamps_to_last(delays: List[timedelta], extra: int) -> None:
    schedule = fixed(*delays)
    assert schedule.step(len(delays) - 1 + extra) == delays[-1]


@given(delays=steps)
def test_fixed_steps_in_order(delays: List[timedelta]) -> None:
    schedule = fixed(*delays)
    assert [schedule.step(n) for n in range(len(delays))] == delays


@given(
    seed=seeds,
    delays=steps,
    jitter=jitters,
    counts=st.lists(any_count, min_size=1, max_size=20),
)
def test_fixed_same_seed_same_delays(
    seed: int, delays: List[timedelta], jitter: float, counts: List[int]
) -> None:
    first = fixed(*delays, jitter=jitter, rng=random.Random(seed))
    second = fixed(*delays, jitter=jitter, rng=random.Random(seed))
    assert [first(n) for n in counts] == [second(n) for n in counts]
