"""The in-memory index of each API process: roaring bitmaps of the read index's facet tokens,
price bins and search words (`bitmaps`), kept in step with PostgreSQL through the change log
(`index`), and search ranking over them (`ranking`)."""
