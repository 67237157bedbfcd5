"""The decision record as documents for other tools: JSON, Markdown, PDF, and the history as CSV."""
