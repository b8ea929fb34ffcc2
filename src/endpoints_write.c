/*-------------------------------------------------------------------------
 *
 * endpoints_write.c
 *		The member-changing endpoints of Coder's members API
 *		(docs/coder-behaviour.md 7.2-7.4) and PUT /users/{user}/roles
 *		(docs/coder-behaviour.md 8.2):
 *
 *		members.add_organization_member(organization, user)
 *		members.remove_organization_member(organization, user)
 *		members.update_organization_member_roles(organization, user, roles)
 *		members.update_user_site_roles(user, roles)
 *
 * Each resolves the actor (28000), the path values (404 as P0002), then
 * authorizes with Coder's checks in Coder's order, changes the row under a
 * row lock and writes one audit row (src/audit.c) in the same transaction.
 *
 * Locking rules:
 *	- a member row is locked FOR UPDATE before its roles are read for a role
 *	  change or before it is deleted, so concurrent changes to one member
 *	  are serialized: the second waits, then sees the first's result (or
 *	  that the row is gone: 404, never a resurrected row);
 *	- a user row is locked FOR UPDATE before its site roles are read;
 *	- adding a member locks the organization and user rows FOR KEY SHARE (a
 *	  concurrent hard delete gives 404, not a foreign-key error) and inserts
 *	  with ON CONFLICT DO NOTHING on the primary key, so of two concurrent
 *	  adds one inserts and the other, after waiting, gets 23505;
 *	- custom roles named in a role change are locked FOR SHARE by
 *	  members_check_role_changes, so they cannot disappear before the new
 *	  roles are stored.
 *
 * Refused attempts whose target was resolved (every refusal of a removal or
 * role change after the member or user was found) are audited with their
 * status and an empty diff through members_audit_record, which
 * commits the row before the error is raised.  Failed additions are not
 * audited (docs/coder-behaviour.md 9).
 *
 * IDENTIFICATION
 *		src/endpoints_write.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"

#include "actor.h"
#include "assign.h"
#include "audit.h"
#include "authz.h"
#include "builtin_roles.h"
#include "caps.h"
#include "coder_json.h"
#include "endpoint.h"
#include "ids.h"
#include "jsonout.h"
#include "messages.h"
#include "names.h"
#include "registry.h"
#include "resolve.h"
#include "subject.h"
#include "util.h"

PG_FUNCTION_INFO_V1(members_add_organization_member);
PG_FUNCTION_INFO_V1(members_remove_organization_member);
PG_FUNCTION_INFO_V1(members_update_organization_member_roles);
PG_FUNCTION_INFO_V1(members_update_user_site_roles);

/*---- prepared plans ----*/
static SPIPlanPtr plan_lock_org_user = NULL;
static SPIPlanPtr plan_insert_member = NULL;
static SPIPlanPtr plan_lock_member = NULL;
static SPIPlanPtr plan_delete_member = NULL;
static SPIPlanPtr plan_update_member_roles = NULL;
static SPIPlanPtr plan_lock_user = NULL;
static SPIPlanPtr plan_update_user_roles = NULL;

#define MEMBER_COLUMNS "m.organization_id, m.user_id, m.created_at, m.updated_at, m.roles"

/* Go's zero values, which Coder's audit diff shows for an absent side. */
#define ZERO_UUID_JSON	"\"00000000-0000-0000-0000-000000000000\""
#define ZERO_TIME_JSON	"\"0001-01-01T00:00:00Z\""

/* HTTP-equivalent statuses recorded in the audit log. */
#define HTTP_OK			200
#define HTTP_NO_CONTENT	204
#define HTTP_BAD_REQUEST	400
#define HTTP_NOT_FOUND	404

/*
 * An organization member as Coder's audit sees it
 * (AuditableOrganizationMember).
 */
typedef struct MemberState
{
	bool		present;
	const char *username;
	pg_uuid_t	user_id;
	TimestampTz created_at;
	TimestampTz updated_at;
	char	  **roles;
	int			nroles;
} MemberState;

/*---- JSON texts for audit diffs ----*/

