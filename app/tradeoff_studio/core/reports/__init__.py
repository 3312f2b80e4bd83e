"""Architecture trade-off reports (ATRAF/ATAM style): the model, its builders, digests and text renderers."""
