"""The report editor page: review and edit an ATRAF report, preview its pages, save and export it."""
