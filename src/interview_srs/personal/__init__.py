"""The user's own answers and stories: Markdown files outside the shared bank."""
