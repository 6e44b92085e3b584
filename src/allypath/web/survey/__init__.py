"""The respondent side: survey pages, drafts, the one submission service and the private report."""
