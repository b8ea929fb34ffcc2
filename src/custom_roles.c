/*-------------------------------------------------------------------------
 *
 * custom_roles.c
 *		Custom organization roles (docs/coder-behaviour.md 6):
 *		members.insert_custom_role (POST), members.update_custom_role (PUT) and
 *		members.delete_custom_role (DELETE) of
 *		/organizations/{organization}/members/roles.
 *
 * Each function runs Coder's validation steps in Coder's order
 * (docs/coder-behaviour.md 6.1, enterprise/coderd/roles.go): actor (28000),
 * organization (P0002), body shape (22023 "request body must be valid JSON"),
 * name (22023 "validation failed"), reserved name and organization-only
 * permissions (22023), authorization (POST/PUT: P0002, DELETE: 42501),
 * existence, permission validity and the escalation check (22023 "failed to
 * update role permissions"), then writes as the extension owner.  Role names
 * are lower-cased on input (docs/custom-roles.md).
 *
 * Concurrency: a duplicate name is caught by INSERT ... ON CONFLICT DO
 * NOTHING on the unique index (23505), so two concurrent inserts cannot
 * both succeed.  PUT and DELETE lock the role row FOR UPDATE before
 * changing it; role assignment (src/endpoints_write.c) locks the member
 * row FOR UPDATE, then the custom roles it adds or removes FOR SHARE
 * (src/assign.c), so an assignment and a delete of the same role are
 * serialized and no member keeps a deleted role (the table's BEFORE DELETE
 * trigger removes the name from the members in the delete's statement).
 * DELETE takes its locks in the same order as assignment, first the member
 * rows holding the role (by user id), then the role, so that the two
 * cannot deadlock.
 *
 * Audit (docs/coder-behaviour.md 9): successes write a custom_role row in the
 * same transaction; refused PUT and DELETE calls whose role was found write
 * one with their 4xx status and an empty diff, committed independently of the
 * failing transaction.  Refused POSTs are not audited.
 *
 * IDENTIFICATION
 *		src/custom_roles.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "miscadmin.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "nodes/pg_list.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"

#include "actor.h"
#include "audit.h"
#include "authz.h"
#include "builtin_roles.h"
#include "caps.h"
#include "coder_json.h"
#include "custom_roles.h"
#include "endpoint.h"
#include "ids.h"
#include "jsondecode.h"
#include "jsonout.h"
#include "messages.h"
#include "names.h"
#include "permission.h"
#include "registry.h"
#include "resolve.h"
#include "subject.h"
#include "util.h"

PG_FUNCTION_INFO_V1(members_insert_custom_role);
PG_FUNCTION_INFO_V1(members_update_custom_role);
PG_FUNCTION_INFO_V1(members_delete_custom_role);

/*---- prepared plans ----*/
static SPIPlanPtr plan_role_get = NULL;
static SPIPlanPtr plan_role_lock = NULL;
static SPIPlanPtr plan_role_insert = NULL;
static SPIPlanPtr plan_role_update = NULL;
static SPIPlanPtr plan_role_delete = NULL;
static SPIPlanPtr plan_lock_holders = NULL;

#define ROLE_COLUMNS \
	"SELECT c.id, c.name, c.display_name, c.org_permissions " \
	"FROM members.custom_roles c " \
	"WHERE c.organization_id OPERATOR(pg_catalog.=) $1 " \
	"AND c.name OPERATOR(pg_catalog.=) $2"

/* The fields of Coder's CustomRoleRequest, in Go's declaration order. */
typedef enum RequestField
{
	RF_NAME,
	RF_DISPLAY_NAME,
	RF_SITE,
	RF_USER,
	RF_ORG,
	RF_MEMBER,
	RF_COUNT
} RequestField;

static const char *const request_fields[RF_COUNT] = {
	"name", "display_name", "site_permissions", "user_permissions",
	"organization_permissions", "organization_member_permissions"
};

/* A decoded CustomRoleRequest body. */
typedef struct RoleRequest
{
	char	   *name;			/* as given; "" when absent or null */
	char	   *lname;			/* lower-cased name */
	char	   *display_name;	/* "" when absent or null */
	int			nraw[RF_COUNT]; /* entries given, per permission field */
	MembersPermList *org;		/* the valid organization permissions */
	List	   *org_invalid;	/* Coder's messages for the invalid ones */
} RoleRequest;

