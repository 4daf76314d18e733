"""What to study and how it went: planner, readiness, the review session, mock interviews."""
