"""Analyses: each turns project data into a candidates table (one row per operating point)."""