/* A custom role row (organization permissions only; the rest are []). */
typedef struct StoredRole
{
	pg_uuid_t	id;
	char	   *name;
	char	   *display_name;
	MembersPermList *org;
} StoredRole;

/*---- the request body ----*/

static void body_invalid(const char *detail) pg_attribute_noreturn();
static void field_type_invalid(int f, const JsonbValue *v) pg_attribute_noreturn();
static void role_check_failed(const char *detail) pg_attribute_noreturn();
static void no_such_role(const char *lname) pg_attribute_noreturn();

/* Raise Coder's 400 for an undecodable body. */
static void
body_invalid(const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg(MEMBERS_MSG_BODY_INVALID),
			 errdetail_internal("%s", detail)));
}

/* Go's name for the JSON type of v, as in its decoder's errors. */
static const char *
go_json_type(const JsonbValue *v)
{
	switch (v->type)
	{
		case jbvNull:
			return "null";
		case jbvString:
			return "string";
		case jbvNumeric:
			return "number";
		case jbvBool:
			return "bool";
		case jbvArray:
			return "array";
		case jbvObject:
			return "object";
		case jbvBinary:
			return JsonContainerIsObject(v->val.binary.data) ? "object" : "array";
		default:
			return "value";
	}
}

/* Raise Go's "cannot unmarshal" error for field f of the wrong type. */
static void
field_type_invalid(int f, const JsonbValue *v)
{
	body_invalid(psprintf("json: cannot unmarshal %s into Go struct field CustomRoleRequest.%s of type %s",
						  go_json_type(v), request_fields[f],
						  f <= RF_DISPLAY_NAME ? "string" : "[]codersdk.Permission"));
}

/* A JSON string or null field as a C string ("" for null). */
static char *
string_field(int f, const JsonbValue *v)
{
	if (v->type == jbvNull)
		return pstrdup("");
	if (v->type != jbvString)
		field_type_invalid(f, v);
	members_cap_name(f == RF_NAME ? "role name" : "role display name", v->val.string.len);
	return pnstrdup(v->val.string.val, v->val.string.len);
}

/*
 * Decode a permission list field: null is empty, an array goes to the
 * permission parser (its shape errors become the body error, as Go's
 * decoder reports them before anything is validated), anything else is a
 * type error.  Invalid entries are collected in *invalid; *nraw receives
 * the number of entries given.
 */
static MembersPermList *
perm_field(int f, const JsonbValue *v, List **invalid, int *nraw)
{
	MembersPermList *list = NULL;
	Jsonb	   *arr;
	MemoryContext cxt = CurrentMemoryContext;

	*nraw = 0;
	if (v->type == jbvNull)
		return palloc0(sizeof(MembersPermList));
	if (v->type != jbvBinary || !JsonContainerIsArray(v->val.binary.data))
		field_type_invalid(f, v);

	arr = JsonbValueToJsonb((JsonbValue *) v);
	PG_TRY();
	{
		list = members_parse_permissions_collect(arr, request_fields[f], invalid);
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(cxt);
		edata = CopyErrorData();
		if (edata->sqlerrcode != ERRCODE_INVALID_PARAMETER_VALUE)
			PG_RE_THROW();
		FlushErrorState();
		body_invalid(edata->detail ?
					 psprintf("%s. %s", edata->message, edata->detail) :
					 edata->message);
	}
	PG_END_TRY();

	*nraw = list->n + list_length(*invalid);
	return list;
}

/*
 * Decode the body (docs/coder-behaviour.md 6.1, step 4).  SQL NULL is an empty
 * body (Go's "EOF"); JSON null decodes as an empty request, as in Go; any
 * other non-object is a type error.  Unknown keys are ignored.
 */
