from salon_infra.testing import schema_drift
from scheduling.models import Base


def test_migrations_match_the_models(database_url):
    assert schema_drift(database_url, Base.metadata) == []
