"""The terminal: key reading, the pager, rendering a card in cells, screen texts by locale."""