static void
decode_request(FunctionCallInfo fcinfo, int argno, RoleRequest *req)
{
	Jsonb	   *body;
	JsonbValue	found[RF_COUNT];
	bool		have[RF_COUNT] = {false};
	JsonbValue	v;

	memset(req, 0, sizeof(RoleRequest));
	req->name = "";
	req->display_name = "";

	if (PG_ARGISNULL(argno))
		body_invalid("EOF: the request body is empty (SQL NULL).");
	body = PG_GETARG_JSONB_P(argno);

	if (JB_ROOT_IS_SCALAR(body))
	{
		if (!JsonbExtractScalar(&body->root, &v))
			elog(ERROR, "could not extract jsonb scalar");
		if (v.type != jbvNull)
			body_invalid(psprintf("json: cannot unmarshal %s into Go value of type codersdk.CustomRoleRequest",
								  go_json_type(&v)));
	}
	else if (JB_ROOT_IS_ARRAY(body))
		body_invalid("json: cannot unmarshal array into Go value of type codersdk.CustomRoleRequest");
	else
	{
		int			nperms = 0;

		/* bounded work: nesting, then the number of permissions, first */
		members_jsonb_check_depth(body, MEMBERS_MAX_JSON_DEPTH, "the request body");
		members_json_match_fields(&body->root, request_fields, RF_COUNT,
								  found, have);
		for (int f = RF_SITE; f < RF_COUNT; f++)
			if (have[f] && found[f].type == jbvBinary &&
				JsonContainerIsArray(found[f].val.binary.data))
				nperms += JsonContainerSize(found[f].val.binary.data);
		if (nperms > MEMBERS_MAX_PERMISSIONS_PER_ROLE)
			members_cap_count_exceeded("permissions", nperms, MEMBERS_MAX_PERMISSIONS_PER_ROLE);
	}

	/* decode every field before validating any (Go decodes first) */
	if (have[RF_NAME])
		req->name = string_field(RF_NAME, &found[RF_NAME]);
	if (have[RF_DISPLAY_NAME])
		req->display_name = string_field(RF_DISPLAY_NAME, &found[RF_DISPLAY_NAME]);
	for (int f = RF_SITE; f < RF_COUNT; f++)
	{
		List	   *invalid = NIL;
		MembersPermList *list;

		if (!have[f])
			continue;
		list = perm_field(f, &found[f], &invalid, &req->nraw[f]);
		if (f == RF_ORG)
		{
			req->org = list;
			req->org_invalid = invalid;
		}
	}
	if (req->org == NULL)
		req->org = palloc0(sizeof(MembersPermList));
	req->lname = members_lower(req->name);
}

/*---- validation ----*/

/*
 * Step 5: the name carries Go's "username" validator (NameValid).  The
 * lower-cased name is checked too, since that is what is stored ("NEW"
 * passes NameValid but "new" does not).
 */
static void
check_request_name(const RoleRequest *req)
{
	if (members_name_invalid_reason(req->name) != NULL ||
		members_name_invalid_reason(req->lname) != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg(MEMBERS_MSG_VALIDATION_FAILED),
				 errdetail_internal("Validation failed for tag \"username\" with value: \"%s\"",
									req->name)));
}

/*
 * Coder's validOrganizationRoleRequest (steps 6 to 10) on the lower-cased
 * name; nraw is NULL for DELETE, which has only the name.
 */
static void
valid_organization_role_request(const char *lname, const int *nraw)
{
	const char *reason;

	if (members_is_reserved_role_name(lname))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg(MEMBERS_MSG_RESERVED_ROLE_NAME),
				 errdetail_internal("\"%s\" is a reserved role name, and not allowed to be used",
									lname)));
	reason = members_name_invalid_reason(lname);
	if (reason != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg(MEMBERS_MSG_INVALID_ROLE_NAME),
				 errdetail_internal("%s", reason)));
	if (nraw == NULL)
		return;
	if (nraw[RF_SITE] > 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg(MEMBERS_MSG_ROLE_SITE_PERMS),
				 errdetail_internal("organization scoped roles may not contain site wide permissions")));
	if (nraw[RF_USER] > 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg(MEMBERS_MSG_ROLE_USER_PERMS),
				 errdetail_internal("organization scoped roles may not contain user permissions")));
	if (nraw[RF_MEMBER] > 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg(MEMBERS_MSG_ROLE_MEMBER_PERMS),
				 errdetail_internal("organization scoped roles may not contain organization member permissions")));
}