static char *
js_uuid(const pg_uuid_t *u)
{
	StringInfoData b;

	initStringInfo(&b);
	members_json_uuid(&b, u);
	return b.data;
}

static char *
js_time(TimestampTz t)
{
	StringInfoData b;

	initStringInfo(&b);
	members_json_timestamp(&b, t);
	return b.data;
}

static char *
js_names(char **names, int n)
{
	StringInfoData b;
	bool		first;

	initStringInfo(&b);
	members_json_open(&b, '[', &first);
	for (int i = 0; i < n; i++)
	{
		members_json_elem(&b, &first);
		members_json_string(&b, names[i]);
	}
	members_json_close(&b, ']');
	return b.data;
}

/*
 * Coder's audit diff of two member states over the tracked fields
 * (username, user_id, created_at, updated_at, roles; organization_id is
 * ignored): only changed fields, an absent side shown as Go's zero values.
 */
static char *
member_diff(const MemberState *old, const MemberState *new)
{
	StringInfoData b;
	bool		first;

	initStringInfo(&b);
	members_json_open(&b, '{', &first);
	members_audit_diff_field(&b, &first, "username",
							 old->present ? members_json_string_text(old->username) : "\"\"",
							 new->present ? members_json_string_text(new->username) : "\"\"");
	members_audit_diff_field(&b, &first, "user_id",
							 old->present ? js_uuid(&old->user_id) : ZERO_UUID_JSON,
							 new->present ? js_uuid(&new->user_id) : ZERO_UUID_JSON);
	members_audit_diff_field(&b, &first, "created_at",
							 old->present ? js_time(old->created_at) : ZERO_TIME_JSON,
							 new->present ? js_time(new->created_at) : ZERO_TIME_JSON);
	members_audit_diff_field(&b, &first, "updated_at",
							 old->present ? js_time(old->updated_at) : ZERO_TIME_JSON,
							 new->present ? js_time(new->updated_at) : ZERO_TIME_JSON);
	members_audit_diff_field(&b, &first, "roles",
							 old->present ? js_names(old->roles, old->nroles) : "null",
							 new->present ? js_names(new->roles, new->nroles) : "null");
	members_json_close(&b, '}');
	return b.data;
}

/* A member state from the SPI row of SPI_tuptable with MEMBER_COLUMNS. */
static void
member_state_from_row(MemberState *st, HeapTuple row, TupleDesc desc,
					  const MembersMemberCols *cols, const char *username)
{
	bool		isnull;
	Datum		d;

	st->present = true;
	st->username = username;
	st->user_id = members_colno_uuid(row, desc, cols->user_id);
	st->created_at = members_colno_timestamptz(row, desc, cols->created_at);
	st->updated_at = members_colno_timestamptz(row, desc, cols->updated_at);
	d = members_colno_datum(row, desc, cols->roles, &isnull);
	st->roles = members_text_array(DatumGetArrayTypeP(d), "roles", &st->nroles);
}

/*
 * The first row of tab (one member, MEMBER_COLUMNS): its state, and the
 * OrganizationMember object appended to json when json is not NULL.
 */
static void
member_row(SPITupleTable *tab, MemberState *st, const char *username,
		   StringInfo json, const MembersRoleNames *names)
{
	HeapTuple	row = tab->vals[0];
	TupleDesc	desc = tab->tupdesc;
	MembersMemberCols cols;

	members_member_cols(desc, false, &cols);
	member_state_from_row(st, row, desc, &cols, username);
	if (json != NULL)
		members_org_member_json(json, names, row, desc, &cols);
}

/*---- role lists ----*/

/*
 * Raise 22023 for a problem with a roles argument (members_text_array_try
 * with MEMBERS_MAX_ROLES_PER_REQUEST and MEMBERS_MAX_NAME_BYTES).
 */
