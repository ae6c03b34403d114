"""Item images: their records on the item document (`records`), uploads and changes
(`service`), thumbnails and the orphan sweep (`jobs`); the bytes are `garderobe.media`'s."""
