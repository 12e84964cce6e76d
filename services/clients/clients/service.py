"""The clients service's RPC entrypoints: validate, call a handler, dump the result."""

from clients import handlers
from clients.schemas import (
    ClientIdsSchema,
    ClientSchema,
    DeviceSchema,
    FindOrCreateClientSchema,
    FindOrCreateClientsSchema,
    PhoneSchema,
    PhonesSchema,
    SearchClientsSchema,
    UpdateClientSchema,
)
from salon_infra.dependencies import Database, HealthChecks
from salon_infra.nameko import rpc
from salon_infra.validation import load

CLIENT = ClientSchema()
CLIENTS = ClientSchema(many=True)


class ClientsService(HealthChecks):
    name = "clients"
    uow = Database("clients")

    @rpc
    def find_or_create_client(self, company_id, client, default_region=None, fill_in=True):
        """`fill_in`: false for an unauthenticated booking, which never changes an existing card."""
        command = load(
            FindOrCreateClientSchema(),
            {**client, "company_id": company_id, "default_region": default_region, "fill_in": fill_in},
        )
        return CLIENT.dump(handlers.find_or_create_client(self.uow, **command))

    @rpc
    def get_client(self, company_id, client_id):
        query = load(ClientIdsSchema(), {"company_id": company_id, "client_ids": [client_id]})
        return CLIENT.dump(handlers.get_client(self.uow, query["company_id"], query["client_ids"][0]))

    @rpc
    def get_clients(self, company_id, client_ids):
        query = load(ClientIdsSchema(), {"company_id": company_id, "client_ids": client_ids})
        return handlers.client_cards(self.uow, **query)

    @rpc
    def search_clients(self, company_id, text, limit=20, default_region=None):
        """By part of the name, or of the phone (a national number read in `default_region`)."""
        query = load(
            SearchClientsSchema(),
            {"company_id": company_id, "text": text, "limit": limit, "default_region": default_region},
        )
        return CLIENTS.dump(handlers.search_clients(self.uow, **query))

    @rpc
    def update_client(self, company_id, client_id, changes):
        ids = load(ClientIdsSchema(), {"company_id": company_id, "client_ids": [client_id]})
        client = handlers.update_client(self.uow, ids["company_id"], client_id, load(UpdateClientSchema(), changes))
        return CLIENT.dump(client)

    @rpc
    def normalise_phone(self, phone, default_region=None):
        """The phone in E.164 (e.g. to key a confirmation code), or InvalidInput on phone."""
        query = load(PhoneSchema(), {"phone": phone, "default_region": default_region})
        return handlers.normalised_phone(**query)

    @rpc
    def remember_device(self, company_id, client_id, device_token):
        command = load(DeviceSchema(), {"company_id": company_id, "client_id": client_id, "device_token": device_token})
        return handlers.remember_device(self.uow, **command)

    @rpc
    def client_devices(self, company_id, client_id):
        ids = load(ClientIdsSchema(), {"company_id": company_id, "client_ids": [client_id]})
        return handlers.client_devices(self.uow, ids["company_id"], client_id)

    @rpc
    def normalise_phones(self, company_id, query):
        """Many phones at once (an import's dry run): [{phone or None, error or None}] in order."""
        load(ClientIdsSchema(), {"company_id": company_id, "client_ids": []})
        return handlers.normalised_phones(**load(PhonesSchema(), query))

    @rpc
    def find_or_create_clients(self, company_id, command):
        command = load(FindOrCreateClientsSchema(), {**command, "company_id": company_id})
        return CLIENTS.dump(handlers.find_or_create_clients(self.uow, **command))