/*
 * Steps 4 to 10 of POST and PUT: decode the body of argument argno, then
 * check the name and Coder's validOrganizationRoleRequest.
 */
static void
read_role_request(FunctionCallInfo fcinfo, int argno, RoleRequest *req)
{
	decode_request(fcinfo, argno, req); /* step 4 */
	check_request_name(req);	/* step 5 */
	valid_organization_role_request(req->lname, req->nraw); /* 6-10 */
}

/*
 * Coder's customRoleCheck for an organization role (step 13, the parts an
 * organization-only request can reach): every permission valid (step 13d of
 * docs/coder-behaviour.md 6.1, all
 * invalid ones reported, joined by newlines as errors.Join does), then the
 * escalation check of each permission in order (step 13g).  NULL when the role
 * passes, else the error text (the detail of "failed to update role
 * permissions").
 */
static char *
custom_role_check(const MembersActor *actor, const pg_uuid_t *org,
				  const RoleRequest *req)
{
	char		orgtxt[37];
	ListCell   *lc;

	members_uuid_to_cstring(org, orgtxt);

	if (req->org_invalid != NIL)
	{
		StringInfoData buf;
		bool		first = true;

		initStringInfo(&buf);
		appendStringInfoString(&buf, "invalid role: ");
		foreach(lc, req->org_invalid)
		{
			if (!first)
				appendStringInfoChar(&buf, '\n');
			first = false;
			appendStringInfo(&buf, "org=\"%s\": org %s", orgtxt, (char *) lfirst(lc));
		}
		return buf.data;
	}

	for (int i = 0; i < req->org->n; i++)
	{
		const MembersPermission *p = &req->org->items[i];
		const char *why = NULL;

		CHECK_FOR_INTERRUPTS();

		if (p->negate)
			why = "no negative permissions";
		else if (members_permission_has_wildcard(p))
			why = "no wildcard symbols";
		else if (!members_actor_allowed(actor, p->action, p->resource, org, NULL))
			why = "not allowed to grant this permission";
		if (why != NULL)
			return psprintf("org=\"%s\": org: invalid permission for action=\"%s\" type=\"%s\", %s",
							orgtxt, members_action_names[p->action],
							members_resource_names[p->resource], why);
	}
	return NULL;
}

/* Raise the 400 of a failed customRoleCheck. */
static void
role_check_failed(const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg(MEMBERS_MSG_ROLE_UPDATE_FAILED),
			 errdetail_internal("%s", detail)));
}

/*---- rows ----*/

/*
 * Read the role lname of org into *out (strings palloc'd in the current
 * context), locking it FOR UPDATE when lock.  False when there is none.
 */
