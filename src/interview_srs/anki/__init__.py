"""Everything Anki: the note type, package writing with its caches, reading and writing collections."""
