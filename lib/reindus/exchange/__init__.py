"""Exchanging data with users: exports and the inventory of what is loaded."""