static void
raise_bad_roles(ArrayType *arr, MembersArrayProblem p)
{
	if (p == MEMBERS_ARRAY_TOO_MANY)
		members_cap_count_exceeded("roles", ArrayGetNItems(ARR_NDIM(arr), ARR_DIMS(arr)),
								   MEMBERS_MAX_ROLES_PER_REQUEST);
	if (p == MEMBERS_ARRAY_TOO_LONG)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("role name is too long"),
				 errdetail("A name in a request may have at most %d bytes.",
						   MEMBERS_MAX_NAME_BYTES)));
	members_text_array_raise(p, "roles", ERRCODE_INVALID_PARAMETER_VALUE);
}

/* strcmp for qsort/bsearch over char * elements. */
static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

/* A sorted copy of names[0..n), for names_has. */
static char **
sorted_names(char **names, int n)
{
	char	  **s = palloc(sizeof(char *) * Max(n, 1));

	if (n > 0)
	{
		memcpy(s, names, sizeof(char *) * n);
		qsort(s, n, sizeof(char *), cmp_names);
	}
	return s;
}

/* Is name among sorted[0..n)?  O(log n). */
static bool
names_has(char **sorted, int n, const char *name)
{
	return n > 0 && bsearch(&name, sorted, n, sizeof(char *), cmp_names) != NULL;
}

/*
 * Coder's ChangeRoleSet from the stored roles `from` to the target roles:
 * `requested` (distinct) plus the implied role (member or
 * organization-member, which the handlers add to every request).  added =
 * target names not in `from` (in the order of `requested`, the implied role
 * last), removed = distinct names of `from` not in the target (in the order
 * of `from`, where Coder's order is random).  O((n + m) log (n + m)).
 */
static void
change_role_set(char **from, int nfrom, char **requested, int nrequested,
				const char *implied,
				char ***added, int *nadded, char ***removed, int *nremoved)
{
	char	  **to = palloc(sizeof(char *) * (nrequested + 1));
	int			nto = nrequested;
	char	  **from_sorted = sorted_names(from, nfrom);
	char	  **to_sorted;
	char	  **gone = palloc(sizeof(char *) * Max(nfrom, 1));
	int			ngone = 0;

	memcpy(to, requested, sizeof(char *) * nrequested);
	to_sorted = sorted_names(to, nto);
	if (!names_has(to_sorted, nto, implied))
	{
		to[nto++] = pstrdup(implied);
		to_sorted = sorted_names(to, nto);
	}

	*added = palloc(sizeof(char *) * (nto + 1));
	*nadded = 0;
	for (int i = 0; i < nto; i++)
	{
		CHECK_FOR_INTERRUPTS();
		if (!names_has(from_sorted, nfrom, to[i]))
			(*added)[(*nadded)++] = to[i];
	}
	for (int i = 0; i < nfrom; i++)
	{
		CHECK_FOR_INTERRUPTS();
		if (!names_has(to_sorted, nto, from[i]))
			gone[ngone++] = from[i];
	}
	*removed = members_distinct_names(gone, ngone, nremoved);
}

/*---- audit ----*/

/*---- shared steps ----*/

/*
 * The roles argument argno (the request body) as C strings.  SQL NULL, a
 * NULL element or a multi-dimensional array is invalid input: the refusal
 * is audited (400), then 22023 is raised.
 */
static void
roles_arg(FunctionCallInfo fcinfo, int argno, MembersAuditEntry *e,
		  char ***given, int *ngiven)
{
	MembersArrayProblem p;
	ArrayType  *arr;

	if (PG_ARGISNULL(argno))
	{
		members_audit_record(e, HTTP_BAD_REQUEST, NULL);
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("roles must not be null"),
				 errdetail("Pass an empty array to remove every role.")));
	}
	arr = PG_GETARG_ARRAYTYPE_P(argno);
	p = members_text_array_try(arr, MEMBERS_MAX_ROLES_PER_REQUEST,
							   MEMBERS_MAX_NAME_BYTES, given, ngiven);
	if (p != MEMBERS_ARRAY_OK)
	{
		members_audit_record(e, HTTP_BAD_REQUEST, NULL);
		raise_bad_roles(arr, p);
	}
}

