"""Infrastructure shared by the salon services. Nothing here knows the salon's domain."""
