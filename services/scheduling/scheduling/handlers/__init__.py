"""The scheduling service's use cases. Each takes a unit of work and commits explicitly."""
