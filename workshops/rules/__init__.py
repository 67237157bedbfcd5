"""Pure, database-free rules of a workshop: timebox, latency, prototype checks, economics."""
