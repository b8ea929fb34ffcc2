/*-------------------------------------------------------------------------
 *
 * members.c
 *		Module entry point of the members extension.
 *
 * The extension keeps organizations, their members, built-in and custom
 * roles inside PostgreSQL and answers permission checks with Coder's RBAC
 * model.  This file only owns PG_MODULE_MAGIC and _PG_init; every module
 * registers its own settings and callbacks from its *_init function.
 *
 * IDENTIFICATION
 *		src/members.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/guc.h"

#include "actor.h"
#include "apikey.h"
#include "builtin_roles.h"
#include "http.h"
#include "rls_support.h"
#include "subject.h"
#include "worker.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

/*
 * Register settings, caches and invalidation callbacks.  Runs once per
 * backend, when the library is first loaded.  The "members" prefix is
 * reserved only after every module has defined its settings: reserving it
 * removes the placeholders of settings not yet defined, which would discard
 * values given before the library loaded (postgresql.conf, ALTER DATABASE
 * or ROLE ... SET, a SET earlier in the session) with a warning.
 */
void
_PG_init(void)
{
	members_builtin_roles_init();
	members_actor_init();
	members_subject_cache_init();
	members_apikey_init();
	members_worker_init();
	members_http_init();
	members_rls_support_init();
	MarkGUCPrefixReserved("members");
}
