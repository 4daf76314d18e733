"""One module per command family: the only place that words output for a person."""
