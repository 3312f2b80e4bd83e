"""Risk–return analysis: the exact long-only efficient frontier and its candidates (see :mod:`.analysis`)."""
