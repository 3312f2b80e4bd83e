"""Values made ready for strict JSON (RFC 8259), which has no NaN and no infinity.

NaN (a missing value) becomes ``null``; ±∞ (e.g. the cost-of-pass of a system that is never
correct) becomes the string ``"Infinity"`` or ``"-Infinity"``, which Python's ``float()`` and
JavaScript's ``Number()`` both read back as infinity.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np


def json_ready(value: Any) -> Any:
    """``value`` with every non-finite float replaced, recursively through dicts, lists and tuples."""
    if isinstance(value, dict):
        return {key: json_ready(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_ready(item) for item in value]
    if isinstance(value, float | np.floating):
        number = float(value)
        if math.isnan(number):
            return None
        if math.isinf(number):
            return "Infinity" if number > 0 else "-Infinity"
        return number
    return value
