"""Importing clients (kind import_clients): one card per phone, found or created by clients.

Every row is checked first, phones included (normalised to E.164 in the company's country);
a file with any problem creates nothing.
"""

from datetime import UTC, datetime, timedelta

from imports.domain.clients_sheet import PHONE, read_clients
from imports.neighbours import Neighbours
from imports.reports import normalised_phones, problems_of, report

# Cards made by this import are those clients dated from the call on; their clocks may differ from ours a little.
CLOCK_SKEW = timedelta(seconds=1)


def import_clients(company: dict, content: bytes, dry_run: bool, n: Neighbours) -> dict:
    parsed = n.off_loop(read_clients, content, company["id"])
    rows = parsed.records
    phones = normalised_phones(n, company, [row.phone for row in rows])
    problems = problems_of(parsed) + [
        {"row": row.row, "column": PHONE, "message": answer["error"]}
        for row, answer in zip(rows, phones, strict=True)
        if answer["error"]
    ]
    if problems or dry_run:
        return report(len(rows), problems)
    clients = [
        {"phone": answer["phone"], "name": row.name, "email": row.email or None}
        for row, answer in zip(rows, phones, strict=True)
    ]
    asked_at = datetime.now(UTC) - CLOCK_SKEW
    cards = {card["id"]: card for card in n.clients.find_or_create_clients(
        company["id"], {"clients": clients, "default_region": company["country"]}
    )}  # fmt: skip
    created = sum(datetime.fromisoformat(card["created_at"]) >= asked_at for card in cards.values())
    return report(len(rows), [], created=created, existing=len(cards) - created)
