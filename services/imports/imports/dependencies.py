"""Where the imports service keeps finished exports, and how its emails link to them."""

import tempfile
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from nameko.extensions import DependencyProvider


@dataclass(frozen=True)
class ExportSettings:
    export_dir: Path  # <export_dir>/<company_id>/<job_id>.xlsx; shared by every replica
    public_base_url: str  # links in emails start with it; "" for links relative to the site
    kept_for: timedelta = timedelta(days=7)  # a finished export's file is deleted after this

    def link_to(self, company_id: int, job_id: int) -> str:
        return f"{self.public_base_url}/admin/{company_id}#exports/{job_id}"


def export_settings(config) -> ExportSettings:
    export_dir = Path(config.get("EXPORT_DIR") or Path(tempfile.gettempdir()) / "salon-exports")
    export_dir.mkdir(parents=True, exist_ok=True)
    url = config.get("PUBLIC_BASE_URL") or ""
    if url and not url.startswith(("http://", "https://")):
        raise RuntimeError("PUBLIC_BASE_URL must be an http:// or https:// URL")
    raw_days = str(config.get("EXPORT_RETENTION_DAYS") or 7).strip()
    if not raw_days.isdigit() or not 1 <= int(raw_days) <= 365:
        raise RuntimeError("EXPORT_RETENTION_DAYS must be a whole number of days from 1 to 365")
    return ExportSettings(export_dir, url.rstrip("/"), timedelta(days=int(raw_days)))


class Exports(DependencyProvider):
    """The ExportSettings from EXPORT_DIR and PUBLIC_BASE_URL; the folder is created at start."""

    def setup(self):
        self.settings = export_settings(self.container.config)

    def get_dependency(self, worker_ctx) -> ExportSettings:
        return self.settings
