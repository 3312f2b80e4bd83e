"""Decisions: preferences, recommendation, trade-off rates, sensitivity, risks and their storage.

Everything here works on a :class:`~tradeoff_studio.core.analyses.candidates.CandidateTable`
(small data: one row per operating point), so it serves every kind of analysis.
"""
