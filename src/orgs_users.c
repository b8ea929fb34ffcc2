/*-------------------------------------------------------------------------
 *
 * orgs_users.c
 *		Creating organizations and users: members.create_organization,
 *		members.set_workspace_sharing and members.create_user (their JSON
 *		shapes are in coder_json.c).
 *
 * Each function resolves the actor, validates its arguments with Coder's
 * rules (22023 on bad input), authorizes, then writes as the extension owner
 * through prepared SPI plans.  Duplicates raise 23505, found by a lookup
 * first for a clear message and guaranteed by the unique indexes under
 * concurrency.
 *
 * IDENTIFICATION
 *		src/orgs_users.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "mb/pg_wchar.h"
#include "fmgr.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"

#include "actor.h"
#include "assign.h"
#include "authz.h"
#include "builtin_roles.h"
#include "endpoint.h"
#include "messages.h"
#include "registry.h"
#include "resolve.h"
#include "subject.h"
#include "coder_json.h"
#include "ids.h"
#include "jsonout.h"
#include "names.h"
#include "util.h"

PG_FUNCTION_INFO_V1(members_create_organization);
PG_FUNCTION_INFO_V1(members_create_user);
PG_FUNCTION_INFO_V1(members_set_workspace_sharing);

/*---- prepared plans ----*/
static SPIPlanPtr plan_org_name_taken = NULL;
static SPIPlanPtr plan_default_taken = NULL;
static SPIPlanPtr plan_insert_org = NULL;
static SPIPlanPtr plan_insert_creator = NULL;
static SPIPlanPtr plan_user_taken = NULL;
static SPIPlanPtr plan_insert_user = NULL;
static SPIPlanPtr plan_set_sharing = NULL;

/*
 * Coder's DisplayNameValid and UserRealNameValid: at most max characters,
 * no leading or trailing white space; what names the field in the 22023
 * messages ("display name", "name").
 */
static void
check_trimmed_name(const char *s, int max, const char *what)
{
	size_t		len = strlen(s);

	if (pg_mbstrlen(s) > max)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid %s \"%s\"", what, s),
				 errdetail("The %s must be <= %d characters.", what, max)));
	if (len > 0 && (isspace((unsigned char) s[0]) || isspace((unsigned char) s[len - 1])))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid %s \"%s\"", what, s),
				 errdetail("The %s must not start or end with white space.", what)));
}

/* Raise 42501 for a refused creation. */
static void
forbid(const char *action, const char *resource)
{
	ereport(ERROR,
			(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
			 errmsg("forbidden"),
			 errdetail("The acting user may not %s %s.", action, resource)));
}

/*
 * SQL: members.create_organization(name, display_name, description, icon,
 * is_default) returns jsonb.
 */
Datum
members_create_organization(PG_FUNCTION_ARGS)
{
	MembersCall c;
	char	   *name;
	char	   *display_name;
	char	   *description;
	char	   *icon;
	bool		is_default;
	Oid			argtypes[5] = {TEXTOID, TEXTOID, TEXTOID, TEXTOID, BOOLOID};
	Datum		values[5];
	SPIPlanPtr	plan;

	members_require_arg(fcinfo, 0, "name");
	name = text_to_cstring(PG_GETARG_TEXT_PP(0));
	display_name = members_text_arg_or(fcinfo, 1, "");
	description = members_text_arg_or(fcinfo, 2, "");
	icon = members_text_arg_or(fcinfo, 3, "");
	is_default = PG_ARGISNULL(4) ? false : PG_GETARG_BOOL(4);

	members_call_begin(&c, MEMBERS_CALL_SPI);

	members_check_name("organization name", name);
	if (display_name[0] == '\0')
		display_name = name;
	check_trimmed_name(display_name, 64, "display name");

	if (!members_actor_allowed(&c.actor, MEMBERS_ACT_CREATE, MEMBERS_RES_ORGANIZATION, NULL, NULL))
		forbid("create", "organizations");

	{
		Oid			t1[1] = {TEXTOID};

		plan = members_plan(&plan_org_name_taken,
							"SELECT 1 FROM members.organizations o "
							"WHERE pg_catalog.lower(o.name) OPERATOR(pg_catalog.=) pg_catalog.lower($1) "
							"AND NOT o.deleted",
							1, t1);
		values[0] = CStringGetTextDatum(name);
		if (SPI_execute_plan(plan, values, NULL, true, 1) != SPI_OK_SELECT)
			elog(ERROR, "could not check organization name");
		if (SPI_processed > 0)
			ereport(ERROR,
					(errcode(ERRCODE_UNIQUE_VIOLATION),
					 errmsg(MEMBERS_MSG_ORG_EXISTS),
					 errdetail("An organization named \"%s\" exists (names are compared case-insensitively).", name)));
	}
	if (is_default)
	{
		plan = members_plan(&plan_default_taken,
							"SELECT 1 FROM members.organizations o WHERE o.is_default",
							0, NULL);
		if (SPI_execute_plan(plan, NULL, NULL, true, 1) != SPI_OK_SELECT)
			elog(ERROR, "could not check default organization");
		if (SPI_processed > 0)
			ereport(ERROR,
					(errcode(ERRCODE_UNIQUE_VIOLATION),
					 errmsg("a default organization already exists"),
					 errdetail("At most one organization can be the default.")));
	}

	plan = members_plan(&plan_insert_org,
						"INSERT INTO members.organizations "
						"(name, display_name, description, icon, is_default) "
						"VALUES ($1, $2, $3, $4, $5) RETURNING *",
						5, argtypes);
	values[0] = CStringGetTextDatum(name);
	values[1] = CStringGetTextDatum(display_name);
	values[2] = CStringGetTextDatum(description);
	values[3] = CStringGetTextDatum(icon);
	values[4] = BoolGetDatum(is_default);
	if (SPI_execute_plan(plan, values, NULL, false, 0) != SPI_OK_INSERT_RETURNING ||
		SPI_processed != 1)
		elog(ERROR, "could not insert organization");
	members_organization_json(&c.json, SPI_tuptable->vals[0], SPI_tuptable->tupdesc);

	/*
	 * As in Coder, a user who creates an organization becomes a plain member.
	 */
	if (!c.actor.is_system)
	{
		Oid			t2[2] = {UUIDOID, UUIDOID};
		Datum		v2[2];
		pg_uuid_t	org_id = members_col_uuid(SPI_tuptable->vals[0],
											  SPI_tuptable->tupdesc, "id");

		plan = members_plan(&plan_insert_creator,
							"INSERT INTO members.organization_members "
							"(organization_id, user_id, roles) VALUES ($1, $2, '{}')",
							2, t2);
		v2[0] = UUIDPGetDatum(&org_id);
		v2[1] = UUIDPGetDatum(&c.actor.user_id);
		if (SPI_execute_plan(plan, v2, NULL, false, 0) != SPI_OK_INSERT)
			elog(ERROR, "could not add the creator as a member");
	}

	PG_RETURN_JSONB_P(members_call_end_jsonb(&c));
}

