from accounts.models import Base
from salon_infra.migrations import run_env

run_env(Base.metadata)
