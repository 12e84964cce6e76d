"""The payments use cases: one function each, one unit of work each, committing explicitly."""