/*
 * Minimal e-mail shape check: one "@" with text on both sides and no white
 * space or control characters.
 */
static void
check_email(const char *email)
{
	const char *at = strchr(email, '@');
	bool		ok = at != NULL && at != email && at[1] != '\0' && strchr(at + 1, '@') == NULL;

	for (const char *p = email; ok && *p; p++)
		if ((unsigned char) *p <= ' ' || *p == 0x7f)
			ok = false;
	if (!ok)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid email \"%s\"", email),
				 errdetail("The email must be an address of the form local@domain.")));
}

/*
 * SQL: members.create_user(username, email, name, avatar_url, site_roles,
 * status) returns jsonb.
 */
Datum
members_create_user(PG_FUNCTION_ARGS)
{
	MembersCall c;
	char	   *username;
	char	   *email;
	char	   *name;
	char	   *avatar_url;
	char	   *status;
	char	  **roles = NULL;
	int			nroles = 0;
	char	  **kept;
	int			nkept;
	ArrayType  *role_array;
	SPIPlanPtr	plan;
	Datum		values[6];
	pg_uuid_t	new_id;

	members_require_arg(fcinfo, 0, "username");
	members_require_arg(fcinfo, 1, "email");
	username = text_to_cstring(PG_GETARG_TEXT_PP(0));
	email = text_to_cstring(PG_GETARG_TEXT_PP(1));
	name = members_text_arg_or(fcinfo, 2, "");
	avatar_url = members_text_arg_or(fcinfo, 3, "");
	status = members_text_arg_or(fcinfo, 5, "active");
	if (!PG_ARGISNULL(4))
		roles = members_text_array(PG_GETARG_ARRAYTYPE_P(4), "site_roles", &nroles);

	members_call_begin(&c, MEMBERS_CALL_SPI);

	members_check_name("username", username);
	check_email(email);
	check_trimmed_name(name, 128, "name");
	if (strcmp(status, "active") != 0 && strcmp(status, "dormant") != 0 &&
		strcmp(status, "suspended") != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid user status \"%s\"", status),
				 errdetail("The status must be one of active, dormant or suspended.")));

	/* check, lower-case and de-duplicate the site roles, keeping order */
	for (int i = 0; i < nroles; i++)
		if (members_builtin_role(members_lower(roles[i]), MEMBERS_SCOPE_SITE, false) == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("\"%s\" is not a supported role", roles[i]),
					 errdetail("Site roles are owner, member, auditor, template-admin and user-admin.")));
	kept = members_lower_distinct(roles, nroles, &nkept);
	role_array = members_text_array_build(kept, nkept);

	if (!members_actor_allowed(&c.actor, MEMBERS_ACT_CREATE, MEMBERS_RES_USER, NULL, NULL))
		forbid("create", "users");

	/*
	 * the site roles given, plus the implied member, must be assignable
	 * (docs/coder-behaviour.md 5.3)
	 */
	{
		char	   *bad = NULL;
		MembersAssignResult r;

		/* kept has room for one more */
		kept[nkept] = MEMBERS_ROLE_MEMBER;
		r = members_check_role_changes(&c.actor, NULL, kept, nkept + 1, NULL, 0, &bad);
		if (r == MEMBERS_ASSIGN_NO_PERMISSION)
			forbid("assign", "site roles");
		members_assign_result_raise(r, bad);
	}

	{
		Oid			t2[2] = {TEXTOID, TEXTOID};

		plan = members_plan(&plan_user_taken,
							"SELECT pg_catalog.lower(u.username) OPERATOR(pg_catalog.=) pg_catalog.lower($1) AS same_name "
							"FROM members.users u "
							"WHERE NOT u.deleted AND "
							"(pg_catalog.lower(u.username) OPERATOR(pg_catalog.=) pg_catalog.lower($1) "
							" OR pg_catalog.lower(u.email) OPERATOR(pg_catalog.=) pg_catalog.lower($2))",
							2, t2);
		values[0] = CStringGetTextDatum(username);
		values[1] = CStringGetTextDatum(email);
		if (SPI_execute_plan(plan, values, NULL, true, 1) != SPI_OK_SELECT)
			elog(ERROR, "could not check for an existing user");
		if (SPI_processed > 0)
		{
			if (members_col_bool(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, "same_name"))
				ereport(ERROR,
						(errcode(ERRCODE_UNIQUE_VIOLATION),
						 errmsg(MEMBERS_MSG_USER_EXISTS),
						 errdetail("A user with the username \"%s\" exists (usernames are compared case-insensitively).", username)));
			ereport(ERROR,
					(errcode(ERRCODE_UNIQUE_VIOLATION),
					 errmsg(MEMBERS_MSG_USER_EXISTS),
					 errdetail("A user with the email \"%s\" exists.", email)));
		}
	}

	{
		Oid			t6[6] = {TEXTOID, TEXTOID, TEXTOID, TEXTOID, TEXTOID, TEXTARRAYOID};

		plan = members_plan(&plan_insert_user,
							"INSERT INTO members.users "
							"(username, email, name, avatar_url, status, rbac_roles) "
							"VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
							6, t6);
		values[0] = CStringGetTextDatum(username);
		values[1] = CStringGetTextDatum(email);
		values[2] = CStringGetTextDatum(name);
		values[3] = CStringGetTextDatum(avatar_url);
		values[4] = CStringGetTextDatum(status);
		values[5] = PointerGetDatum(role_array);
		if (SPI_execute_plan(plan, values, NULL, false, 0) != SPI_OK_INSERT_RETURNING ||
			SPI_processed != 1)
			elog(ERROR, "could not insert user");
		new_id = members_col_uuid(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, "id");
	}

	members_user_json(&c.json, &new_id, false);

	PG_RETURN_JSONB_P(members_call_end_jsonb(&c));
}

