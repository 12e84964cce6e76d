# On a fresh machine: `make run` starts the whole system with a demo salon; `make test` tests it.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PACKAGES := libs/salon-infra services/accounts services/scheduling services/clients services/bookings \
	services/payments services/notifications services/imports gateway
STAMP := $(VENV)/.installed

.PHONY: run test lint unit e2e browser bench clean

# One development environment for the whole suite, pinned by constraints.txt. Editable
# installs use compat mode (a path entry), so `gateway/` as a folder cannot shadow the package.
$(STAMP): constraints.txt $(addsuffix /pyproject.toml,$(PACKAGES))
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -c constraints.txt --config-settings editable_mode=compat \
		-e 'libs/salon-infra[nameko,test]' $(foreach pkg,$(filter-out libs/salon-infra,$(PACKAGES)),-e '$(pkg)[test]') \
		ruff PyYAML
	touch $@

run: $(STAMP)
	$(BIN)/python deploy/local/run.py $(ARGS)

test: lint unit e2e

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Each package's own suite, run from its folder as its team runs it.
unit: $(STAMP)
	@for pkg in $(PACKAGES); do echo "== $$pkg"; (cd $$pkg && $(CURDIR)/$(BIN)/pytest -q) || exit 1; done

# The whole system: every service, relay and the gateway on real PostgreSQL and RabbitMQ,
# and the pages in Debian's Chromium (tests/browser).
e2e: $(STAMP) browser
	$(BIN)/pytest -q tests

browser:
	sh deploy/local/install-browser.sh

bench: $(STAMP)
	$(BIN)/python bench/run.py $(ARGS)

clean:
	rm -rf $(VENV) var bench/results
