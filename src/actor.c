/*-------------------------------------------------------------------------
 *
 * actor.c
 *		Who is acting: the members.actor setting and its resolution.
 *
 * members.actor holds the acting user's id, set per transaction with
 * SET LOCAL or set_config(..., true).  Only superusers and roles with the
 * privileges of members.service_role may set it: the check hook raises
 * 42501 for anyone else at SET time.  The hook also runs when the library
 * is loaded after a value was set (the placeholder is re-applied), so a
 * value set before loading is checked too, against both the current and the
 * session-level (outer) user.  Parallel workers restore the
 * leader's value without the check.
 *
 * IDENTIFICATION
 *		src/actor.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/parallel.h"
#include "access/xact.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/memutils.h"

#include "actor.h"
#include "ids.h"
#include "subject.h"

/*---- GUC variables ----*/

static char *actor_string = NULL;
static char *service_role_name = NULL;

/*---- Local variables ----*/

/* Parsed form of members.actor, maintained by the assign hook. */
static bool actor_is_set = false;
static pg_uuid_t actor_uuid;

/* Parsed actor carried from the check hook to the assign hook. */
typedef struct ActorExtra
{
	bool		is_set;
	pg_uuid_t	id;
} ActorExtra;

/* Is role a superuser or does it have the privileges of the service role? */
static bool
role_is_trusted(Oid role)
{
	Oid			service;

	if (superuser_arg(role))
		return true;
	if (service_role_name == NULL || service_role_name[0] == '\0')
		return false;
	service = get_role_oid(service_role_name, true);
	if (!OidIsValid(service))
		return false;
	return has_privs_of_role(role, service);
}

/* See actor.h. */
bool
members_caller_is_trusted(void)
{
	return role_is_trusted(GetUserId());
}

/*
 * True while _PG_init defines the settings: a value found then was set
 * before the library was loaded, by whoever was the session's user then,
 * not necessarily by the current user (who may be the owner of a SECURITY
 * DEFINER function that merely triggered the load).
 */
static bool loading_library = false;

/*
 * Who must be trusted for a value being applied now: the current user at
 * SET time; while loading, both the current and the outer (session-level)
 * user, so that a placeholder set by an untrusted role is never adopted
 * because a trusted function happened to load the library.
 */
static bool
setter_is_trusted(void)
{
	if (!role_is_trusted(GetUserId()))
		return false;
	if (loading_library && !role_is_trusted(GetOuterUserId()))
		return false;
	return true;
}

/*
 * Check hook of members.actor: the value must be empty or a uuid, and a
 * non-empty value may be set only by a trusted caller.
 */
static bool
check_actor(char **newval, void **extra, GucSource source)
{
	ActorExtra *ex;
	pg_uuid_t	id;
	bool		is_set = (*newval != NULL && (*newval)[0] != '\0');

	if (is_set && !members_parse_uuid(*newval, &id))
	{
		GUC_check_errcode(ERRCODE_INVALID_TEXT_REPRESENTATION);
		GUC_check_errmsg("invalid value for parameter \"members.actor\": \"%s\"",
						 *newval);
		GUC_check_errdetail("The acting user must be given as a user id (uuid).");
		return false;
	}

	/*
	 * Who may set it.  Values from the server's own configuration (file,
	 * command line) are the administrator's; parallel workers restore the
	 * leader's state.  Everything else (SET, set_config, ALTER ROLE/DATABASE
	 * SET applied at login, connection options) needs a trusted caller.
	 */
	if (is_set && source >= PGC_S_GLOBAL &&
		!InitializingParallelWorker && !IsParallelWorker())
	{
		if (!IsTransactionState())
		{
			GUC_check_errcode(ERRCODE_INSUFFICIENT_PRIVILEGE);
			GUC_check_errmsg("members.actor can only be set inside a transaction");
			return false;
		}
		if (!setter_is_trusted())
		{
			GUC_check_errcode(ERRCODE_INSUFFICIENT_PRIVILEGE);
			GUC_check_errmsg("permission denied to set parameter \"members.actor\"");
			GUC_check_errdetail("Only superusers and members of the role named by members.service_role (\"%s\") may set the acting user.",
								service_role_name ? service_role_name : "");
			return false;
		}
	}

	ex = (ActorExtra *) malloc(sizeof(ActorExtra));
	if (ex == NULL)
		return false;
	ex->is_set = is_set;
	if (is_set)
		ex->id = id;
	*extra = ex;
	return true;
}

