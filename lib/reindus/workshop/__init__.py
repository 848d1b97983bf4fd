"""Workshop and hackathon views: the pitch card and the carousel."""
