"""Action plans HR adopts from the dashboard."""
