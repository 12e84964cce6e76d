"""The imports service's tables: the jobs that move data in and out through Excel, and the data log."""

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Boolean, Index, Integer, LargeBinary, String, Text, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from salon_infra import outbox
from salon_infra.types import IdType, UtcDateTime


class Base(DeclarativeBase):
    pass


outbox.add_tables(Base.metadata)

ONCE_PER_FILE = "status <> 'failed' AND NOT dry_run AND file_key IS NOT NULL"


class Job(Base):
    """An import of an uploaded file, or an export to a file; the job runner takes them in turn."""

    __tablename__ = "jobs"
    __table_args__ = (
        Index("ix_jobs_company_id", "company_id", "id"),
        Index("ix_jobs_pending", "status", "id"),
        # The same file is imported once: a second upload, or a second click, finds the first job.
        Index(
            "uq_jobs_file_once",
            "company_id",
            "kind",
            "file_key",
            unique=True,
            postgresql_where=text(ONCE_PER_FILE),
            sqlite_where=text(ONCE_PER_FILE),
        ),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    company_id: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(10))
    dry_run: Mapped[bool] = mapped_column(Boolean)
    file_name: Mapped[str | None] = mapped_column(String(200))
    file_key: Mapped[str | None] = mapped_column(String(64))
    content: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)  # the upload, until the job is over
    requested_by_user_id: Mapped[int] = mapped_column(BigInteger)
    requested_by_email: Mapped[str | None] = mapped_column(String(254))
    filters: Mapped[dict | None] = mapped_column(JSON)
    report: Mapped[dict | None] = mapped_column(JSON)
    file_path: Mapped[str | None] = mapped_column(Text)
    file_size: Mapped[int | None] = mapped_column(BigInteger)
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class DataLogEntry(Base):
    """Who asked for which data, or brought which in, and when: Overview > Data log."""

    __tablename__ = "data_log"
    __table_args__ = (Index("ix_data_log_company_id", "company_id", "id"), Index("ix_data_log_job_id", "job_id"))

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    company_id: Mapped[int] = mapped_column(BigInteger)
    user_id: Mapped[int] = mapped_column(BigInteger)
    action: Mapped[str] = mapped_column(String(30))
    job_id: Mapped[int | None] = mapped_column(BigInteger)
    details: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
