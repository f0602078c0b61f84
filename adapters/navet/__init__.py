"""Navet: reading, writing and generating Navetavisering deliveries."""
