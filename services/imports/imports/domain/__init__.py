"""Excel import and export of bookings, services and clients, free of any framework.

`workbook` reads an upload lazily once `upload_checks` has bounded it (see `limits`); `bookings_sheet`,
`services_sheet` and `clients_sheet` turn its rows into checked records and `Problem`s; `export`
writes .xlsx files that stream and never hold a formula.
"""