/*
 * SQL: members.set_workspace_sharing(organization text, disabled boolean)
 * returns jsonb.  The organization's workspace-sharing switch (it changes what
 * organization-member grants, docs/coder-behaviour.md 4.4); needs update on
 * the organization.
 */
Datum
members_set_workspace_sharing(PG_FUNCTION_ARGS)
{
	MembersCall c;
	MembersOrgRef org;
	Oid			argtypes[2] = {UUIDOID, BOOLOID};
	Datum		values[2];
	SPIPlanPtr	plan;
	char	   *orgarg;
	bool		disabled;

	members_require_arg(fcinfo, 0, "organization");
	members_require_arg(fcinfo, 1, "disabled");
	orgarg = text_to_cstring(PG_GETARG_TEXT_PP(0));
	disabled = PG_GETARG_BOOL(1);

	members_call_begin(&c, MEMBERS_CALL_SPI);

	members_resolve_organization(&c.actor, orgarg, &org);
	if (!members_actor_allowed(&c.actor, MEMBERS_ACT_UPDATE, MEMBERS_RES_ORGANIZATION, &org.id, NULL))
		members_forbidden();

	plan = members_plan(&plan_set_sharing,
						"UPDATE members.organizations o "
						"SET workspace_sharing_disabled = $2, updated_at = pg_catalog.now() "
						"WHERE o.id OPERATOR(pg_catalog.=) $1 RETURNING o.*",
						2, argtypes);
	values[0] = UUIDPGetDatum(&org.id);
	values[1] = BoolGetDatum(disabled);
	if (SPI_execute_plan(plan, values, NULL, false, 0) != SPI_OK_UPDATE_RETURNING)
		elog(ERROR, "could not update organization");
	if (SPI_processed != 1)
		members_not_found();
	members_organization_json(&c.json, SPI_tuptable->vals[0], SPI_tuptable->tupdesc);

	PG_RETURN_JSONB_P(members_call_end_jsonb(&c));
}
