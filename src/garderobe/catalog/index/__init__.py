"""The catalog's read index in PostgreSQL (MongoDB stays the source of the documents).

`item_search` holds every field, the weighted full-text document and the revision (search,
suggestions, reconciliation); `item_facets` holds only what listings filter, sort and facet
on, narrow so that scans over many rows stay cheap; `facet_counts` holds per category path
how many active items carry each token; `item_ratings` the rating summaries. `writer` keeps
them in the transaction of each change, `reconcile` mends them from MongoDB (`garderobe
search reindex` and the hourly job), `tokens` says what an item's row holds.
"""
