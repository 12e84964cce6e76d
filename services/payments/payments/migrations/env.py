from payments.models import metadata
from salon_infra.migrations import run_env

run_env(metadata)
