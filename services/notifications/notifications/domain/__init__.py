"""The notifications service's rules and wording: plain Python, no frameworks, no I/O."""
