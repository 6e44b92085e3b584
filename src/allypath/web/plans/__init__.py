"""Action plans HR adopts from the dashboard, and each viewer's persistent disclosure ledger."""
