/*-------------------------------------------------------------------------
 *
 * coder_json.c
 *		Coder's JSON shapes; see coder_json.h.
 *
 * IDENTIFICATION
 *		src/coder_json.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"

#include "builtin_roles.h"
#include "coder_json.h"
#include "ids.h"
#include "jsonout.h"
#include "member_rows.h"
#include "permission.h"
#include "registry.h"
#include "util.h"

struct MembersRoleNames
{
	int			n;
	char	  **names;			/* sorted by name (the query's order) */
	char	  **display_names;
};

static SPIPlanPtr plan_role_names = NULL;
static SPIPlanPtr plan_user_by_id = NULL;

/*
 * "key": s, left out when s is empty: Go's omitempty, which codersdk puts
 * on User's name and avatar_url.
 */
static void
kv_string_omitempty(StringInfo buf, bool *first, const char *key, const char *s)
{
	if (s[0] != '\0')
		members_json_kv_string(buf, first, key, s);
}

/* "key": [roles as SlimRoles], from a text[] datum. */
static void
kv_slim_roles(MembersJsonb *b, const char *key, Datum roles,
			  const char *what, const MembersRoleNames *names,
			  const pg_uuid_t *org_id)
{
	char	  **elems;
	int			n;

	elems = members_text_array(DatumGetArrayTypeP(roles), what, &n);
	members_jsonb_key(b, key);
	members_slim_roles_push(b, names, elems, n, org_id);
}

/*---- roles ----*/

