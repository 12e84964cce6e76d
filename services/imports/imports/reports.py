"""An import's report: {rows, created, existing, problems: [{row, column, message}]}, problems by row."""

from imports.domain.columns import ParsedSheet
from imports.domain.problems import Problem


def report(rows: int, problems: list[dict], created: int = 0, existing: int = 0) -> dict:
    ordered = sorted(problems, key=lambda problem: problem["row"])  # stable: a row's own order stays
    return {"rows": rows, "created": created, "existing": existing, "problems": ordered}


def as_dict(problem: Problem) -> dict:
    return {"row": problem.row, "column": problem.column, "message": problem.message}


def problems_of(parsed: ParsedSheet) -> list[dict]:
    return [as_dict(problem) for problem in parsed.problems]


def normalised_phones(neighbours, company: dict, phones: list[str]) -> list[dict]:
    """clients.normalise_phones: [{phone: E.164 or None, error: str or None}] in the order given."""
    if not phones:
        return []
    query = {"phones": phones, "default_region": company["country"]}
    return neighbours.clients.normalise_phones(company["id"], query)
