"""The accounts service's tables. Every user and role belongs to one company; the company itself
(its profile) is scheduling's, and so are staff members: `company_id` and `staff_member_id` are
plain ids here, checked by RPC when they are set."""

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Boolean, CheckConstraint, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from accounts.domain.rights import rights_of
from accounts.domain.signup import STATES
from salon_infra import outbox
from salon_infra.types import IdType, UtcDateTime


class Base(DeclarativeBase):
    pass


outbox.add_tables(Base.metadata)


class Role(Base):
    """What a group of users may do. The built-in roles (owner, administrator, specialist) take their
    rights from domain.rights and store NULL; a custom role stores its list of right names."""

    __tablename__ = "roles"
    # AUTOINCREMENT on SQLite: its sqlite_sequence can be raised above the ids carried over from
    # scheduling (handlers.ids), as PostgreSQL's sequence is.
    __table_args__ = (
        UniqueConstraint("company_id", "name", name="uq_roles_company_name"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    company_id: Mapped[int] = mapped_column(BigInteger)
    name: Mapped[str] = mapped_column(String(60))
    rights: Mapped[list[str] | None] = mapped_column(JSON)
    built_in: Mapped[bool] = mapped_column(Boolean)

    @property
    def granted_rights(self) -> list[str]:
        return rights_of(self.name, self.built_in, self.rights)


class User(Base):
    """A login. The email is stored lowercased. `token_version` is carried by every token issued to
    the user; bumping it ends them all (domain.tokens)."""

    __tablename__ = "users"
    __table_args__ = (
        UniqueConstraint("company_id", "email", name="uq_users_company_email"),
        Index("ix_users_role_id", "role_id"),
        CheckConstraint("token_version >= 1", name="ck_users_token_version"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    company_id: Mapped[int] = mapped_column(BigInteger)
    email: Mapped[str] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    role_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("roles.id", name="fk_users_role_id"))
    role: Mapped[Role] = relationship(lazy="joined", innerjoin=True)
    staff_member_id: Mapped[int | None] = mapped_column(BigInteger)  # scheduling's staff member
    active: Mapped[bool] = mapped_column(Boolean)
    token_version: Mapped[int] = mapped_column(Integer, server_default="1")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Signup(Base):
    """One signup of a salon, across scheduling (the company) and here (its owner and roles):
    domain.signup. `key` is the idempotency key scheduling keeps on the company."""

    __tablename__ = "signups"
    __table_args__ = (
        CheckConstraint(f"state IN ({', '.join(repr(state) for state in STATES)})", name="ck_signups_state"),
        Index("ix_signups_state_created_at", "state", "created_at"),
    )

    key: Mapped[str] = mapped_column(String(36), primary_key=True)
    state: Mapped[str] = mapped_column(String(12))
    company_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class IdFloor(Base):
    """Ids scheduling handed out before users and roles moved here (its migration 0007): this
    database's sequences were raised above them once, before the first user or role was created
    here, so a new one never takes an id a carried-over one will bring."""

    __tablename__ = "id_floors"

    table_name: Mapped[str] = mapped_column(String(30), primary_key=True)
    floor: Mapped[int] = mapped_column(BigInteger)
