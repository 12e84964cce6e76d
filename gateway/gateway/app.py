"""The Flask application: `gunicorn "gateway.app:create_app()"`."""

import logging
import logging.config
from decimal import Decimal

import orjson
import redis
from apispec.ext.marshmallow import MarshmallowPlugin
from apispec.ext.marshmallow import resolver as default_schema_name
from flask import Flask
from flask.json.provider import JSONProvider
from flask_smorest import Api
from marshmallow import Schema
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from gateway import logs, observability, pages, rate_limits, stock_pages
from gateway.api import (
    accounts,
    appointment_settings,
    calendar,
    catalog,
    checkout,
    clients,
    data_transfer,
    group_events,
    health,
    links,
    notifications,
    online_booking,
    overview,
    products,
    team,
    till,
    users,
    widget,
)
from gateway.bulkhead import Bulkhead
from gateway.errors import register_error_handlers
from gateway.phone_codes import PhoneCodes
from gateway.remote import Remote
from gateway.revocation import Revocations
from gateway.rpc import RpcClient
from gateway.settings import Settings
from salon_infra.validation import MAX_ID

API_BLUEPRINTS = (
    accounts.blp,
    widget.blp,
    online_booking.blp,
    links.blp,
    team.blp,
    catalog.blp,
    calendar.blp,
    group_events.blp,
    appointment_settings.blp,
    clients.blp,
    notifications.blp,
    overview.blp,
    data_transfer.blp,
    users.blp,
    checkout.blp,
    till.blp,
    products.blp,
)


def schema_name(schema) -> str | None:
    """Register each schema class once under its own name; variants (only=, partial=) are inlined."""
    if isinstance(schema, Schema) and (schema.only or schema.exclude or schema.partial):
        return None
    return default_schema_name(schema)


def create_app(settings: Settings | None = None) -> Flask:
    settings = settings or Settings.from_env()
    if not logging.getLogger().handlers:  # gunicorn has set up logging already (gunicorn.conf.py)
        logging.config.dictConfig(logs.logging_config())
    app = Flask(__name__)
    observability.install(app)  # first: every request gets its id and timing before any other hook
    if settings.trusted_proxy_hops:
        # The client's address (request.remote_addr, which the rate limits key on) and scheme as the
        # outermost of the trusted proxies saw them: the last `hops` X-Forwarded-For entries are theirs.
        hops = settings.trusted_proxy_hops
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    app.json = OrjsonProvider(app)
    app.url_map.converters["id"] = IdConverter
    app.config.update(
        SALON_SETTINGS=settings,
        API_TITLE="Salon booking API",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api/v1",
        OPENAPI_JSON_PATH="openapi.json",
        JSON_SORT_KEYS=False,
        MAX_CONTENT_LENGTH=12 * 1024 * 1024,  # an upload of at most 10 MB, with its form around it
    )
    remote = Remote(RpcClient(settings.amqp_uri, settings.rpc_timeout), settings.company_cache_seconds)
    app.extensions["salon.remote"] = remote
    shared = redis.Redis.from_url(settings.redis_url, socket_timeout=2, socket_connect_timeout=1)
    app.extensions["salon.phone_codes"] = PhoneCodes(
        shared, settings.jwt_secret, settings.redis_prefix, token_secret=settings.phone_token_secret
    )
    app.extensions["salon.sign_ins"] = Bulkhead(settings.login_concurrency, "sign-ins")
    app.extensions["salon.revocations"] = Revocations(
        shared,
        lambda company_id, user_id: remote.accounts.token_state(company_id, user_id)["token_version"],
        settings.redis_prefix,
        settings.token_check_seconds,
    )
    rate_limits.init_app(app, settings.rate_limits, settings.redis_url, settings.redis_prefix)
    api = Api(app, spec_kwargs={"marshmallow_plugin": MarshmallowPlugin(schema_name_resolver=schema_name)})
    api.register_converter(
        IdConverter, lambda _converter: {"type": "integer", "format": "int64", "minimum": 1, "maximum": MAX_ID}
    )
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"})
    for blueprint in API_BLUEPRINTS:
        api.register_blueprint(blueprint)
    app.register_blueprint(health.blp)
    app.register_blueprint(pages.blp)
    app.register_blueprint(stock_pages.blp)
    register_error_handlers(app)
    return app


class IdConverter(IntegerConverter):
    """<id:...> in a route: a record id, 1 to 2**63-1; anything else is no such page (404)."""

    def __init__(self, url_map):
        super().__init__(url_map, min=1, max=MAX_ID)


class OrjsonProvider(JSONProvider):
    """Flask's JSON through orjson: every API answer is encoded here."""

    def dumps(self, obj, **kwargs) -> str:
        return orjson.dumps(obj, default=_jsonable, option=orjson.OPT_NON_STR_KEYS).decode()

    def loads(self, s, **kwargs):
        return orjson.loads(s)


def _jsonable(value):
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")