/*
 * Coder's "member param" (docs/coder-behaviour.md 7.1) plus the row lock: the
 * user is looked up as the system, the actor must be allowed read on the
 * member object {organization_member, org, owner = user}, and the membership
 * row (of a user that is not deleted) is locked FOR UPDATE.  Anything missing
 * or unreadable is 404.  On return SPI_tuptable holds the locked row and *old
 * its state.
 */
static void
resolve_member_locked(const MembersActor *actor, const MembersOrgRef *org,
					  const char *userarg, MembersUserRef *user, MemberState *old)
{
	Oid			argtypes[2] = {UUIDOID, UUIDOID};
	Datum		values[2];
	SPIPlanPtr	plan;

	members_resolve_user(actor, userarg, false, user);
	if (user->deleted ||
		!members_actor_allowed(actor, MEMBERS_ACT_READ, MEMBERS_RES_ORGANIZATION_MEMBER,
							   &org->id, &user->id))
		members_not_found();

	plan = members_plan(&plan_lock_member,
						"SELECT " MEMBER_COLUMNS " FROM members.organization_members m "
						"WHERE m.organization_id OPERATOR(pg_catalog.=) $1 "
						"AND m.user_id OPERATOR(pg_catalog.=) $2 FOR UPDATE",
						2, argtypes);
	values[0] = UUIDPGetDatum(&org->id);
	values[1] = UUIDPGetDatum(&user->id);
	if (SPI_execute_plan(plan, values, NULL, false, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not lock organization member");
	if (SPI_processed != 1)
		members_not_found();
	member_row(SPI_tuptable, old, user->username, NULL, NULL);
}

/* The resolved target of a change to one organization member. */
typedef struct MemberChange
{
	MembersCall call;			/* actor, result buffer, SPI as the owner */
	MembersOrgRef org;
	MembersUserRef user;
	MemberState old_state;
	MembersAuditEntry audit;
} MemberChange;

/*
 * The common opening of the member-changing endpoints whose arguments 0
 * and 1 are {organization} and {user}: resolve the actor, connect to SPI
 * as the owner, resolve the organization and lock the member row (404 for
 * anything missing or not visible), and prepare the audit entry: from
 * here on refusals are audited (docs/coder-behaviour.md 9).
 */
static void
open_member_change(FunctionCallInfo fcinfo, const char *audit_action, MemberChange *c)
{
	char	   *orgarg = members_text_arg_or(fcinfo, 0, NULL);
	char	   *userarg = members_text_arg_or(fcinfo, 1, NULL);

	members_call_begin(&c->call, MEMBERS_CALL_SPI);

	members_resolve_organization(&c->call.actor, orgarg, &c->org);
	resolve_member_locked(&c->call.actor, &c->org, userarg, &c->user, &c->old_state);
	members_audit_entry_init(&c->audit, &c->call.actor, &c->org.id, audit_action,
					 "organization_member", &c->user.id, c->user.username);
}

/* Is the actor that user? */
static bool
actor_is(const MembersActor *actor, const pg_uuid_t *user_id)
{
	return !actor->is_system && members_uuid_equal(&actor->user_id, user_id);
}

/*
 * SQL: members.add_organization_member(organization text, "user" text)
 * returns jsonb.  POST /organizations/{organization}/members/{user}
 * (docs/coder-behaviour.md 7.2): the OrganizationMember with roles [].
 */
Datum
members_add_organization_member(PG_FUNCTION_ARGS)
{
	MembersCall c;
	MembersOrgRef org;
	MembersUserRef user;
	Oid			argtypes[2] = {UUIDOID, UUIDOID};
	Datum		values[2];
	SPIPlanPtr	plan;
	char	   *orgarg = members_text_arg_or(fcinfo, 0, NULL);
	char	   *userarg = members_text_arg_or(fcinfo, 1, NULL);
	char	   *added[1] = {MEMBERS_ROLE_ORG_MEMBER};
	char	   *bad = NULL;
	MembersAssignResult r;
	MemberState old_state = {0};
	MemberState new_state;
	MembersAuditEntry e;

	members_call_begin(&c, MEMBERS_CALL_SPI);

	/* path values: organization (read), user (read, as the caller) */
	members_resolve_organization(&c.actor, orgarg, &org);
	members_resolve_user(&c.actor, userarg, true, &user);

	/*
	 * dbauthz InsertOrganizationMember: canAssignRoles(org, added =
	 * [organization-member]) then create on the member object, which Coder
	 * builds as InOrg(org).WithID(user) with no owner.  NotAuthorized is
	 * 404.  The static table's refusal, a 500 in Coder, is reported as the
	 * 400 that the same check gives on the role-change endpoint.
	 */
	r = members_check_role_changes(&c.actor, &org.id, added, 1, NULL, 0, &bad);
	if (r == MEMBERS_ASSIGN_NO_PERMISSION)
		members_not_found();
	members_assign_result_raise(r, bad);
	if (!members_actor_allowed(&c.actor, MEMBERS_ACT_CREATE, MEMBERS_RES_ORGANIZATION_MEMBER,
							   &org.id, NULL))
		members_not_found();

	/* hold both rows against a concurrent delete until we commit */
	plan = members_plan(&plan_lock_org_user,
						"SELECT 1 FROM members.organizations o, members.users u "
						"WHERE o.id OPERATOR(pg_catalog.=) $1 AND u.id OPERATOR(pg_catalog.=) $2 "
						"FOR KEY SHARE OF o, u",
						2, argtypes);
	values[0] = UUIDPGetDatum(&org.id);
	values[1] = UUIDPGetDatum(&user.id);
	if (SPI_execute_plan(plan, values, NULL, false, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not lock organization and user");
	if (SPI_processed != 1)
		members_not_found();

	/* the primary key decides between concurrent adds */
	plan = members_plan(&plan_insert_member,
						"INSERT INTO members.organization_members AS m "
						"(organization_id, user_id, roles) VALUES ($1, $2, '{}') "
						"ON CONFLICT (organization_id, user_id) DO NOTHING "
						"RETURNING " MEMBER_COLUMNS,
						2, argtypes);
	if (SPI_execute_plan(plan, values, NULL, false, 0) != SPI_OK_INSERT_RETURNING)
		elog(ERROR, "could not insert organization member");
	if (SPI_processed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNIQUE_VIOLATION),
				 errmsg(MEMBERS_MSG_ALREADY_MEMBER),
				 errdetail("%s is already a member of %s", user.username, org.display_name)));

	member_row(SPI_tuptable, &new_state, user.username, &c.json, NULL);

	members_audit_entry_init(&e, &c.actor, &org.id, "create", "organization_member",
					 &user.id, user.username);
	members_audit_record(&e, HTTP_OK, member_diff(&old_state, &new_state));

	PG_RETURN_JSONB_P(members_call_end_jsonb(&c));
}

/*
 * SQL: members.remove_organization_member(organization text, "user" text)
 * returns void.  DELETE /organizations/{organization}/members/{user}
 * (docs/coder-behaviour.md 7.3): 204.
 */
Datum
members_remove_organization_member(PG_FUNCTION_ARGS)
{
	MemberChange c;
	Oid			argtypes[2] = {UUIDOID, UUIDOID};
	Datum		values[2];
	SPIPlanPtr	plan;
	MemberState new_state = {0};

	open_member_change(fcinfo, "delete", &c);

	if (actor_is(&c.call.actor, &c.user.id))
	{
		members_audit_record(&c.audit, HTTP_BAD_REQUEST, NULL);
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot remove self from an organization")));
	}
	if (!members_actor_allowed(&c.call.actor, MEMBERS_ACT_DELETE, MEMBERS_RES_ORGANIZATION_MEMBER,
							   &c.org.id, &c.user.id))
	{
		members_audit_record(&c.audit, HTTP_NOT_FOUND, NULL);
		members_not_found();
	}

	plan = members_plan(&plan_delete_member,
						"DELETE FROM members.organization_members m "
						"WHERE m.organization_id OPERATOR(pg_catalog.=) $1 "
						"AND m.user_id OPERATOR(pg_catalog.=) $2",
						2, argtypes);
	values[0] = UUIDPGetDatum(&c.org.id);
	values[1] = UUIDPGetDatum(&c.user.id);
	if (SPI_execute_plan(plan, values, NULL, false, 0) != SPI_OK_DELETE)
		elog(ERROR, "could not delete organization member");
	if (SPI_processed != 1)
		elog(ERROR, "locked organization member row disappeared");

	members_audit_record(&c.audit, HTTP_NO_CONTENT, member_diff(&c.old_state, &new_state));

	members_call_end(&c.call);
	PG_RETURN_VOID();
}

/*
 * SQL: members.update_organization_member_roles(organization text, "user"
 * text, roles text[]) returns jsonb.  PUT
 * /organizations/{organization}/members/{user}/roles (docs/coder-behaviour.md
 * 7.4): the OrganizationMember with its new roles.
 */
Datum
members_update_organization_member_roles(PG_FUNCTION_ARGS)
{
	MemberChange c;
	Oid			argtypes[3] = {UUIDOID, UUIDOID, TEXTARRAYOID};
	Datum		values[3];
	SPIPlanPtr	plan;
	char	  **given = NULL;
	int			ngiven = 0;
	char	  **requested;
	int			nrequested;
	char	  **added;
	char	  **removed;
	int			nadded;
	int			nremoved;
	char	   *bad = NULL;
	MembersAssignResult r;
	MemberState new_state;
	MembersRoleNames *names;

	open_member_change(fcinfo, "write", &c);

	if (actor_is(&c.call.actor, &c.user.id))
	{
		members_audit_record(&c.audit, HTTP_BAD_REQUEST, NULL);
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg(MEMBERS_MSG_OWN_ORG_ROLES),
				 errdetail("Another user with the appropriate permissions must change your roles.")));
	}

	/* the body: a list of bare organization role names */
	roles_arg(fcinfo, 2, &c.audit, &given, &ngiven);
	for (int i = 0; i < ngiven; i++)
	{
		CHECK_FOR_INTERRUPTS();
		if (strchr(given[i], ':') != NULL)
		{
			members_audit_record(&c.audit, HTTP_BAD_REQUEST, NULL);
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("attempt to assign a role \"%s\", remove the ':<organization_id> suffix",
							given[i])));
		}
	}
	requested = members_lower_distinct(given, ngiven, &nrequested);

	/* requested + organization-member, against the stored roles */
	change_role_set(c.old_state.roles, c.old_state.nroles, requested, nrequested,
					MEMBERS_ROLE_ORG_MEMBER, &added, &nadded, &removed, &nremoved);
	r = members_check_role_changes(&c.call.actor, &c.org.id, added, nadded,
								   removed, nremoved, &bad);
	if (r != MEMBERS_ASSIGN_OK)
	{
		members_audit_record(&c.audit, members_assign_result_status(r), NULL);
		members_assign_result_raise(r, bad);
	}

	plan = members_plan(&plan_update_member_roles,
						"UPDATE members.organization_members m "
						"SET roles = $3, updated_at = pg_catalog.now() "
						"WHERE m.organization_id OPERATOR(pg_catalog.=) $1 "
						"AND m.user_id OPERATOR(pg_catalog.=) $2 "
						"RETURNING " MEMBER_COLUMNS,
						3, argtypes);
	values[0] = UUIDPGetDatum(&c.org.id);
	values[1] = UUIDPGetDatum(&c.user.id);
	values[2] = PointerGetDatum(members_text_array_build(requested, nrequested));
	if (SPI_execute_plan(plan, values, NULL, false, 0) != SPI_OK_UPDATE_RETURNING)
		elog(ERROR, "could not update organization member roles");
	if (SPI_processed != 1)
		elog(ERROR, "locked organization member row disappeared");
	{
		SPITupleTable *updated = SPI_tuptable;

		/* the display names of the custom roles (updated survives: a read) */
		names = members_role_names_load(&c.org.id, false);
		member_row(updated, &new_state, c.user.username, &c.call.json, names);
	}

	members_audit_record(&c.audit, HTTP_OK, member_diff(&c.old_state, &new_state));

	PG_RETURN_JSONB_P(members_call_end_jsonb(&c.call));
}

