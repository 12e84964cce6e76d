"""The bookings service's use cases, one module per kind of record. Each takes a unit of work and
commits explicitly; the rules they apply live in bookings.domain."""
