"""What already exists in the company (its staff members, its services), to check a file against.

An import never creates a staff member or a service: each one a row names must already exist.
"""

from collections.abc import Mapping

from imports.domain.cells import comparable


class Catalogue:
    def __init__(self, names_by_id: Mapping[int, str]):
        self._names_by_id = dict(names_by_id)
        self._ids_by_name: dict[str, list[int]] = {}
        for record_id, name in sorted(self._names_by_id.items()):
            self._ids_by_name.setdefault(comparable(name), []).append(record_id)

    def __contains__(self, record_id: object) -> bool:
        return record_id in self._names_by_id

    def name_of(self, record_id: int) -> str:
        return self._names_by_id[record_id]

    def ids_named(self, name: str) -> list[int]:
        """Every id of that name (compared without case or extra spaces): none, one, or several."""
        return list(self._ids_by_name.get(comparable(name), []))

    def is_named(self, record_id: int, name: str) -> bool:
        return comparable(self.name_of(record_id)) == comparable(name)
