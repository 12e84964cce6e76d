"""What crosses the scheduling service's RPC and event boundaries."""
