"""Overview > Bookings: a page of every booking, deleted ones included (see bookings.overview)."""

from bookings import overview
from salon_infra.database import UnitOfWork


def list_overview(uow: UnitOfWork, company_id: int, query: dict) -> overview.OverviewPage:
    filters, page = overview.request_from(query)
    with uow:
        rows = uow.session.execute(overview.page_statement(company_id, filters, page)).all()
        shown = [row.id for row in rows[: page.limit]]
        lines = uow.session.execute(overview.service_lines_statement(company_id, shown)).all() if shown else []
    return overview.assemble(rows, lines, page)