/* See coder_json.h. */
MembersRoleNames *
members_role_names_load(const pg_uuid_t *org_id, bool read_only)
{
	Oid			argtypes[1] = {UUIDOID};
	Datum		values[1];
	SPIPlanPtr	plan;
	MembersRoleNames *r;
	MemoryContext caller = CurrentMemoryContext;
	int			name_col;
	int			display_col;

	/* read-only: by the index, what the read-only query would see */
	r = palloc(sizeof(MembersRoleNames));
	if (read_only &&
		members_custom_role_names_read(org_id, &r->n, &r->names, &r->display_names))
		return r;
	pfree(r);

	plan = members_plan(&plan_role_names,
						"SELECT c.name, c.display_name FROM members.custom_roles c "
						"WHERE c.organization_id OPERATOR(pg_catalog.=) $1 "
						"ORDER BY c.name COLLATE pg_catalog.\"C\"",
						1, argtypes);
	values[0] = UUIDPGetDatum(org_id);
	if (SPI_execute_plan(plan, values, NULL, read_only, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read custom role names");

	r = MemoryContextAlloc(caller, sizeof(MembersRoleNames));
	r->n = (int) SPI_processed;
	r->names = MemoryContextAlloc(caller, sizeof(char *) * Max(r->n, 1));
	r->display_names = MemoryContextAlloc(caller, sizeof(char *) * Max(r->n, 1));
	name_col = members_col_number(SPI_tuptable->tupdesc, "name");
	display_col = members_col_number(SPI_tuptable->tupdesc, "display_name");
	for (int i = 0; i < r->n; i++)
	{
		HeapTuple	row = SPI_tuptable->vals[i];

		r->names[i] = MemoryContextStrdup(caller, members_colno_text(row, SPI_tuptable->tupdesc, name_col));
		r->display_names[i] = MemoryContextStrdup(caller, members_colno_text(row, SPI_tuptable->tupdesc, display_col));
	}
	return r;
}

/* Display name of a custom role, or NULL (binary search). */
static const char *
custom_display_name(const MembersRoleNames *names, const char *role)
{
	int			lo = 0;
	int			hi = names ? names->n - 1 : -1;

	while (lo <= hi)
	{
		int			mid = lo + (hi - lo) / 2;
		int			c = strcmp(names->names[mid], role);

		if (c == 0)
			return names->display_names[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return NULL;
}

/* See coder_json.h. */
void
members_slim_roles_push(MembersJsonb *b, const MembersRoleNames *names,
						char **roles, int n, const pg_uuid_t *org_id)
{
	MembersRoleScope scope = org_id ? MEMBERS_SCOPE_ORG : MEMBERS_SCOPE_SITE;

	members_jsonb_begin_array(b);
	for (int i = 0; i < n; i++)
	{
		const MembersBuiltinRole *br = members_builtin_role(roles[i], scope, false);
		const char *display = br ? br->display_name : NULL;

		CHECK_FOR_INTERRUPTS();
		if (display == NULL && org_id != NULL)
			display = custom_display_name(names, roles[i]);
		members_jsonb_begin_object(b);
		members_jsonb_kv_string(b, "name", roles[i]);
		members_jsonb_key(b, "display_name");
		if (br != NULL)
			members_jsonb_const_string(b, display);
		else
			members_jsonb_string(b, display ? display : "");
		if (org_id)
			members_jsonb_kv_uuid(b, "organization_id", org_id);
		members_jsonb_end_object(b);
	}
	members_jsonb_end_array(b);
}

/* The Role fields (no braces). */
static void
role_fields(MembersJsonb *b, const MembersRoleJson *r)
{
	members_jsonb_kv_string(b, "name", r->name);
	if (r->org_id != NULL)
		members_jsonb_kv_uuid(b, "organization_id", r->org_id);
	members_jsonb_kv_string(b, "display_name", r->display_name);
	members_jsonb_key(b, "site_permissions");
	members_permlist_push(b, r->site);
	members_jsonb_key(b, "user_permissions");
	members_permlist_push(b, r->user);
	members_jsonb_key(b, "organization_permissions");
	members_permlist_push(b, r->org);
	members_jsonb_key(b, "organization_member_permissions");
	if (r->member_null)
		members_jsonb_null(b);
	else
		members_permlist_push(b, r->member);
}

/* See coder_json.h. */
void
members_role_json(StringInfo buf, const MembersRoleJson *r)
{
	MembersJsonb b;

	members_jsonb_init(&b);
	members_jsonb_begin_object(&b);
	role_fields(&b, r);
	members_jsonb_end_object(&b);
	members_json_append_jsonb(buf, &b);
}

/*---- organizations and users ----*/

/* See coder_json.h. */
void
members_organization_json(StringInfo buf, HeapTuple row, TupleDesc desc)
{
	bool		first;
	pg_uuid_t	id = members_col_uuid(row, desc, "id");

	members_json_open(buf, '{', &first);
	members_json_kv_uuid(buf, &first, "id", &id);
	members_json_kv_string(buf, &first, "name", members_col_text(row, desc, "name"));
	members_json_kv_string(buf, &first, "display_name", members_col_text(row, desc, "display_name"));
	members_json_kv_string(buf, &first, "description", members_col_text(row, desc, "description"));
	members_json_kv_string(buf, &first, "icon", members_col_text(row, desc, "icon"));
	members_json_kv_bool(buf, &first, "is_default", members_col_bool(row, desc, "is_default"));
	members_json_kv_bool(buf, &first, "workspace_sharing_disabled",
			   members_col_bool(row, desc, "workspace_sharing_disabled"));
	members_json_kv_timestamp(buf, &first, "created_at", members_col_timestamptz(row, desc, "created_at"));
	members_json_kv_timestamp(buf, &first, "updated_at", members_col_timestamptz(row, desc, "updated_at"));
	members_json_close(buf, '}');
}

/* See coder_json.h. */
void
members_user_json(StringInfo buf, const pg_uuid_t *user_id, bool read_only)
{
	Oid			argtypes[1] = {UUIDOID};
	Datum		values[1];
	SPIPlanPtr	plan;
	HeapTuple	row;
	TupleDesc	desc;
	bool		first;
	bool		afirst;
	bool		isnull;
	Datum	   *elems;
	bool	   *nulls;
	int			n;

	plan = members_plan(&plan_user_by_id,
						"SELECT u.id, u.username, u.email, u.name, u.avatar_url, u.status, "
						"u.login_type, u.rbac_roles, u.created_at, u.updated_at, u.last_seen_at, "
						"ARRAY(SELECT m.organization_id FROM members.organization_members m "
						"      WHERE m.user_id OPERATOR(pg_catalog.=) u.id "
						"      ORDER BY m.organization_id) AS organization_ids "
						"FROM members.users u WHERE u.id OPERATOR(pg_catalog.=) $1",
						1, argtypes);
	values[0] = UUIDPGetDatum(user_id);
	if (SPI_execute_plan(plan, values, NULL, read_only, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not read user");
	if (SPI_processed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_NO_DATA_FOUND),
				 errmsg("resource not found or you do not have access to this resource")));
	row = SPI_tuptable->vals[0];
	desc = SPI_tuptable->tupdesc;

	members_json_open(buf, '{', &first);
	members_json_kv_uuid(buf, &first, "id", user_id);
	members_json_kv_string(buf, &first, "username", members_col_text(row, desc, "username"));
	members_json_kv_string(buf, &first, "email", members_col_text(row, desc, "email"));
	kv_string_omitempty(buf, &first, "name", members_col_text(row, desc, "name"));
	kv_string_omitempty(buf, &first, "avatar_url", members_col_text(row, desc, "avatar_url"));
	members_json_kv_string(buf, &first, "status", members_col_text(row, desc, "status"));
	members_json_kv_string(buf, &first, "login_type", members_col_text(row, desc, "login_type"));
	{
		MembersJsonb b;
		char	  **elems;
		int			nroles;

		elems = members_text_array(DatumGetArrayTypeP(members_col_datum(row, desc, "rbac_roles", &isnull)),
								   "rbac_roles", &nroles);
		members_json_key(buf, &first, "roles");
		members_jsonb_init(&b);
		members_slim_roles_push(&b, NULL, elems, nroles, NULL);
		members_json_append_jsonb(buf, &b);
	}

	deconstruct_array(DatumGetArrayTypeP(members_col_datum(row, desc, "organization_ids", &isnull)),
					  UUIDOID, UUID_LEN, false, TYPALIGN_CHAR, &elems, &nulls, &n);
	members_json_key(buf, &first, "organization_ids");
	members_json_open(buf, '[', &afirst);
	for (int i = 0; i < n; i++)
	{
		members_json_elem(buf, &afirst);
		members_json_uuid(buf, DatumGetUUIDP(elems[i]));
	}
	members_json_close(buf, ']');
	members_json_kv_timestamp(buf, &first, "created_at", members_col_timestamptz(row, desc, "created_at"));
	members_json_kv_timestamp(buf, &first, "updated_at", members_col_timestamptz(row, desc, "updated_at"));
	/* a time.Time tagged omitempty, which Go never omits: the zero time until seen */
	members_json_kv_timestamp(buf, &first, "last_seen_at", members_col_timestamptz(row, desc, "last_seen_at"));
	members_json_close(buf, '}');
}

/*---- organization members ----*/

/* See coder_json.h. */
void
members_member_cols(TupleDesc desc, bool with_user, MembersMemberCols *cols)
{
	memset(cols, 0, sizeof(*cols));
	cols->user_id = members_col_number(desc, "user_id");
	cols->organization_id = members_col_number(desc, "organization_id");
	cols->created_at = members_col_number(desc, "created_at");
	cols->updated_at = members_col_number(desc, "updated_at");
	cols->roles = members_col_number(desc, "roles");
	if (!with_user)
		return;
	cols->username = members_col_number(desc, "username");
	cols->name = members_col_number(desc, "name");
	cols->avatar_url = members_col_number(desc, "avatar_url");
	cols->email = members_col_number(desc, "email");
	cols->rbac_roles = members_col_number(desc, "rbac_roles");
}

/*
 * The OrganizationMember fields (no braces), so that
 * OrganizationMemberWithUserData can flatten them in.
 */
static void
org_member_fields(MembersJsonb *b, const MembersRoleNames *names,
				  HeapTuple row, TupleDesc desc, const MembersMemberCols *cols)
{
	pg_uuid_t	user_id = members_colno_uuid(row, desc, cols->user_id);
	pg_uuid_t	org_id = members_colno_uuid(row, desc, cols->organization_id);
	bool		isnull;

	members_jsonb_kv_uuid(b, "user_id", &user_id);
	members_jsonb_kv_uuid(b, "organization_id", &org_id);
	members_jsonb_kv_timestamp(b, "created_at", members_colno_timestamptz(row, desc, cols->created_at));
	members_jsonb_kv_timestamp(b, "updated_at", members_colno_timestamptz(row, desc, cols->updated_at));
	kv_slim_roles(b, "roles",
				  members_colno_datum(row, desc, cols->roles, &isnull),
				  "roles", names, &org_id);
}

/* See coder_json.h. */
void
members_org_member_json(StringInfo buf, const MembersRoleNames *names,
						HeapTuple row, TupleDesc desc, const MembersMemberCols *cols)
{
	MembersJsonb b;

	members_jsonb_init(&b);
	members_jsonb_begin_object(&b);
	org_member_fields(&b, names, row, desc, cols);
	members_jsonb_end_object(&b);
	members_json_append_jsonb(buf, &b);
}

/*
 * "key": the text t (NULL: ""), left out when empty if omitempty (Go's
 * omitempty, which codersdk puts on MinimalUser's name and avatar_url).
 */
static void
kv_text(MembersJsonb *b, const char *key, text *t, bool omitempty)
{
	int			len = t ? VARSIZE_ANY_EXHDR(t) : 0;

	if (omitempty && len == 0)
		return;
	members_jsonb_key(b, key);
	members_jsonb_string_len(b, t ? VARDATA_ANY(t) : "", len);
}

/* The text of column colno of row, NULL when null. */
static text *
col_text_or_null(HeapTuple row, TupleDesc desc, int colno)
{
	bool		isnull;
	Datum		d = members_colno_datum(row, desc, colno, &isnull);

	return isnull ? NULL : DatumGetTextPP(d);
}

/* See coder_json.h. */
void
members_member_values_push(MembersJsonb *b, const MembersRoleNames *names,
						   const MembersMemberValues *v)
{
	members_jsonb_begin_object(b);
	kv_text(b, "username", v->username, false);
	kv_text(b, "name", v->name, true);
	kv_text(b, "avatar_url", v->avatar_url, true);
	kv_text(b, "email", v->email, false);
	kv_slim_roles(b, "global_roles", v->rbac_roles, "rbac_roles", NULL, NULL);
	/* the OrganizationMember fields, as org_member_fields writes them */
	members_jsonb_kv_uuid(b, "user_id", &v->user_id);
	members_jsonb_kv_uuid(b, "organization_id", &v->organization_id);
	members_jsonb_kv_timestamp(b, "created_at", v->created_at);
	members_jsonb_kv_timestamp(b, "updated_at", v->updated_at);
	kv_slim_roles(b, "roles", v->roles, "roles", names, &v->organization_id);
	members_jsonb_end_object(b);
}

/*
 * The tree writer's form of the members listing (members_member_list_tree):
 * jsonb orders an object's keys by length, then bytewise, so the objects'
 * keys are added in that order: a SlimRole's name, display_name,
 * organization_id; a member's name, email, roles, user_id, username,
 * avatar_url, created_at, updated_at, global_roles, organization_id.
 */
#define JKEY(s) (s), (int) (sizeof(s) - 1)

/* A uuid's text, shared by every value that shows the same uuid. */
typedef struct UuidText
{
	bool		set;
	pg_uuid_t	id;
	char	   *text;
} UuidText;

/* Fill v with u's text, written once per distinct u in a row (*last). */
static void
jtree_uuid_shared(MembersJsonb *b, JsonbValue *v, const pg_uuid_t *u, UuidText *last)
{
	if (!last->set || memcmp(last->id.data, u->data, UUID_LEN) != 0)
	{
		last->text = MemoryContextAlloc(b->cxt, 37);
		members_uuid_to_cstring(u, last->text);
		last->id = *u;
		last->set = true;
	}
	members_jtree_string(v, last->text, 36);
}

/*
 * Fill slot with the SlimRoles of a text[] datum, as members_slim_roles_push
 * writes them (org_id NULL: site roles, no organization_id).
 */
static void
slim_roles_tree(MembersJsonb *b, JsonbValue *slot, Datum roles, const char *what,
				const MembersRoleNames *names, const pg_uuid_t *org_id,
				UuidText *org_text)
{
	MembersRoleScope scope = org_id ? MEMBERS_SCOPE_ORG : MEMBERS_SCOPE_SITE;
	int			n;
	char	  **elems = members_text_array(DatumGetArrayTypeP(roles), what, &n);
	MembersJtree *arr = members_jtree_array(b, n);

	for (int i = 0; i < n; i++)
	{
		const MembersBuiltinRole *br = members_builtin_role(elems[i], scope, false);
		MembersJtree *o = members_jtree_object(b, org_id ? 3 : 2);
		JsonbValue *dv;

		CHECK_FOR_INTERRUPTS();
		members_jtree_string(members_jtree_put(o, JKEY("name")), elems[i], strlen(elems[i]));
		dv = members_jtree_put(o, JKEY("display_name"));
		if (br != NULL)
			members_jtree_string(dv, br->display_name, strlen(br->display_name));
		else
		{
			const char *display = org_id ? custom_display_name(names, elems[i]) : NULL;

			members_jtree_string(dv, display ? display : "", display ? strlen(display) : 0);
		}
		if (org_id)
			jtree_uuid_shared(b, members_jtree_put(o, JKEY("organization_id")), org_id, org_text);
		members_jtree_set(members_jtree_push(arr), o);
	}
	members_jtree_set(slot, arr);
}

/* Fill v with the text t (NULL: ""), referenced. */
static void
jtree_text(JsonbValue *v, const text *t)
{
	members_jtree_string(v, t ? VARDATA_ANY(t) : "", t ? VARSIZE_ANY_EXHDR(t) : 0);
}

/* Is the text t (NULL: "") empty? */
static bool
text_empty(const text *t)
{
	return t == NULL || VARSIZE_ANY_EXHDR(t) == 0;
}

/* See coder_json.h. */
MembersJtree *
members_member_list_tree(MembersJsonb *b, const MembersRoleNames *names,
						 const MembersMemberValues *rows, int64 from, int64 to)
{
	MemoryContext old = MemoryContextSwitchTo(b->cxt);
	MembersJtree *list = members_jtree_array(b, (int) Max(to - from, 0));
	UuidText	org_text = {false};

	for (int64 i = from; i < to; i++)
	{
		const MembersMemberValues *v = &rows[i];
		MembersJtree *o = members_jtree_object(b, 10);

		CHECK_FOR_INTERRUPTS();
		if (!text_empty(v->name))	/* omitempty */
			jtree_text(members_jtree_put(o, JKEY("name")), v->name);
		jtree_text(members_jtree_put(o, JKEY("email")), v->email);
		slim_roles_tree(b, members_jtree_put(o, JKEY("roles")), v->roles, "roles",
						names, &v->organization_id, &org_text);
		members_jtree_uuid(b, members_jtree_put(o, JKEY("user_id")), &v->user_id);
		jtree_text(members_jtree_put(o, JKEY("username")), v->username);
		if (!text_empty(v->avatar_url)) /* omitempty */
			jtree_text(members_jtree_put(o, JKEY("avatar_url")), v->avatar_url);
		members_jtree_timestamp(b, members_jtree_put(o, JKEY("created_at")), v->created_at);
		members_jtree_timestamp(b, members_jtree_put(o, JKEY("updated_at")), v->updated_at);
		slim_roles_tree(b, members_jtree_put(o, JKEY("global_roles")), v->rbac_roles,
						"rbac_roles", NULL, NULL, NULL);
		jtree_uuid_shared(b, members_jtree_put(o, JKEY("organization_id")),
						  &v->organization_id, &org_text);
		members_jtree_set(members_jtree_push(list), o);
	}
	MemoryContextSwitchTo(old);
	return list;
}

/* Fill slot with a permission list (NULL: []) as members_permlist_push writes it. */
static void
permlist_tree(MembersJsonb *b, JsonbValue *slot, const MembersPermList *l)
{
	int			n = l ? l->n : 0;
	MembersJtree *arr = members_jtree_array(b, n);

	for (int i = 0; i < n; i++)
	{
		const MembersPermission *p = &l->items[i];
		MembersJtree *o = members_jtree_object(b, 3);
		const char *action = members_action_names[p->action];
		const char *resource = members_resource_names[p->resource];

		CHECK_FOR_INTERRUPTS();
		members_jtree_string(members_jtree_put(o, JKEY("action")), action, strlen(action));
		members_jtree_bool(members_jtree_put(o, JKEY("negate")), p->negate);
		members_jtree_string(members_jtree_put(o, JKEY("resource_type")), resource, strlen(resource));
		members_jtree_set(members_jtree_push(arr), o);
	}
	members_jtree_set(slot, arr);
}

/*
 * See coder_json.h.  Keys in jsonb's order: name, built_in, assignable,
 * display_name, organization_id, site_permissions, user_permissions,
 * organization_permissions, organization_member_permissions.
 */
void
members_assignable_role_tree(MembersJsonb *b, JsonbValue *slot, const MembersRoleJson *r,
							 bool assignable, bool built_in)
{
	MembersJtree *o = members_jtree_object(b, 9);
	JsonbValue *member;

	members_jtree_string_copy(b, members_jtree_put(o, JKEY("name")), r->name, strlen(r->name));
	members_jtree_bool(members_jtree_put(o, JKEY("built_in")), built_in);
	members_jtree_bool(members_jtree_put(o, JKEY("assignable")), assignable);
	members_jtree_string_copy(b, members_jtree_put(o, JKEY("display_name")),
							  r->display_name, strlen(r->display_name));
	if (r->org_id != NULL)
		members_jtree_uuid(b, members_jtree_put(o, JKEY("organization_id")), r->org_id);
	permlist_tree(b, members_jtree_put(o, JKEY("site_permissions")), r->site);
	permlist_tree(b, members_jtree_put(o, JKEY("user_permissions")), r->user);
	permlist_tree(b, members_jtree_put(o, JKEY("organization_permissions")), r->org);
	member = members_jtree_put(o, JKEY("organization_member_permissions"));
	if (r->member_null)
		members_jtree_null(member);
	else
		permlist_tree(b, member, r->member);
	members_jtree_set(slot, o);
}

/* See coder_json.h. */
void
members_org_member_with_user_push(MembersJsonb *b, const MembersRoleNames *names,
								  HeapTuple row, TupleDesc desc,
								  const MembersMemberCols *cols)
{
	bool		isnull;
	MembersMemberValues v;

	v.username = col_text_or_null(row, desc, cols->username);
	v.name = col_text_or_null(row, desc, cols->name);
	v.avatar_url = col_text_or_null(row, desc, cols->avatar_url);
	v.email = col_text_or_null(row, desc, cols->email);
	v.rbac_roles = members_colno_datum(row, desc, cols->rbac_roles, &isnull);
	if (isnull)
		elog(ERROR, "users.rbac_roles is unexpectedly null");
	v.user_id = members_colno_uuid(row, desc, cols->user_id);
	v.organization_id = members_colno_uuid(row, desc, cols->organization_id);
	v.created_at = members_colno_timestamptz(row, desc, cols->created_at);
	v.updated_at = members_colno_timestamptz(row, desc, cols->updated_at);
	v.roles = members_colno_datum(row, desc, cols->roles, &isnull);
	members_member_values_push(b, names, &v);
}

/*---- audit ----*/

/* The columns of members.audit_log, in the order of the entry's fields. */
typedef enum AuditCol
{
	AC_ID,
	AC_TIME,
	AC_USER_ID,
	AC_ORGANIZATION_ID,
	AC_ACTION,
	AC_RESOURCE_TYPE,
	AC_RESOURCE_ID,
	AC_RESOURCE_TARGET,
	AC_DIFF,
	AC_STATUS_CODE,
	AC_IP,
	AC_USER_AGENT,
	AC_REQUEST_ID,
	AC_COUNT
} AuditCol;

static const char *const audit_cols[AC_COUNT] = {
	"id", "time", "user_id", "organization_id", "action", "resource_type",
	"resource_id", "resource_target", "diff", "status_code", "ip",
	"user_agent", "request_id"
};

/*
 * "col": the text output of column c of row as a JSON string, or null.
 * For a uuid column that is what members_json_uuid writes.
 */
static void
kv_text_or_null(StringInfo buf, bool *first, HeapTuple row, TupleDesc desc,
				const int *colno, AuditCol c)
{
	members_json_key(buf, first, audit_cols[c]);
	if (members_colno_isnull(row, desc, colno[c]))
		appendStringInfoString(buf, "null");
	else
		members_json_string(buf, members_colno_text(row, desc, colno[c]));
}

/* See coder_json.h. */
void
members_audit_entries_json(StringInfo buf, SPITupleTable *tab, uint64 n)
{
	TupleDesc	desc = tab->tupdesc;
	int			colno[AC_COUNT];
	bool		first;

	for (int c = 0; c < AC_COUNT; c++)
		colno[c] = members_col_number(desc, audit_cols[c]);

	members_json_open(buf, '[', &first);
	for (uint64 i = 0; i < n; i++)
	{
		HeapTuple	row = tab->vals[i];
		bool		ofirst;
		pg_uuid_t	u;

		CHECK_FOR_INTERRUPTS();
		members_json_elem(buf, &first);
		members_json_open(buf, '{', &ofirst);
		u = members_colno_uuid(row, desc, colno[AC_ID]);
		members_json_kv_uuid(buf, &ofirst, "id", &u);
		members_json_kv_timestamp(buf, &ofirst, "time", members_colno_timestamptz(row, desc, colno[AC_TIME]));
		kv_text_or_null(buf, &ofirst, row, desc, colno, AC_USER_ID);
		kv_text_or_null(buf, &ofirst, row, desc, colno, AC_ORGANIZATION_ID);
		members_json_kv_string(buf, &ofirst, "action", members_colno_text(row, desc, colno[AC_ACTION]));
		members_json_kv_string(buf, &ofirst, "resource_type", members_colno_text(row, desc, colno[AC_RESOURCE_TYPE]));
		u = members_colno_uuid(row, desc, colno[AC_RESOURCE_ID]);
		members_json_kv_uuid(buf, &ofirst, "resource_id", &u);
		members_json_kv_string(buf, &ofirst, "resource_target", members_colno_text(row, desc, colno[AC_RESOURCE_TARGET]));
		members_json_key(buf, &ofirst, "diff");
		appendStringInfoString(buf, members_colno_text(row, desc, colno[AC_DIFF]));
		members_json_key(buf, &ofirst, "status_code");
		appendStringInfoString(buf, members_colno_text(row, desc, colno[AC_STATUS_CODE]));
		kv_text_or_null(buf, &ofirst, row, desc, colno, AC_IP);
		kv_text_or_null(buf, &ofirst, row, desc, colno, AC_USER_AGENT);
		kv_text_or_null(buf, &ofirst, row, desc, colno, AC_REQUEST_ID);
		members_json_close(buf, '}');
	}
	members_json_close(buf, ']');
}
