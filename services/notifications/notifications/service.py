"""The notifications service's entrypoints: validate, call a handler, dump the result."""

import logging

from marshmallow import ValidationError
from nameko.events import event_handler
from nameko.rpc import rpc

from notifications import handlers
from notifications.dependencies import Channels, PublicBaseUrl
from notifications.schemas import (
    SEND_RESULT_FIELDS,
    AppointmentEventSchema,
    ListMessagesSchema,
    SendEmailSchema,
    SendSmsSchema,
    SentMessageSchema,
)
from salon_infra.dependencies import Database, HealthChecks, TimedRpcProxy
from salon_infra.errors import InvalidInput
from salon_infra.validation import load

log = logging.getLogger(__name__)

SEND_RESULT = SentMessageSchema(only=SEND_RESULT_FIELDS)
MESSAGES = SentMessageSchema(many=True)
APPOINTMENT_EVENT = AppointmentEventSchema()


def _fields(name: str, value) -> dict:
    """A dict argument; anything else is InvalidInput on `name`."""
    if not isinstance(value, dict):
        raise InvalidInput.field(name, "Must be an object.")
    return value


class NotificationsService(HealthChecks):
    name = "notifications"
    uow = Database("notifications")
    postbox = Channels()
    public_base_url = PublicBaseUrl()
    clients = TimedRpcProxy("clients")
    scheduling = TimedRpcProxy("scheduling")

    @rpc
    def send_sms(self, company_id, sms):
        command = load(SendSmsSchema(), {**_fields("sms", sms), "company_id": company_id})
        return SEND_RESULT.dump(handlers.send_sms(self.uow, self.postbox, **command))

    @rpc
    def send_email(self, company_id, email):
        command = load(SendEmailSchema(), {**_fields("email", email), "company_id": company_id})
        return SEND_RESULT.dump(handlers.send_email(self.uow, self.postbox, **command))

    @rpc
    def list_messages(self, company_id, query=None):
        query = load(ListMessagesSchema(), {**_fields("query", query or {}), "company_id": company_id})
        return MESSAGES.dump(handlers.list_messages(self.uow, **query))

    @event_handler("bookings", "appointment_created", requeue_on_error=True)
    @event_handler("bookings", "appointment_rescheduled", requeue_on_error=True)
    @event_handler("bookings", "appointment_cancelled", requeue_on_error=True)
    def on_appointment_changed(self, payload):
        """Tell the client. A malformed event is logged and dropped: requeueing it would only
        fail again. A neighbour that does not answer, or a database error, requeues it."""
        try:
            event = APPOINTMENT_EVENT.load(payload)
        except ValidationError as problem:
            log.error("dropping malformed appointment event %r: %s", payload, problem)
            return
        handlers.notify_about_appointment(
            self.uow,
            self.postbox,
            event,
            get_client=self.clients.get_client,
            get_company=self.scheduling.get_company,
            public_base_url=self.public_base_url,
        )
