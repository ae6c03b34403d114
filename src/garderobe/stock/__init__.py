"""Units on hand and reserved per catalog item: what catalog and commerce both build on."""
