"""A decision previewed, not recorded: ``decide --dry-run`` (explore methods and weights freely).

:func:`dry_run_dict` gives the preview the shape of ``DecisionRecord.to_dict()`` (so the decision
card and ``--json`` read it the same way), with ``id`` ``None`` and ``dry_run`` true. Nothing is
written to the project: no decision row, no audit entry.
"""

from __future__ import annotations

from typing import Any

from .evidence import Evidence
from .preferences import Preferences


def dry_run_dict(analysis: str, preferences: Preferences, evidence: Evidence) -> dict[str, Any]:
    """The previewed decision as JSON-ready data (``DecisionRecord.to_dict()`` keys, ``dry_run: true``)."""
    return {
        "id": None,
        "dry_run": True,
        "analysis": analysis,
        "candidate_id": evidence.candidate_id,
        "preferences": preferences.to_dict() | {"method": evidence.recommendation.method},
        "evidence": evidence.to_dict(),
        "rationale": None,
        "status": "not recorded",
    }
