"""The payments service: the visit's bill, payments, products and stock, consumables, memberships and gift cards."""
