"""Stock by hand: arrivals and write-offs in a storage, the stock of each product, and the ledger."""

from payments import repository
from payments.domain import stock
from payments.domain.stock import Product, StockMovement, Storage
from payments.handlers.common import now
from salon_infra.database import UnitOfWork
from salon_infra.errors import Conflict


def record_movement(uow: UnitOfWork, company_id: int, fields: dict) -> StockMovement:
    """An arrival adds to the stock; a write-off takes from it, never below zero unless the storage allows it."""
    with uow:
        session = uow.session
        product = repository.get(session, Product, company_id, fields["product_id"], field="product_id")
        storage = repository.get(session, Storage, company_id, fields["storage_id"], field="storage_id")
        made = stock.movement(company_id, storage, product, fields["kind"], fields["quantity"],
                              fields["actor_id"], now(), fields.get("note"))  # fmt: skip
        level = repository.stock_level(session, storage.id, product.id)
        stock.require_available(level, -made.quantity, storage, product)
        session.add(made)
        try:
            repository.flush(session)
        except Conflict as refused:
            if "quantity" in refused.errors:
                raise stock.not_in_stock(max(repository.stock_level(session, storage.id, product.id), 0), storage,
                                         product) from None  # fmt: skip
            raise
        uow.commit()
    return made


def stock_levels(uow: UnitOfWork, company_id: int, storage_id=None, product_ids=None) -> list[dict]:
    with uow:
        rows = repository.stock_levels(uow.session, company_id, storage_id=storage_id, product_ids=product_ids)
    return [{"storage_id": row.storage_id, "product_id": row.product_id, "quantity": row.quantity} for row in rows]


def movements(uow: UnitOfWork, company_id: int, query: dict) -> list[StockMovement]:
    with uow:
        return repository.movements(uow.session, company_id, **query)
