"""Analyses: each turns project data into a candidates table (one row per operating point).

Every kind is described once in :mod:`.kinds` (``all_kinds()``, ``kind(name)``); the workflow
``analysis_workflows.analyze``, the ``analyze`` CLI and the demo are driven by those descriptors.
"""
