"""The catalog's read side: listing pages (`listing`) with disjunctive facet counts
(`facets`), typo-tolerant full-text search (`search`), similar items (`similarity`), recently
viewed items (`viewed`); `service` answers each through the response cache."""
