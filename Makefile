# members: PGXS build
EXTENSION = members
EXTVERSION = 1.0
MODULE_big = members
OBJS = \
	src/members.o \
	src/ids.o \
	src/util.o \
	src/jsonout.o \
	src/names.o \
	src/actor.o \
	src/bootstrap.o

DATA = members--1.0.sql
PGFILEDESC = "members - organizations, members and RBAC in PostgreSQL"

SHLIB_LINK = -luuid
PG_CPPFLAGS = -I$(srcdir)/src
PG_CFLAGS = -std=gnu11 -Wall -Wextra -Werror -Wno-unused-parameter -Wno-sign-compare -Wno-missing-field-initializers

# pg_regress suites: sql/NAME.sql + expected/NAME.out, run in this order
REGRESS = setup schema actor bootstrap
REGRESS_OPTS = --inputdir=. 

# isolation specs: tests/isolation/specs/NAME.spec + tests/isolation/expected/NAME.out
ISOLATION =
ISOLATION_OPTS = --inputdir=tests/isolation

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)
