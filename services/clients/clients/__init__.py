"""The clients service: who the salon's clients are, one card per phone number per company."""
