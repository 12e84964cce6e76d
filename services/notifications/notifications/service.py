"""The notifications service's entrypoints: validate, call a handler, dump the result."""

import logging

from marshmallow import ValidationError
from nameko.timer import timer

from notifications import handlers
from notifications.dependencies import Channels, CompanyProfiles, PublicBaseUrl, Sending
from notifications.schemas import (
    SEND_RESULT_FIELDS,
    AppointmentEventSchema,
    DailyUsageSchema,
    ListMessagesSchema,
    SendEmailSchema,
    SendSmsSchema,
    SentMessageSchema,
)
from salon_infra.dependencies import Database, HealthChecks, TimedRpcProxy
from salon_infra.errors import InvalidInput
from salon_infra.nameko import batch_event_handler, rpc
from salon_infra.validation import load

log = logging.getLogger(__name__)

SEND_RESULT = SentMessageSchema(only=SEND_RESULT_FIELDS)
MESSAGES = SentMessageSchema(many=True)
USAGE = DailyUsageSchema()
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
    rules = Sending()
    public_base_url = PublicBaseUrl()
    companies = CompanyProfiles()
    clients = TimedRpcProxy("clients")
    scheduling = TimedRpcProxy("scheduling")

    @rpc
    def send_sms(self, company_id, sms):
        """DailyLimitReached over the company's daily SMS cap."""
        command = load(SendSmsSchema(), {**_fields("sms", sms), "company_id": company_id})
        return SEND_RESULT.dump(handlers.send_sms(self.uow, self.postbox, self.rules, **command))

    @rpc
    def send_email(self, company_id, email):
        """DailyLimitReached over the company's daily email cap."""
        command = load(SendEmailSchema(), {**_fields("email", email), "company_id": company_id})
        return SEND_RESULT.dump(handlers.send_email(self.uow, self.postbox, self.rules, **command))

    @rpc
    def list_messages(self, company_id, query=None):
        query = load(ListMessagesSchema(), {**_fields("query", query or {}), "company_id": company_id})
        found = handlers.list_messages(self.uow, **query, development_inbox=self.postbox.development_inbox)
        return MESSAGES.dump(found)

    @rpc
    def get_daily_usage(self, company_id):
        """Today's (UTC) messages per channel against the company's caps."""
        company_id = load(ListMessagesSchema(only=("company_id",)), {"company_id": company_id})["company_id"]
        return USAGE.dump(handlers.daily_usage(self.uow, self.rules, company_id))

    @timer(interval=1)
    def send_due_messages(self):
        """Messages to try again, and ones whose hand-over was interrupted; replicas share them."""
        handlers.send_due_messages(self.uow, self.postbox, self.rules)

    @batch_event_handler("bookings", "appointment_created", requeue_on_error=True)
    @batch_event_handler("bookings", "appointment_rescheduled", requeue_on_error=True)
    @batch_event_handler("bookings", "appointment_cancelled", requeue_on_error=True)
    def on_appointment_changed(self, payloads):
        """Tell the clients, the events that arrive together at once. A malformed event is logged
        and dropped: requeueing it would only fail again. A neighbour that does not answer, or a
        database error, requeues the batch (events already claimed send nothing again)."""
        events = []
        for payload in payloads:
            try:
                events.append(APPOINTMENT_EVENT.load(payload))
            except ValidationError as problem:
                log.error("dropping malformed appointment event %r: %s", payload, problem)
        handlers.notify_about_appointments(
            self.uow,
            self.postbox,
            self.rules,
            events,
            get_client=self.clients.get_client,
            get_company=lambda company_id: self.companies(company_id, self.scheduling.get_company),
            public_base_url=self.public_base_url,
        )
