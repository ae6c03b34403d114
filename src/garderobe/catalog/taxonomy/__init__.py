"""The taxonomy: the category tree, typed attributes inherited down it, brands and the closed
vocabularies of the common item fields; loaded from data and changed by admins."""
