# tourney: PostgreSQL 15 extension, built with PGXS.

EXTENSION    = tourney tourney_proxy
MODULE_big   = tourney
OBJS         = $(patsubst %.c,%.o,$(wildcard src/*.c src/*/*.c))
DATA         = $(wildcard sql/tourney--*.sql sql/tourney_proxy--*.sql)
PG_CPPFLAGS  = -I$(srcdir)/include
# PostgreSQL 15's own headers trip -Wunused-parameter and -Wsign-compare
# (ilist.h, bufpage.h, array.h), so those two are left out of -Wextra.
PG_CFLAGS    = -Wall -Wextra -Werror -Wno-unused-parameter -Wno-sign-compare

# Tests: test/schedule lists them all, in the order `make test` runs them
# (scripts/test.sh).  `make installcheck` runs these two kinds alone:
# pg_regress: test/sql/<name>.sql against test/expected/<name>.out
REGRESS      = $(sort $(patsubst test/sql/%.sql,%,$(wildcard test/sql/*.sql)))
REGRESS_OPTS = --inputdir=test --load-extension=tourney
# isolation: test/specs/<name>.spec against test/expected/<name>.out, in the
# database that the rule isolation-db makes (tourney and test_support)
ISOLATION      = $(sort $(patsubst test/specs/%.spec,%,$(wildcard test/specs/*.spec)))
ISOLATION_OPTS = --inputdir=test --use-existing
REGRESS_PREP   = $(if $(ISOLATION),isolation-db)

# The rule below would otherwise be make's default goal.
.DEFAULT_GOAL := all

# The layers' headers include each other: rebuild all when one changes.
$(OBJS): $(wildcard include/tourney/*.h)

PG_CONFIG   ?= pg_config
PGXS        := $(shell $(PG_CONFIG) --pgxs 2>/dev/null)
ifeq ($(PGXS),)
$(warning pg_config not found: run 'make demo' or 'make test' once as root to install PostgreSQL 15)
else
include $(PGXS)
endif

# The isolation specs' database: tourney and the test_support schema of
# test/support/helpers.sql (pg_isolation_regress --use-existing uses it as is).
.PHONY: isolation-db
isolation-db:
	@PGOPTIONS='-c client_min_messages=warning -c statement_timeout=120s' psql -X -q -v ON_ERROR_STOP=1 -d postgres \
		-c 'DROP DATABASE IF EXISTS $(ISOLATION_TESTDB) WITH (FORCE)' -c 'CREATE DATABASE $(ISOLATION_TESTDB)'
	@PGOPTIONS='-c client_min_messages=warning -c statement_timeout=120s' psql -X -q -v ON_ERROR_STOP=1 -d $(ISOLATION_TESTDB) \
		-c 'CREATE EXTENSION tourney' -f test/support/helpers.sql

.PHONY: deps demo test bench test-soak test-valgrind
deps:
	@scripts/deps.sh
demo: deps
	@$(MAKE) -s all install
	@scripts/with-cluster.sh scripts/demo.sh
test: deps
	@$(MAKE) -s all install
	@scripts/with-cluster.sh scripts/test.sh
bench: deps
	@$(MAKE) -s all install
	@TOURNEY_PG_OPTS="shared_buffers=2GB max_wal_size=8GB shared_preload_libraries=tourney $${TOURNEY_PG_OPTS:-}" scripts/with-cluster.sh bench/run.sh
test-soak: deps
	@$(MAKE) -s all install
	@scripts/with-cluster.sh scripts/soak.sh
test-valgrind: deps
	@$(MAKE) -s all install
	@scripts/valgrind.sh
