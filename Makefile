# members: PGXS build
EXTENSION = members
EXTVERSION = 1.1
MODULE_big = members
OBJS = $(patsubst %.c,%.o,$(sort $(wildcard src/*.c)))

# The install script of the current version is built from the SQL sources
# in sqlsrc/ (concatenated in name order), as pgvector builds its script.
# Released scripts (members--1.0.sql) and upgrade scripts are kept as
# files: an upgrade script carries every change to SQL objects since the
# version before, and tests/suites/upgrade.sh keeps an upgraded database
# equal to a fresh install.
SQL_SOURCES = $(sort $(wildcard sqlsrc/*.sql))
# The members_api adapters are generated: one line per endpoint in
# sqlsrc/http/endpoints.txt, expanded with the one template
# sqlsrc/http/adapter.sql.in by sqlsrc/http/adapters.awk (POSIX awk) where a
# script has the line "-- @members_http_adapters@".  The upgrade script
# members--1.0--1.1.sql is kept by hand and built the same way into
# build/ (installed under its own name), so no adapter is written twice.
# Its "-- @members_copy NAME@" lines take a function's current definition
# from sqlsrc/: when 1.1 is released, commit the built
# build/members--1.0--1.1.sql as members--1.0--1.1.sql (as members--1.0.sql
# is kept), so that later changes to sqlsrc/ cannot alter a released upgrade.
HTTP_GEN = sqlsrc/http/adapters.awk sqlsrc/http/endpoints.txt sqlsrc/http/adapter.sql.in
HTTP_AWK = awk -f sqlsrc/http/adapters.awk -v endpoints=sqlsrc/http/endpoints.txt -v template=sqlsrc/http/adapter.sql.in
UPGRADE_SCRIPTS = $(wildcard members--*--*.sql)
DATA_built = members--$(EXTVERSION).sql $(addprefix build/,$(UPGRADE_SCRIPTS))
DATA = members--1.0.sql
EXTRA_CLEAN = build
PGFILEDESC = "members - organizations, members and RBAC in PostgreSQL"

SHLIB_LINK = -luuid
PG_CPPFLAGS = -I$(srcdir)/src
# -Wno-clobbered: -Wextra warns that the variable PG_TRY itself declares
# (_do_rethrow, utils/elog.h) "might be clobbered by longjmp" at some
# optimisation levels (the sanitizer build); PostgreSQL does not build
# with -Wextra and PG_TRY is correct as written.
PG_CFLAGS = -std=gnu11 -Wall -Wextra -Werror -Wno-unused-parameter -Wno-sign-compare -Wno-missing-field-initializers -Wno-clobbered

# pg_regress suites: sql/NN_name.sql + expected/NN_name.out, run in name
# order (00_setup creates the test roles and the extension)
REGRESS = $(patsubst sql/%.sql,%,$(sort $(wildcard sql/*.sql)))
REGRESS_OPTS = --inputdir=.

# isolation specs: tests/isolation/specs/NAME.spec + tests/isolation/expected/NAME.out
ISOLATION = $(patsubst tests/isolation/specs/%.spec,%,$(sort $(wildcard tests/isolation/specs/*.spec)))
ISOLATION_OPTS = --inputdir=tests/isolation --load-extension=members

# TAP tests (tests/tap/NNN_*.pl, PostgreSQL::Test::Cluster) through PGXS's
# prove_installcheck, with every path from $(PG_CONFIG).  initdb refuses
# root, so tests/suites/tap.sh runs "make tap-installcheck" as the postgres
# OS user in a copy of the tree; "make installcheck" runs them too when
# called by a non-root user.
TAP_TESTS = 1
PROVE_TESTS = $(sort $(wildcard tests/tap/[0-9]*.pl))
PROVE_FLAGS = -I $(srcdir)/tests/tap

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# PGXS tracks no header dependencies (Debian's server is built without
# --enable-depend): any change to a header of ours rebuilds every object.
$(OBJS): $(wildcard src/*.h)

# the TAP tests against the installed server (tests/suites/tap.sh)
.PHONY: tap-installcheck
tap-installcheck:
	$(prove_installcheck)

# ASan/UBSan build in a separate tree (never this directory's objects nor
# the installed library), loaded into a throwaway cluster of the stock
# server; runs the pg_regress, isolation and fuzz suites (as root; see
# tests/sanitize.sh)
.PHONY: sanitize-check
sanitize-check:
	PG_CONFIG=$(PG_CONFIG) bash $(srcdir)/tests/sanitize.sh

members--$(EXTVERSION).sql: $(SQL_SOURCES) $(HTTP_GEN)
	$(HTTP_AWK) $(SQL_SOURCES) > $@.tmp && mv $@.tmp $@

build/%.sql: %.sql $(HTTP_GEN) $(SQL_SOURCES)
	@mkdir -p build
	$(HTTP_AWK) -v optional=1 -v sources="$(SQL_SOURCES)" $< > $@.tmp && mv $@.tmp $@
