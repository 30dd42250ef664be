"""Retry delay policies: full-jitter exponential backoff and fixed schedules.

Both policies draw their jitter from an injectable ``UniformSource`` so that
tests can pass a seeded ``random.Random`` or a fake and get exact delays.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Optional, Protocol, Tuple

MAX_SHIFT = 20
"""Cap on the exponent, so a large retry count cannot overflow ``2**n``."""


class UniformSource(Protocol):
    """Random source with the ``uniform`` method of ``random.Random``."""

    def uniform(self, a: float, b: float) -> float: ...


def _seconds(delay: timedelta) -> str:
    return f"{delay.total_seconds():g} s"


def _check_retries(retries: int) -> None:
    if retries < 0:
        raise ValueError(
            f"retries must be 0 or more, got {retries}: pass the number of "
            "retries already made (0 before the first retry)"
        )


@dataclass(frozen=True)
class ExponentialBackoff:
    """Full-jitter exponential backoff.

    The delay before retry ``n + 1`` is ``uniform(0, min(base * 2**n, max))``,
    where ``n`` is the number of retries already made, so the first retry
    waits up to ``base``. The exponent is capped at ``MAX_SHIFT``.
    """

    base: timedelta
    max: timedelta
    rng: UniformSource = field(default=random, repr=False)

    def __post_init__(self) -> None:
        if self.base <= timedelta(0):
            raise ValueError(
                f"backoff base must be positive, got {_seconds(self.base)}: "
                "pass a base such as timedelta(seconds=1)"
            )
        if self.base > self.max:
            raise ValueError(
                f"backoff base {_seconds(self.base)} is greater than max "
                f"{_seconds(self.max)}: raise max or lower base"
            )

    def upper_bound(self, retries: int) -> timedelta:
        """Return the largest delay that retry ``retries + 1`` can wait."""
        _check_retries(retries)
        shift = min(retries, MAX_SHIFT)
        # Float seconds, because base * 2**20 as a timedelta can overflow.
        upper = min(self.base.total_seconds() * 2.0**shift, self.max.total_seconds())
        return timedelta(seconds=upper)

    def __call__(
        self, retries: int, error: Optional[BaseException] = None
    ) -> timedelta:
        upper = self.upper_bound(retries).total_seconds()
        return timedelta(seconds=self.rng.uniform(0.0, upper))


@dataclass(frozen=True)
class FixedSchedule:
    """Fixed list of delays, one per retry, each plus a random jitter.

    Retry ``n + 1`` waits ``steps[n] + uniform(0, steps[n] * jitter)``.
    Retries past the end of the list wait the last step again.
    """

    steps: Tuple[timedelta, ...]
    jitter: float = 0.1
    rng: UniformSource = field(default=random, repr=False)

    def __post_init__(self) -> None:
        if not self.steps:
            raise ValueError(
                "fixed schedule has no steps: pass at least one delay, "
                "for example fixed(timedelta(seconds=1))"
            )
        for index, step in enumerate(self.steps):
            if step < timedelta(0):
                raise ValueError(
                    f"fixed schedule step {index} is negative "
                    f"({_seconds(step)}): pass delays of 0 s or more"
                )
        if not math.isfinite(self.jitter) or self.jitter < 0:
            raise ValueError(
                f"jitter must be a finite fraction of 0 or more, got "
                f"{self.jitter!r}: pass a fraction of each step such as 0.1"
            )

    def step(self, retries: int) -> timedelta:
        """Return the delay before jitter for retry ``retries + 1``."""
        _check_retries(retries)
        return self.steps[min(retries, len(self.steps) - 1)]

    def __call__(
        self, retries: int, error: Optional[BaseException] = None
    ) -> timedelta:
        step = self.step(retries)
        spread = step.total_seconds() * self.jitter
        return step + timedelta(seconds=self.rng.uniform(0.0, spread))


def exp(
    base: timedelta = timedelta(seconds=1),
    max: timedelta = timedelta(hours=1),
    *,
    rng: Optional[UniformSource] = None,
) -> ExponentialBackoff:
    """Build a full-jitter exponential backoff; ``rng`` defaults to ``random``."""
    return ExponentialBackoff(base=base, max=max, rng=random if rng is None else rng)


def fixed(
    *steps: timedelta,
    jitter: float = 0.1,
    rng: Optional[UniformSource] = None,
) -> FixedSchedule:
    """Build a fixed schedule; ``rng`` defaults to ``random``."""
    return FixedSchedule(
        steps=tuple(steps), jitter=jitter, rng=random if rng is None else rng
    )


WEBHOOK_SCHEDULE: FixedSchedule = fixed(
    timedelta(seconds=1),
    timedelta(seconds=5),
    timedelta(seconds=30),
    timedelta(minutes=2),
    timedelta(minutes=10),
    timedelta(hours=1),
    timedelta(hours=6),
)
"""Front-loaded retry delays of ``webhook.deliver``."""
