"""The payments service. Payments for visits: cash, card and split payments, prepayments and refunds (later issues)."""
