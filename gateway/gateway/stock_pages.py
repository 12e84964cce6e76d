"""The admin's Products and stock page at /admin/{company_id}/products (static/stock/): products,
storages, arrivals and write-offs, the ledger, cash desks, memberships, gift cards and bills of
materials, so a salon can set up its till. Served like the other staff pages (pages.py)."""

from flask import Blueprint

from gateway.pages import _staff_page

blp = Blueprint("stock_pages", __name__)


@blp.get("/admin/<id:company_id>/products")
def products_and_stock(company_id: int):
    return _staff_page("stock.html", company_id)
