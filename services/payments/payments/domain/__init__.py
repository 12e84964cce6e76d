"""The money and stock rules of a visit's checkout, as plain code: no SQLAlchemy, Flask or Nameko."""
