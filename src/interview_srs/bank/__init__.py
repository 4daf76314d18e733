"""The question bank: card model, YAML parser, rules and quality, sources, the loader. Knows nothing of Anki, SQLite or terminals."""
