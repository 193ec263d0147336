"""AC-7 by delay: failed token requests slow down the (client, address) pair that makes them.

A partner that knows another agency's client id can no longer lock it out: its failures
delay only its own address, while the agency's real client, elsewhere, is untouched."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

MAX_EXPONENT = 40  # 2**40 s is far past any window: keeps the power finite


def delay_after(failures: int, free: int, cap: timedelta) -> timedelta:
    """How long after its last failure the pair must wait: nothing for the first `free`
    failures, then 1 s, 2 s, 4 s, ... at most `cap`."""
    if failures < free:
        return timedelta(0)
    return min(timedelta(seconds=2 ** min(failures - free, MAX_EXPONENT)), cap)


def seconds_to_wait(
    failures: int, last: datetime | None, now: datetime, free: int, cap: timedelta
) -> int:
    """Whole seconds before the pair may try again (0: now)."""
    if last is None:
        return 0
    remaining = (last + delay_after(failures, free, cap) - now).total_seconds()
    return max(0, math.ceil(remaining))
