"""The question bank: card model, parser, rules, loader; knows nothing of Anki, SQLite or terminals."""
