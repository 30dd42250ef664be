"""Retry delays: full-jitter exponential backoff and the fixed schedule."""

from __future__ import annotations

import math
import random
from datetime import timedelta
from typing import List, Tuple

import pytest
from hypothesis import given
from hypothesis import strategies as st

from registry import WEBHOOK_SCHEDULE, ExponentialBackoff, exp, fixed
from registry.backoff import MAX_SHIFT
from registry.specs import DEFAULT_MAX_RETRY

S = timedelta(seconds=1)
MIN = timedelta(minutes=1)
H = timedelta(hours=1)


class UpperBound:
    """Uniform source that always returns the upper bound, for exact delays."""

    def uniform(self, a: float, b: float) -> float:
        return b


class LowerBound:
    """Uniform source that always returns the lower bound."""

    def uniform(self, a: float, b: float) -> float:
        return a


class Recorder:
    """Uniform source that records its bounds and returns the lower one."""

    def __init__(self) -> None:
        self.calls: List[Tuple[float, float]] = []

    def uniform(self, a: float, b: float) -> float:
        self.calls.append((a, b))
        return a


def _bound(base: timedelta, maximum: timedelta, retries: int) -> timedelta:
    """Compute min(base * 2**n, max) with the exponent capped at MAX_SHIFT."""
    shift = min(retries, MAX_SHIFT)
    return timedelta(
        seconds=min(base.total_seconds() * 2**shift, maximum.total_seconds())
    )


# Exponential backoff


def test_exp_defaults() -> None:
    backoff = exp()
    assert backoff.base == 1 * S
    assert backoff.max == 1 * H


def test_default_max_retry() -> None:
    assert DEFAULT_MAX_RETRY == 25


def test_exp_returns_exponential_backoff() -> None:
    assert isinstance(exp(), ExponentialBackoff)


def test_first_retry_waits_up_to_base() -> None:
    backoff = exp(base=5 * S, max=1 * H, rng=UpperBound())
    assert backoff(0) == 5 * S


def test_upper_doubles_per_retry() -> None:
    backoff = exp(base=5 * S, max=1 * H, rng=UpperBound())
    assert backoff(1) == 10 * S
    assert backoff(2) == 20 * S
    assert backoff(3) == 40 * S
    assert backoff(9) == 2560 * S


def test_upper_capped_at_max() -> None:
    backoff = exp(base=5 * S, max=1 * H, rng=UpperBound())
    assert backoff(10) == 1 * H
    assert backoff(50) == 1 * H


def test_huge_retries_no_overflow() -> None:
    backoff = exp(base=5 * S, max=1 * H, rng=UpperBound())
    assert backoff(10**6) == 1 * H


def test_shift_capped_at_max_shift() -> None:
    backoff = exp(base=1 * S, max=timedelta(days=10**6), rng=UpperBound())
    assert MAX_SHIFT == 20
    assert backoff(MAX_SHIFT) == 2**20 * S
    assert backoff(MAX_SHIFT + 1) == 2**20 * S
    assert backoff(10**6) == 2**20 * S


def test_lower_bound_is_zero() -> None:
    recorder = Recorder()
    backoff = exp(base=5 * S, max=1 * H, rng=recorder)
    assert backoff(3) == timedelta(0)
    assert recorder.calls == [(0.0, 40.0)]


def test_error_argument_accepted() -> None:
    backoff = exp(base=5 * S, max=1 * H, rng=UpperBound())
    assert backoff(0, RuntimeError("boom")) == 5 * S


def test_same_seed_same_sequence() -> None:
    first = exp(base=5 * S, max=1 * H, rng=random.Random(1234))
    second = exp(base=5 * S, max=1 * H, rng=random.Random(1234))
    assert [first(n) for n in range(30)] == [second(n) for n in range(30)]


def test_other_seed_other_sequence() -> None:
    first = exp(base=5 * S, max=1 * H, rng=random.Random(1))
    second = exp(base=5 * S, max=1 * H, rng=random.Random(2))
    assert [first(n) for n in range(30)] != [second(n) for n in range(30)]


@given(
    seed=st.integers(min_value=0, max_value=2**32),
    retries=st.integers(min_value=0, max_value=10**6),
    base_ms=st.integers(min_value=1, max_value=10**7),
    extra_ms=st.integers(min_value=0, max_value=10**9),
)
def test_delay_within_bounds(
    seed: int, retries: int, base_ms: int, extra_ms: int
) -> None:
    base = timedelta(milliseconds=base_ms)
    maximum = base + timedelta(milliseconds=extra_ms)
    delay = exp(base=base, max=maximum, rng=random.Random(seed))(retries)
    assert delay >= timedelta(0)
    assert delay <= _bound(base, maximum, retries)
    assert delay <= maximum


@given(retries=st.integers(min_value=0, max_value=10**9))
def test_upper_bound_matches_formula(retries: int) -> None:
    backoff = exp(base=3 * S, max=6 * H, rng=UpperBound())
    assert backoff(retries) == _bound(3 * S, 6 * H, retries)


def test_negative_retries_rejected() -> None:
    with pytest.raises(ValueError) as caught:
        exp()(-1)
    assert str(caught.value) == (
        "retries must be 0 or more, got -1: pass the number of retries "
        "already made (0 before the first retry)"
    )


