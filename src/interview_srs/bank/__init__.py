"""The question bank: card model, YAML parser, rules and quality, sources, the loader, drafts from
a 面经. Knows nothing of Anki, SQLite or terminals."""
