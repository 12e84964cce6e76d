"""The company's appointment categories (title, colour) and the extra fields its appointments have."""

from sqlalchemy.exc import IntegrityError

from bookings import repository
from bookings.domain.model import AppointmentCategory
from salon_infra.database import UnitOfWork
from salon_infra.errors import InvalidInput, NotFound
from salon_infra.extra_fields import MAX_FIELDS, FieldDefinition, definition_problems

TITLE_TAKEN = "Another category has this title."


def list_categories(uow: UnitOfWork, company_id: int) -> list[AppointmentCategory]:
    with uow:
        return repository.categories(uow.session, company_id)


def create_category(uow: UnitOfWork, company_id: int, title: str, colour: str) -> AppointmentCategory:
    category = AppointmentCategory(company_id=company_id, title=title, colour=colour)
    with uow:
        uow.session.add(category)
        _commit_title(uow)
    return category


def update_category(uow: UnitOfWork, company_id: int, category_id: int, changes: dict) -> AppointmentCategory:
    with uow:
        category = repository.get_category(uow.session, company_id, category_id)
        for name in ("title", "colour"):
            if name in changes:
                setattr(category, name, changes[name])
        _commit_title(uow)
    return category


def delete_category(uow: UnitOfWork, company_id: int, category_id: int) -> None:
    """Its appointments and group events keep no category."""
    with uow:
        category = repository.get_category(uow.session, company_id, category_id)
        repository.forget_category(uow.session, company_id, category_id)
        uow.session.delete(category)
        uow.commit()


def _commit_title(uow: UnitOfWork) -> None:
    try:
        uow.session.flush()
    except IntegrityError:
        raise InvalidInput.field("title", TITLE_TAKEN) from None
    uow.commit()


def list_extra_fields(uow: UnitOfWork, company_id: int) -> list[FieldDefinition]:
    with uow:
        return repository.extra_fields(uow.session, company_id)


def create_extra_field(uow: UnitOfWork, company_id: int, definition: FieldDefinition) -> FieldDefinition:
    _check(definition)
    with uow:
        existing = repository.extra_fields(uow.session, company_id)
        if any(field.code == definition.code for field in existing):
            raise InvalidInput.field("code", "Another extra field has this code.")
        if len(existing) >= MAX_FIELDS:
            raise InvalidInput.field("code", f"A company has at most {MAX_FIELDS} extra fields.")
        try:
            created = repository.add_extra_field(uow.session, company_id, definition)
            uow.session.flush()
        except IntegrityError:  # the same code, added at the same moment
            raise InvalidInput.field("code", "Another extra field has this code.") from None
        uow.commit()
    return created


def update_extra_field(uow: UnitOfWork, company_id: int, code: str, changes: dict) -> FieldDefinition:
    """Title, type, options, required; the code stays. Values already given are kept as they were."""
    with uow:
        current = {field.code: field for field in repository.extra_fields(uow.session, company_id)}.get(code)
        if current is None:
            raise NotFound(f"no extra field {code}")
        changed = FieldDefinition(
            code,
            changes.get("title", current.title),
            changes.get("type", current.type),
            changes.get("required", current.required),
            tuple(changes.get("options", current.options)),
            current.id,
        )
        _check(changed)
        repository.replace_extra_field(uow.session, company_id, changed)
        uow.commit()
    return changed


def delete_extra_field(uow: UnitOfWork, company_id: int, code: str) -> None:
    with uow:
        if not repository.delete_extra_field(uow.session, company_id, code):
            raise NotFound(f"no extra field {code}")
        uow.commit()


def _check(definition: FieldDefinition) -> None:
    problems = definition_problems(definition)
    if problems:
        raise InvalidInput(f"invalid {', '.join(sorted(problems))}", problems)