/*
 * SQL: members.update_user_site_roles("user" text, roles text[]) returns
 * jsonb.  PUT /users/{user}/roles (docs/coder-behaviour.md 8.2): the User
 * object.
 */
Datum
members_update_user_site_roles(PG_FUNCTION_ARGS)
{
	MembersCall c;
	MembersUserRef user;
	Oid			argtypes[2] = {UUIDOID, TEXTARRAYOID};
	Datum		values[2];
	SPIPlanPtr	plan;
	char	   *userarg = members_text_arg_or(fcinfo, 0, NULL);
	char	  **given = NULL;
	int			ngiven = 0;
	char	  **requested;
	int			nrequested;
	char	  **stored;
	int			nstored;
	char	  **added;
	char	  **removed;
	int			nadded;
	int			nremoved;
	char	   *bad = NULL;
	MembersAssignResult r;
	MembersAuditEntry e;
	StringInfoData diff;
	bool		first;

	members_call_begin(&c, MEMBERS_CALL_SPI);

	/* the user param, as the caller (read on the user), then the row lock */
	members_resolve_user(&c.actor, userarg, true, &user);
	plan = members_plan(&plan_lock_user,
						"SELECT u.rbac_roles FROM members.users u "
						"WHERE u.id OPERATOR(pg_catalog.=) $1 FOR UPDATE",
						1, argtypes);
	values[0] = UUIDPGetDatum(&user.id);
	if (SPI_execute_plan(plan, values, NULL, false, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not lock user");
	if (SPI_processed != 1)
		members_not_found();
	{
		bool		isnull;
		Datum		d = members_col_datum(SPI_tuptable->vals[0], SPI_tuptable->tupdesc,
										  "rbac_roles", &isnull);

		stored = members_text_array(DatumGetArrayTypeP(d), "rbac_roles", &nstored);
	}

	/* from here on the target is resolved: refusals are audited */
	members_audit_entry_init(&e, &c.actor, NULL, "write", "user", &user.id, user.username);

	if (actor_is(&c.actor, &user.id))
	{
		members_audit_record(&e, HTTP_BAD_REQUEST, NULL);
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg(MEMBERS_MSG_OWN_SITE_ROLES)));
	}
	roles_arg(fcinfo, 1, &e, &given, &ngiven);
	requested = members_lower_distinct(given, ngiven, &nrequested);

	/* requested + member, against the stored roles */
	change_role_set(stored, nstored, requested, nrequested, MEMBERS_ROLE_MEMBER,
					&added, &nadded, &removed, &nremoved);
	r = members_check_role_changes(&c.actor, NULL, added, nadded,
								   removed, nremoved, &bad);
	if (r != MEMBERS_ASSIGN_OK)
	{
		members_audit_record(&e, members_assign_result_status(r), NULL);
		members_assign_result_raise(r, bad);
	}

	plan = members_plan(&plan_update_user_roles,
						"UPDATE members.users u "
						"SET rbac_roles = $2, updated_at = pg_catalog.now() "
						"WHERE u.id OPERATOR(pg_catalog.=) $1",
						2, argtypes);
	values[0] = UUIDPGetDatum(&user.id);
	values[1] = PointerGetDatum(members_text_array_build(requested, nrequested));
	if (SPI_execute_plan(plan, values, NULL, false, 0) != SPI_OK_UPDATE)
		elog(ERROR, "could not update site roles");
	if (SPI_processed != 1)
		elog(ERROR, "locked user row disappeared");

	members_user_json(&c.json, &user.id, false);

	/* Coder's audit of a user tracks rbac_roles; nothing else changes here */
	initStringInfo(&diff);
	members_json_open(&diff, '{', &first);
	members_audit_diff_field(&diff, &first, "rbac_roles",
							 js_names(stored, nstored),
							 js_names(requested, nrequested));
	members_json_close(&diff, '}');
	members_audit_record(&e, HTTP_OK, diff.data);

	PG_RETURN_JSONB_P(members_call_end_jsonb(&c));
}
