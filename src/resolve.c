/*-------------------------------------------------------------------------
 *
 * resolve.c
 *		Path values of Coder's API (docs/coder-behaviour.md 7.1):
 *		{organization} and {user}.
 *
 * IDENTIFICATION
 *		src/resolve.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "utils/builtins.h"

#include "authz.h"
#include "ids.h"
#include "messages.h"
#include "registry.h"
#include "caps.h"
#include "resolve.h"
#include "util.h"

static SPIPlanPtr plan_org_default = NULL;
static SPIPlanPtr plan_org_by_id = NULL;
static SPIPlanPtr plan_org_by_name = NULL;
static SPIPlanPtr plan_user_by_id = NULL;
static SPIPlanPtr plan_user_by_name = NULL;

#define ORG_COLUMNS "SELECT o.id, o.name, o.display_name, o.workspace_sharing_disabled FROM members.organizations o "
#define USER_COLUMNS "SELECT u.id, u.username, u.login_type, u.deleted FROM members.users u "

/* See resolve.h. */
void
members_not_found(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_NO_DATA_FOUND),
			 errmsg("resource not found or you do not have access to this resource")));
}

/* See resolve.h. */
void
members_forbidden(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
			 errmsg("forbidden"),
			 errdetail("You don't have permission to view this content. If you believe this is a mistake, please contact your administrator or try signing in with different credentials.")));
}

/* See resolve.h. */
void
members_resolve_organization(const MembersActor *actor, const char *value,
							 MembersOrgRef *out)
{
	pg_uuid_t	id;
	Datum		values[1];
	SPIPlanPtr	plan;
	HeapTuple	row;
	TupleDesc	desc;

	if (value == NULL || value[0] == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg(MEMBERS_MSG_ORG_PARAM_MISSING)));
	members_cap_name("organization", strlen(value));

	if (strcmp(value, "default") == 0 ||
		(members_parse_uuid(value, &id) && members_uuid_is_nil(&id)))
	{
		plan = members_plan(&plan_org_default,
							ORG_COLUMNS "WHERE o.is_default AND NOT o.deleted", 0, NULL);
		if (SPI_execute_plan(plan, NULL, NULL, true, 1) != SPI_OK_SELECT)
			elog(ERROR, "could not read the default organization");
	}
	else if (members_parse_uuid(value, &id))
	{
		Oid			argtypes[1] = {UUIDOID};

		plan = members_plan(&plan_org_by_id,
							ORG_COLUMNS "WHERE o.id OPERATOR(pg_catalog.=) $1", 1, argtypes);
		values[0] = UUIDPGetDatum(&id);
		if (SPI_execute_plan(plan, values, NULL, true, 1) != SPI_OK_SELECT)
			elog(ERROR, "could not read organization");
	}
	else
	{
		Oid			argtypes[1] = {TEXTOID};

		plan = members_plan(&plan_org_by_name,
							ORG_COLUMNS "WHERE pg_catalog.lower(o.name) OPERATOR(pg_catalog.=) pg_catalog.lower($1) "
							"AND NOT o.deleted", 1, argtypes);
		values[0] = CStringGetTextDatum(value);
		if (SPI_execute_plan(plan, values, NULL, true, 1) != SPI_OK_SELECT)
			elog(ERROR, "could not read organization");
	}
	if (SPI_processed == 0)
		members_not_found();

	row = SPI_tuptable->vals[0];
	desc = SPI_tuptable->tupdesc;
	out->id = members_col_uuid(row, desc, "id");
	out->name = members_col_text(row, desc, "name");
	out->display_name = members_col_text(row, desc, "display_name");
	out->sharing_disabled = members_col_bool(row, desc, "workspace_sharing_disabled");

	if (!members_actor_allowed(actor, MEMBERS_ACT_READ, MEMBERS_RES_ORGANIZATION,
							   &out->id, NULL))
		members_not_found();
}

/* See resolve.h. */
void
members_resolve_user(const MembersActor *actor, const char *value,
					 bool check_read, MembersUserRef *out)
{
	pg_uuid_t	id;
	Datum		values[1];
	SPIPlanPtr	plan;
	HeapTuple	row;
	TupleDesc	desc;
	bool		by_id = false;

	if (value == NULL || value[0] == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg(MEMBERS_MSG_USER_PARAM_MISSING)));
	members_cap_name("user", strlen(value));

	if (strcmp(value, "me") == 0)
	{
		if (actor->is_system)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("cannot use \"me\" without a valid session"),
					 errdetail("The system acts without a user; name the user by id or username.")));
		id = actor->user_id;
		by_id = true;
	}
	else if (members_parse_uuid(value, &id))
		by_id = true;

	if (by_id)
	{
		Oid			argtypes[1] = {UUIDOID};

		plan = members_plan(&plan_user_by_id,
							USER_COLUMNS "WHERE u.id OPERATOR(pg_catalog.=) $1", 1, argtypes);
		values[0] = UUIDPGetDatum(&id);
	}
	else
	{
		Oid			argtypes[1] = {TEXTOID};

		plan = members_plan(&plan_user_by_name,
							USER_COLUMNS "WHERE pg_catalog.lower(u.username) OPERATOR(pg_catalog.=) pg_catalog.lower($1) "
							"AND NOT u.deleted", 1, argtypes);
		values[0] = CStringGetTextDatum(value);
	}
	if (SPI_execute_plan(plan, values, NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not read user");
	if (SPI_processed == 0)
		members_not_found();

	row = SPI_tuptable->vals[0];
	desc = SPI_tuptable->tupdesc;
	out->id = members_col_uuid(row, desc, "id");
	out->username = members_col_text(row, desc, "username");
	out->login_type = members_col_text(row, desc, "login_type");
	out->deleted = members_col_bool(row, desc, "deleted");
	if (out->deleted)
		members_not_found();

	if (check_read &&
		!members_actor_allowed(actor, MEMBERS_ACT_READ, MEMBERS_RES_USER, NULL, &out->id))
		members_not_found();
}
