"""Importing services (kind import_services): a service whose name the company already has is counted
as existing and left as it is; new ones are created in scheduling, with their categories.

Every row is checked first; a file with any problem creates nothing.
"""

from imports.domain.cells import comparable
from imports.domain.services_sheet import ServiceRow, read_services
from imports.neighbours import Neighbours
from imports.reports import problems_of, report


def import_services(company: dict, content: bytes, dry_run: bool, n: Neighbours) -> dict:
    company_id = company["id"]
    parsed = n.off_loop(read_services, content, company_id)
    rows = parsed.records
    if not parsed.ok:
        return report(len(rows), problems_of(parsed))
    known = {comparable(service["title"]) for service in n.scheduling.list_services(company_id, include_inactive=True)}
    new = [row for row in rows if comparable(row.name) not in known]
    if not dry_run:
        categories = {comparable(c["title"]): c["id"] for c in n.scheduling.list_service_categories(company_id)}
        for row in new:
            n.scheduling.create_service(company_id, _service(row, _category_id(n, company_id, row, categories)))
    return report(len(rows), [], created=0 if dry_run else len(new), existing=len(rows) - len(new))


def _category_id(n: Neighbours, company_id: int, row: ServiceRow, categories: dict) -> int | None:
    if not row.category:
        return None
    name = comparable(row.category)
    if name not in categories:
        categories[name] = n.scheduling.create_service_category(company_id, {"title": row.category})["id"]
    return categories[name]


def _service(row: ServiceRow, category_id: int | None) -> dict:
    return {
        "title": row.name,
        "category_id": category_id,
        "duration_minutes": row.duration_minutes,
        "price_min": row.price_min,
        "price_max": row.price_max,
    }