static bool
fetch_role(const pg_uuid_t *org, const char *lname, bool lock, StoredRole *out)
{
	Oid			argtypes[2] = {UUIDOID, TEXTOID};
	Datum		values[2];
	SPIPlanPtr	plan;
	HeapTuple	row;
	TupleDesc	desc;
	bool		isnull;
	Datum		d;

	if (lock)
		plan = members_plan(&plan_role_lock, ROLE_COLUMNS " FOR UPDATE", 2, argtypes);
	else
		plan = members_plan(&plan_role_get, ROLE_COLUMNS, 2, argtypes);
	values[0] = UUIDPGetDatum(org);
	values[1] = CStringGetTextDatum(lname);
	if (SPI_execute_plan(plan, values, NULL, !lock, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not read custom role");
	if (SPI_processed == 0)
		return false;

	row = SPI_tuptable->vals[0];
	desc = SPI_tuptable->tupdesc;
	out->id = members_col_uuid(row, desc, "id");
	out->name = members_col_text(row, desc, "name");
	out->display_name = members_col_text(row, desc, "display_name");
	d = members_col_datum(row, desc, "org_permissions", &isnull);
	/* stored permissions were validated on the way in */
	out->org = members_parse_permissions(isnull ? NULL : DatumGetJsonbP(d),
										 "org_permissions", false);
	return true;
}

/* The permissions as JSON text; an empty list is Go's nil slice, null. */
static char *
perms_json(const MembersPermList *l)
{
	StringInfoData buf;

	if (l == NULL || l->n == 0)
		return "null";
	initStringInfo(&buf);
	members_permlist_to_json(&buf, l);
	return buf.data;
}

/*
 * The audit diff between two versions of a role (docs/coder-behaviour.md 9:
 * name, display_name and the four permission lists).  A missing side (NULL) is
 * Go's zero value: empty strings and null lists; empty lists are null on both
 * sides, so that only real changes show.
 */
static char *
role_diff(const StoredRole *old, const StoredRole *new)
{
	StringInfoData buf;
	bool		first;

	initStringInfo(&buf);
	members_json_open(&buf, '{', &first);
	members_audit_diff_field(&buf, &first, "name",
							 members_json_string_text(old ? old->name : ""),
							 members_json_string_text(new ? new->name : ""));
	members_audit_diff_field(&buf, &first, "display_name",
							 members_json_string_text(old ? old->display_name : ""),
							 members_json_string_text(new ? new->display_name : ""));
	members_audit_diff_field(&buf, &first, "site_permissions", "null", "null");
	members_audit_diff_field(&buf, &first, "org_permissions",
							 perms_json(old ? old->org : NULL),
							 perms_json(new ? new->org : NULL));
	members_audit_diff_field(&buf, &first, "user_permissions", "null", "null");
	members_audit_diff_field(&buf, &first, "member_permissions", "null", "null");
	members_json_close(&buf, '}');
	return buf.data;
}

/*
 * Write the audit row of a custom-role call: in the transaction for a
 * success, committed on its own for a refusal (diff "{}").
 */
static void
audit_role(const MembersActor *actor, const pg_uuid_t *org, const char *action,
		   const StoredRole *role, const char *diff, int status)
{
	MembersAuditEntry e;

	members_audit_entry_init(&e, actor, org, action, MEMBERS_AUDIT_RESOURCE_CUSTOM_ROLE,
							 &role->id, role->name);
	members_audit_record(&e, status, diff);
}

/*
 * Coder's Role object of a custom role (db2sdk.Role: organization permissions
 * only).
 */
static void
role_json(StringInfo buf, const StoredRole *role, const pg_uuid_t *org)
{
	MembersRoleJson r = {
		.name = role->name, .org_id = org, .display_name = role->display_name,
		.org = role->org, .member_null = true
	};

	members_role_json(buf, &r);
}

/*---- the endpoints ----*/

/*
 * SQL: members.insert_custom_role(organization text, role jsonb) returns
 * jsonb.  POST /organizations/{organization}/members/roles: create an
 * organization custom role; 200 with the Role object.
 */
Datum
members_insert_custom_role(PG_FUNCTION_ARGS)
{
	MembersCall c;
	MembersOrgRef org;
	RoleRequest req;
	StoredRole role;
	StringInfoData perms;
	char	   *orgarg = members_text_arg_or(fcinfo, 0, NULL);
	char	   *failure;
	Oid			argtypes[4] = {TEXTOID, TEXTOID, TEXTOID, UUIDOID};
	Datum		values[4];
	SPIPlanPtr	plan;

	members_call_begin(&c, MEMBERS_CALL_SPI);	/* step 1 */

	members_resolve_organization(&c.actor, orgarg, &org); /* step 3 */
	read_role_request(fcinfo, 1, &req); /* steps 4-10 */

	/* step 11: create on assign_org_role in the organization, else 404 */
	if (!members_actor_allowed(&c.actor, MEMBERS_ACT_CREATE, MEMBERS_RES_ASSIGN_ORG_ROLE,
							   &org.id, NULL))
		members_not_found();

	/* step 13 */
	failure = custom_role_check(&c.actor, &org.id, &req);
	if (failure != NULL)
		role_check_failed(failure);

	/* step 14: the unique index decides, also under concurrency */
	initStringInfo(&perms);
	members_permlist_to_json(&perms, req.org);
	plan = members_plan(&plan_role_insert,
						"INSERT INTO members.custom_roles "
						"(name, display_name, org_permissions, organization_id) "
						"VALUES ($1, $2, $3::pg_catalog.jsonb, $4) "
						"ON CONFLICT (organization_id, name) DO NOTHING "
						"RETURNING id",
						4, argtypes);
	values[0] = CStringGetTextDatum(req.lname);
	values[1] = CStringGetTextDatum(req.display_name);
	values[2] = CStringGetTextDatum(perms.data);
	values[3] = UUIDPGetDatum(&org.id);
	if (SPI_execute_plan(plan, values, NULL, false, 0) != SPI_OK_INSERT_RETURNING)
		elog(ERROR, "could not insert custom role");
	if (SPI_processed == 0)
	{
		char		orgtxt[37];

		members_uuid_to_cstring(&org.id, orgtxt);
		ereport(ERROR,
				(errcode(ERRCODE_UNIQUE_VIOLATION),
				 errmsg(MEMBERS_MSG_ROLE_UPDATE_FAILED),
				 errdetail_internal("duplicate key value violates unique constraint \"custom_roles_name_org_idx\": Key (organization_id, name)=(%s, %s) already exists.",
									orgtxt, req.lname)));
	}

	role.id = members_col_uuid(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, "id");
	role.name = req.lname;
	role.display_name = req.display_name;
	role.org = req.org;

	audit_role(&c.actor, &org.id, "create", &role, role_diff(NULL, &role), 200);
	role_json(&c.json, &role, &org.id);

	PG_RETURN_JSONB_P(members_call_end_jsonb(&c));
}

/*
 * SQL: members.update_custom_role(organization text, role jsonb) returns
 * jsonb.  PUT /organizations/{organization}/members/roles: replace the
 * display name and permissions of an existing role (no upsert); 200 with
 * the Role object.
 */
Datum
members_update_custom_role(PG_FUNCTION_ARGS)
{
	MembersCall c;
	MembersOrgRef org;
	RoleRequest req;
	StoredRole old;
	StoredRole role;
	StringInfoData perms;
	char	   *orgarg = members_text_arg_or(fcinfo, 0, NULL);
	char	   *failure;
	Oid			argtypes[3] = {UUIDOID, TEXTOID, TEXTOID};
	Datum		values[3];
	SPIPlanPtr	plan;

	members_call_begin(&c, MEMBERS_CALL_SPI);	/* step 1 */

	members_resolve_organization(&c.actor, orgarg, &org); /* step 3 */
	read_role_request(fcinfo, 1, &req); /* steps 4-10 */

	/*
	 * Step 11: update on assign_org_role in the organization, else 404.  As
	 * in Coder, whose handler looks the role up before the refused update,
	 * a refusal is audited when the role exists.
	 */
	if (!members_actor_allowed(&c.actor, MEMBERS_ACT_UPDATE, MEMBERS_RES_ASSIGN_ORG_ROLE,
							   &org.id, NULL))
	{
		if (fetch_role(&org.id, req.lname, false, &old))
			audit_role(&c.actor, &org.id, "write", &old, NULL, 404);
		members_not_found();
	}

	/* step 12: the role must exist; lock it against concurrent changes */
	if (!fetch_role(&org.id, req.lname, true, &old))
		members_not_found();

	/* step 13 */
	failure = custom_role_check(&c.actor, &org.id, &req);
	if (failure != NULL)
	{
		audit_role(&c.actor, &org.id, "write", &old, NULL, 400);
		role_check_failed(failure);
	}

	initStringInfo(&perms);
	members_permlist_to_json(&perms, req.org);
	plan = members_plan(&plan_role_update,
						"UPDATE members.custom_roles c "
						"SET display_name = $2, org_permissions = $3::pg_catalog.jsonb, "
						"site_permissions = '[]', user_permissions = '[]', "
						"member_permissions = '[]', updated_at = pg_catalog.now() "
						"WHERE c.id OPERATOR(pg_catalog.=) $1",
						3, argtypes);
	values[0] = UUIDPGetDatum(&old.id);
	values[1] = CStringGetTextDatum(req.display_name);
	values[2] = CStringGetTextDatum(perms.data);
	if (SPI_execute_plan(plan, values, NULL, false, 0) != SPI_OK_UPDATE ||
		SPI_processed != 1)
		elog(ERROR, "could not update custom role");

	role.id = old.id;
	role.name = old.name;
	role.display_name = req.display_name;
	role.org = req.org;

	audit_role(&c.actor, &org.id, "write", &role, role_diff(&old, &role), 200);
	role_json(&c.json, &role, &org.id);

	PG_RETURN_JSONB_P(members_call_end_jsonb(&c));
}

/* Raise the 404 of DELETE for a role that does not exist. */
static void
no_such_role(const char *lname)
{
	ereport(ERROR,
			(errcode(ERRCODE_NO_DATA_FOUND),
			 errmsg(MEMBERS_MSG_NO_CUSTOM_ROLE, lname),
			 errdetail_internal("no role found")));
}

/*
 * SQL: members.delete_custom_role(organization text, role_name text)
 * returns void.  DELETE /organizations/{organization}/members/roles/
 * {roleName}: 204; the role's name leaves every member of the organization
 * in the same statement (table trigger).
 */
Datum
members_delete_custom_role(PG_FUNCTION_ARGS)
{
	MembersCall c;
	MembersOrgRef org;
	StoredRole role;
	char	   *orgarg = members_text_arg_or(fcinfo, 0, NULL);
	char	   *lname;
	Oid			argtypes[1] = {UUIDOID};
	Datum		values[1];
	SPIPlanPtr	plan;

	lname = members_lower(members_text_arg_or(fcinfo, 1, ""));

	members_call_begin(&c, MEMBERS_CALL_SPI);	/* step 1 */

	members_resolve_organization(&c.actor, orgarg, &org); /* step 3 */
	valid_organization_role_request(lname, NULL);	/* steps 6, 7 */

	/*
	 * The lookup reads assign_org_role in the organization (Coder answers
	 * 500 when that is refused; unreachable for anyone who can see the
	 * organization).  The role is looked up before the delete is
	 * authorized, so a refused delete is audited.
	 */
	if (!members_actor_allowed(&c.actor, MEMBERS_ACT_READ, MEMBERS_RES_ASSIGN_ORG_ROLE,
							   &org.id, NULL))
		members_forbidden();
	if (!fetch_role(&org.id, lname, false, &role))
		no_such_role(lname);

	if (!members_actor_allowed(&c.actor, MEMBERS_ACT_DELETE, MEMBERS_RES_ASSIGN_ORG_ROLE,
							   &org.id, NULL))
	{
		audit_role(&c.actor, &org.id, "delete", &role, NULL, 403);
		members_forbidden();
	}

	/*
	 * Lock before deleting, in the order role assignment locks: the member
	 * rows that hold the role, then the role.  A concurrent assignment that
	 * holds the role FOR SHARE finishes first (the trigger then removes the
	 * name from its member), or waits and finds the role gone.
	 */
	{
		Oid			t2[2] = {UUIDOID, TEXTOID};
		Datum		v2[2];

		plan = members_plan(&plan_lock_holders,
							"SELECT 1 FROM members.organization_members m "
							"WHERE m.organization_id OPERATOR(pg_catalog.=) $1 "
							"AND $2 OPERATOR(pg_catalog.=) ANY (m.roles) "
							"ORDER BY m.user_id FOR NO KEY UPDATE",
							2, t2);
		v2[0] = UUIDPGetDatum(&org.id);
		v2[1] = CStringGetTextDatum(lname);
		if (SPI_execute_plan(plan, v2, NULL, false, 0) != SPI_OK_SELECT)
			elog(ERROR, "could not lock the members holding the custom role");
	}
	if (!fetch_role(&org.id, lname, true, &role))
		no_such_role(lname);

	plan = members_plan(&plan_role_delete,
						"DELETE FROM members.custom_roles c "
						"WHERE c.id OPERATOR(pg_catalog.=) $1",
						1, argtypes);
	values[0] = UUIDPGetDatum(&role.id);
	if (SPI_execute_plan(plan, values, NULL, false, 0) != SPI_OK_DELETE ||
		SPI_processed != 1)
		elog(ERROR, "could not delete custom role");

	audit_role(&c.actor, &org.id, "delete", &role, role_diff(&role, NULL), 204);

	members_call_end(&c);
	PG_RETURN_VOID();
}
