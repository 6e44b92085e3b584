"""The private journey and ally circles (issue 17, points 3 and 4), reached with the receipt code."""