/* Assign hook of members.actor: keep the parsed value. */
static void
assign_actor(const char *newval, void *extra)
{
	ActorExtra *ex = (ActorExtra *) extra;

	actor_is_set = ex != NULL && ex->is_set;
	if (actor_is_set)
		actor_uuid = ex->id;
	members_subject_stamp++;	/* decisions kept for another actor are void */
}

/* See actor.h. */
void
members_actor_init(void)
{
	char	   *inherited = NULL;

	/*
	 * A parallel worker that loads the library only while running a query
	 * (the leader had not loaded it before the query started) finds the
	 * leader's actor as a placeholder, which GUC cannot re-apply during a
	 * parallel operation.  Remember it and adopt it below.
	 */
	if (IsParallelWorker())
	{
		const char *v = GetConfigOption("members.actor", true, false);

		if (v != NULL && v[0] != '\0')
			inherited = MemoryContextStrdup(TopMemoryContext, v);
	}

	/* service_role first: the actor check hook reads it */
	DefineCustomStringVariable("members.service_role",
							   gettext_noop("Role whose members may set members.actor and act as the system."),
							   NULL,
							   &service_role_name,
							   "members_service",
							   PGC_SUSET,
							   0,
							   NULL,
							   NULL,
							   NULL);

	loading_library = true;
	DefineCustomStringVariable("members.actor",
							   gettext_noop("Id of the user on whose behalf members functions act."),
							   gettext_noop("Set per transaction by trusted callers (superusers and members of members.service_role). Empty means the caller itself acts as the system, if trusted."),
							   &actor_string,
							   "",
							   PGC_USERSET,
							   0,
							   check_actor,
							   assign_actor,
							   NULL);

	loading_library = false;
	/* _PG_init reserves the "members" prefix once every module's settings exist */

	/*
	 * Adopt the leader's actor in a late-loading parallel worker, with the
	 * same privilege rule as SET: the worker runs as the leader's current
	 * user, which must be trusted.  Anything else leaves the actor unset,
	 * which fails closed.
	 */
	if (inherited != NULL && !actor_is_set)
	{
		pg_uuid_t	id;

		if (members_parse_uuid(inherited, &id) && IsTransactionState() &&
			role_is_trusted(GetUserId()) && role_is_trusted(GetOuterUserId()))
		{
			actor_is_set = true;
			actor_uuid = id;
			members_subject_stamp++;
		}
		pfree(inherited);
	}
}

/* See actor.h. */
bool
members_actor_setting(pg_uuid_t *out)
{
	if (!actor_is_set)
		return false;
	*out = actor_uuid;
	return true;
}

/* See actor.h. */
void
members_current_actor(MembersActor *out)
{
	if (!actor_is_set)
	{
		if (!members_caller_is_trusted())
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
					 errmsg("no acting user"),
					 errdetail("members.actor is not set and the current role is neither a superuser nor a member of the service role."),
					 errhint("A trusted caller sets the acting user with SET LOCAL members.actor = '<user id>'.")));
		out->is_system = true;
		memset(&out->user_id, 0, sizeof(pg_uuid_t));
		return;
	}

	out->is_system = false;
	out->user_id = actor_uuid;

	{
		const MembersSubject *subj = members_subject_get(&actor_uuid);
		char		idtxt[37];

		if (!subj->found)
		{
			members_uuid_to_cstring(&actor_uuid, idtxt);
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
					 errmsg("acting user %s does not exist", idtxt),
					 errdetail("members.actor must name an existing, non-deleted user.")));
		}
		if (!subj->active)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
					 errmsg("user is not active (status = \"%s\")", subj->status),
					 errdetail("Contact an admin to reactivate your account.")));
	}
}

PG_FUNCTION_INFO_V1(members_current_actor_sql);

/*
 * SQL: members.current_actor() returns uuid.  The acting user's id, NULL for
 * the system; raises 28000 when nobody may act.
 */
Datum
members_current_actor_sql(PG_FUNCTION_ARGS)
{
	MembersActor actor;
	pg_uuid_t  *result;

	members_current_actor(&actor);
	if (actor.is_system)
		PG_RETURN_NULL();
	result = palloc(sizeof(pg_uuid_t));
	*result = actor.user_id;
	PG_RETURN_UUID_P(result);
}