def test_zero_base_rejected() -> None:
    with pytest.raises(ValueError) as caught:
        exp(base=timedelta(0))
    assert str(caught.value) == (
        "backoff base must be positive, got 0 s: "
        "pass a base such as timedelta(seconds=1)"
    )


def test_negative_base_rejected() -> None:
    with pytest.raises(ValueError) as caught:
        exp(base=-S)
    assert str(caught.value) == (
        "backoff base must be positive, got -1 s: "
        "pass a base such as timedelta(seconds=1)"
    )


def test_base_above_max_rejected() -> None:
    with pytest.raises(ValueError) as caught:
        exp(base=2 * H, max=1 * H)
    assert str(caught.value) == (
        "backoff base 7200 s is greater than max 3600 s: raise max or lower base"
    )


def test_base_equal_max_allowed() -> None:
    backoff = exp(base=1 * MIN, max=1 * MIN, rng=UpperBound())
    assert backoff(5) == 1 * MIN


# Fixed schedule


def test_fixed_without_jitter_steps() -> None:
    schedule = fixed(1 * S, 5 * S, 30 * S, rng=LowerBound())
    assert [schedule(n) for n in range(3)] == [1 * S, 5 * S, 30 * S]


def test_fixed_clamps_to_last_step() -> None:
    schedule = fixed(1 * S, 5 * S, 30 * S, rng=LowerBound())
    assert schedule(3) == 30 * S
    assert schedule(10**6) == 30 * S


def test_fixed_jitter_upper_value() -> None:
    schedule = fixed(10 * S, 2 * MIN, jitter=0.5, rng=UpperBound())
    assert schedule(0) == 15 * S
    assert schedule(1) == 3 * MIN


def test_fixed_jitter_bounds_recorded() -> None:
    recorder = Recorder()
    schedule = fixed(10 * S, jitter=0.25, rng=recorder)
    schedule(0)
    assert recorder.calls == [(0.0, 2.5)]


def test_fixed_zero_jitter() -> None:
    schedule = fixed(10 * S, jitter=0.0, rng=UpperBound())
    assert schedule(0) == 10 * S


def test_fixed_default_jitter() -> None:
    assert fixed(1 * S).jitter == 0.1


def test_fixed_same_seed_same_sequence() -> None:
    first = fixed(1 * S, 5 * S, 30 * S, rng=random.Random(99))
    second = fixed(1 * S, 5 * S, 30 * S, rng=random.Random(99))
    assert [first(n) for n in range(10)] == [second(n) for n in range(10)]


@given(
    seed=st.integers(min_value=0, max_value=2**32),
    retries=st.integers(min_value=0, max_value=100),
    jitter=st.floats(min_value=0.0, max_value=2.0),
)
def test_fixed_jitter_range(seed: int, retries: int, jitter: float) -> None:
    steps = (1 * S, 5 * S, 30 * S, 2 * MIN)
    schedule = fixed(*steps, jitter=jitter, rng=random.Random(seed))
    step = steps[min(retries, len(steps) - 1)]
    delay = schedule(retries)
    # timedelta rounds to whole microseconds, so allow one microsecond.
    tolerance = timedelta(microseconds=1)
    assert delay >= step
    assert delay <= step * (1 + jitter) + tolerance


def test_webhook_schedule_upper_values() -> None:
    schedule = fixed(*WEBHOOK_SCHEDULE.steps, rng=UpperBound())
    expected = [
        timedelta(seconds=1.1),
        timedelta(seconds=5.5),
        timedelta(seconds=33),
        timedelta(seconds=132),
        timedelta(seconds=660),
        timedelta(seconds=3960),
        timedelta(seconds=23760),
    ]
    assert [schedule(n) for n in range(7)] == expected


def test_webhook_schedule_clamps() -> None:
    schedule = fixed(*WEBHOOK_SCHEDULE.steps, rng=LowerBound())
    assert schedule(7) == 6 * H


def test_fixed_negative_retries_rejected() -> None:
    with pytest.raises(ValueError) as caught:
        fixed(1 * S)(-3)
    assert str(caught.value) == (
        "retries must be 0 or more, got -3: pass the number of retries "
        "already made (0 before the first retry)"
    )


def test_empty_schedule_rejected() -> None:
    with pytest.raises(ValueError) as caught:
        fixed()
    assert str(caught.value) == (
        "fixed schedule has no steps: pass at least one delay, "
        "for example fixed(timedelta(seconds=1))"
    )


def test_negative_step_rejected() -> None:
    with pytest.raises(ValueError) as caught:
        fixed(1 * S, -2 * S)
    assert str(caught.value) == (
        "fixed schedule step 1 is negative (-2 s): pass delays of 0 s or more"
    )


def test_negative_jitter_rejected() -> None:
    with pytest.raises(ValueError) as caught:
        fixed(1 * S, jitter=-0.1)
    assert str(caught.value) == (
        "jitter must be a finite fraction of 0 or more, got -0.1: "
        "pass a fraction of each step such as 0.1"
    )


@pytest.mark.parametrize("jitter", [math.nan, math.inf])
def test_non_finite_jitter_rejected(jitter: float) -> None:
    with pytest.raises(ValueError) as caught:
        fixed(1 * S, jitter=jitter)
    assert str(caught.value) == (
        f"jitter must be a finite fraction of 0 or more, got {jitter!r}: "
        "pass a fraction of each step such as 0.1"
    )
