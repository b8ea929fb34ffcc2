/*-------------------------------------------------------------------------
 *
 * member_json.c
 *		Coder's JSON for organization members and their roles.
 *
 * IDENTIFICATION
 *		src/member_json.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "miscadmin.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "utils/array.h"
#include "utils/builtins.h"

#include "builtin_roles.h"
#include "jsonout.h"
#include "member_json.h"
#include "util.h"

struct MembersRoleNames
{
	int			n;
	char	  **names;			/* sorted by name (the query's order) */
	char	  **display_names;
};

static SPIPlanPtr plan_role_names = NULL;

/* See member_json.h. */
MembersRoleNames *
members_role_names_load(const pg_uuid_t *org_id, bool read_only)
{
	Oid			argtypes[1] = {UUIDOID};
	Datum		values[1];
	SPIPlanPtr	plan;
	MembersRoleNames *r;
	MemoryContext caller = CurrentMemoryContext;

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
	for (int i = 0; i < r->n; i++)
	{
		HeapTuple	row = SPI_tuptable->vals[i];

		r->names[i] = MemoryContextStrdup(caller, members_col_text(row, SPI_tuptable->tupdesc, "name"));
		r->display_names[i] = MemoryContextStrdup(caller, members_col_text(row, SPI_tuptable->tupdesc, "display_name"));
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

/* See member_json.h. */
void
members_org_slim_roles_json(StringInfo buf, const MembersRoleNames *names,
							char **roles, int n, const pg_uuid_t *org_id)
{
	bool		first;

	mj_open(buf, '[', &first);
	for (int i = 0; i < n; i++)
	{
		const MembersBuiltinRole *b = members_builtin_role(roles[i], MEMBERS_SCOPE_ORG, false);
		const char *display = b ? b->display_name : custom_display_name(names, roles[i]);
		bool		ofirst;

		CHECK_FOR_INTERRUPTS();

		mj_elem(buf, &first);
		mj_open(buf, '{', &ofirst);
		mj_kv_string(buf, &ofirst, "name", roles[i]);
		mj_kv_string(buf, &ofirst, "display_name", display ? display : "");
		mj_kv_uuid(buf, &ofirst, "organization_id", org_id);
		mj_close(buf, '}');
	}
	mj_close(buf, ']');
}

/* See member_json.h. */
void
members_org_member_fields(StringInfo buf, bool *first, const MembersRoleNames *names,
						  HeapTuple row, TupleDesc desc)
{
	pg_uuid_t	user_id = members_col_uuid(row, desc, "user_id");
	pg_uuid_t	org_id = members_col_uuid(row, desc, "organization_id");
	bool		isnull;
	Datum		d;
	char	  **roles;
	int			n;

	mj_kv_uuid(buf, first, "user_id", &user_id);
	mj_kv_uuid(buf, first, "organization_id", &org_id);
	mj_kv_timestamp(buf, first, "created_at", members_col_timestamptz(row, desc, "created_at"));
	mj_kv_timestamp(buf, first, "updated_at", members_col_timestamptz(row, desc, "updated_at"));
	d = members_col_datum(row, desc, "roles", &isnull);
	roles = members_text_array(DatumGetArrayTypeP(d), "roles", &n);
	mj_key(buf, first, "roles");
	members_org_slim_roles_json(buf, names, roles, n, &org_id);
}

/* See member_json.h. */
void
members_org_member_json(StringInfo buf, const MembersRoleNames *names,
						HeapTuple row, TupleDesc desc)
{
	bool		first;

	mj_open(buf, '{', &first);
	members_org_member_fields(buf, &first, names, row, desc);
	mj_close(buf, '}');
}
