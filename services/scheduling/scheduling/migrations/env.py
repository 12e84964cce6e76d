from salon_infra.migrations import run_env
from scheduling.models import Base

run_env(Base.metadata)
