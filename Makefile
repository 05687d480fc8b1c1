# tourney: PostgreSQL 15 extension, built with PGXS.

EXTENSION    = tourney
MODULE_big   = tourney
OBJS         = $(patsubst %.c,%.o,$(wildcard src/*.c src/*/*.c))
DATA         = $(wildcard sql/tourney--*.sql)
PG_CPPFLAGS  = -I$(srcdir)/include
# PostgreSQL 15's own headers trip -Wunused-parameter and -Wsign-compare
# (ilist.h, bufpage.h, array.h), so those two are left out of -Wextra.
PG_CFLAGS    = -Wall -Wextra -Werror -Wno-unused-parameter -Wno-sign-compare

# pg_regress tests: sql/<name>.sql against expected/<name>.out
REGRESS      = $(sort $(patsubst sql/%.sql,%,$(filter-out sql/tourney--%,$(wildcard sql/*.sql))))
REGRESS_OPTS = --load-extension=tourney

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
