"""FSRS glue, the clock, review settings and predicted recall: pure values, no storage."""
