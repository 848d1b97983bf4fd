# Two commands matter: `make run` and `make test`. Both install first; installing is a no-op when
# neither the lock file nor pyproject.toml changed since the last install.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
VENDOR_STAMP := static/vendor/.installed

.PHONY: install run test lint lock demo build-data bench clean

install: $(STAMP) $(VENDOR_STAMP)

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	# A registry hiccup once failed a fresh install with no message: retry once, verbosely.
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock \
		|| $(BIN)/python -m pip install --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

# The map's JavaScript and CSS come from the npm registry at install time (pinned, integrity-checked)
# and are served by the app itself, so the map works in a room without internet.
$(VENDOR_STAMP): $(STAMP) lib/reindus/vendor.py
	$(BIN)/python -m reindus.build.vendor static/vendor
	touch $@

run: install
	$(BIN)/reindus demo --if-empty
	$(BIN)/reindus serve --demo-auth

test: install
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Re-pin every dependency (needs uv; the lock targets CPython 3.11 on x86_64 Linux).
lock:
	uv pip compile pyproject.toml --extra dev --extra build --python-version 3.11 \
		--python-platform x86_64-manylinux_2_28 -o requirements.lock

build-data: install
	$(BIN)/reindus build-reference
	$(BIN)/reindus build-geodata

bench: install
	$(BIN)/python bench/pages.py

clean:
	rm -rf $(VENV) var static/vendor
