"""The kinds of job: three imports, one export."""

IMPORT_BOOKINGS = "import_bookings"
IMPORT_SERVICES = "import_services"
IMPORT_CLIENTS = "import_clients"
EXPORT_BOOKINGS = "export_bookings"
IMPORT_KINDS = (IMPORT_BOOKINGS, IMPORT_SERVICES, IMPORT_CLIENTS)
JOB_KINDS = (*IMPORT_KINDS, EXPORT_BOOKINGS)
