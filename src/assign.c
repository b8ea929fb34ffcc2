/*-------------------------------------------------------------------------
 *
 * assign.c
 *		Who may assign which role (docs/coder-behaviour.md 5).
 *
 * A role change needs both halves: the RBAC permission (assign or unassign
 * on assign_org_role in the organization, or on assign_role for site
 * roles) and the static assignment table keyed by the names of the roles
 * the actor holds (src/builtin_roles.c).
 *
 * IDENTIFICATION
 *		src/assign.c
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

#include "assign.h"
#include "authz.h"
#include "builtin_roles.h"
#include "endpoint.h"
#include "ids.h"
#include "names.h"
#include "registry.h"
#include "resolve.h"
#include "subject.h"
#include "util.h"

PG_FUNCTION_INFO_V1(members_can_assign_role_sql);

static SPIPlanPtr plan_lock_customs = NULL;
static SPIPlanPtr plan_custom_exists = NULL;

/* See assign.h. */
bool
members_can_assign_role(const MembersActor *actor, const char *target_name,
						const pg_uuid_t *target_org)
{
	const MembersSubject *s;

	if (actor->is_system)
		return members_assign_table_allows(MEMBERS_ROLE_SYSTEM, target_name);

	/*
	 * The static table is keyed by built-in role names: a held role counts
	 * only if it is a built-in of its scope, so a custom role that happens
	 * to be called "system" or "organization-admin" (stored before such
	 * names were reserved) assigns nothing statically, as in Coder, where
	 * custom roles have no entry in the table (coderd/rbac/roles.go,
	 * CanAssignRole).
	 */
	s = members_subject_get(&actor->user_id);
	if (!s->found || !s->active)
		return false;
	for (int i = 0; i < s->nsite_roles; i++)
		if (members_builtin_role(s->site_roles[i].name, MEMBERS_SCOPE_SITE, false) != NULL &&
			members_assign_table_allows(s->site_roles[i].name, target_name))
			return true;
	for (int o = 0; o < s->norgs; o++)
	{
		const MembersSubjectOrg *so = &s->orgs[o];

		if (target_org == NULL || !members_uuid_equal(&so->org_id, target_org))
			continue;
		for (int i = 0; i < so->nroles; i++)
			if (members_builtin_role(so->roles[i].name, MEMBERS_SCOPE_ORG, false) != NULL &&
				members_assign_table_allows(so->roles[i].name, target_name))
				return true;
	}
	return false;
}

/* "name:org" or "name". */
static char *
role_label(const char *name, const pg_uuid_t *org)
{
	char		txt[37];

	if (org == NULL)
		return pstrdup(name);
	members_uuid_to_cstring(org, txt);
	return psprintf("%s:%s", name, txt);
}

/* strcmp for qsort/bsearch over char * elements. */
static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *) a, *(char *const *) b);
}

/* See assign.h. */
MembersAssignResult
members_check_role_changes(const MembersActor *actor, const pg_uuid_t *org,
						   char **added, int nadded, char **removed, int nremoved,
						   char **bad_role)
{
	int			n = nadded + nremoved;
	char	  **all = palloc(sizeof(char *) * Max(n, 1));
	bool	   *custom = palloc0(sizeof(bool) * Max(n, 1));
	int			ncustom = 0;
	MembersRoleScope scope = org ? MEMBERS_SCOPE_ORG : MEMBERS_SCOPE_SITE;

	for (int i = 0; i < nadded; i++)
		all[i] = added[i];
	for (int i = 0; i < nremoved; i++)
		all[nadded + i] = removed[i];

	/* built-in of the right scope, or a custom role to look up */
	for (int i = 0; i < n; i++)
	{
		CHECK_FOR_INTERRUPTS();
		if (members_builtin_role(all[i], scope, false) == NULL)
		{
			custom[i] = true;
			ncustom++;
		}
	}

	if (ncustom > 0)
	{
		Datum	   *elems = palloc(sizeof(Datum) * ncustom);
		int			k = 0;
		Oid			argtypes[2] = {UUIDOID, TEXTARRAYOID};
		Datum		values[2];
		SPIPlanPtr	plan;
		char	  **found_names;
		int			nfound;

		/* there are no site-wide custom roles */
		if (org == NULL)
		{
			for (int i = 0; i < n; i++)
				if (custom[i])
				{
					*bad_role = role_label(all[i], NULL);
					return MEMBERS_ASSIGN_UNSUPPORTED;
				}
		}
		for (int i = 0; i < n; i++)
			if (custom[i])
				elems[k++] = CStringGetTextDatum(all[i]);
		plan = members_plan(&plan_lock_customs,
							"SELECT c.name FROM members.custom_roles c "
							"WHERE c.organization_id OPERATOR(pg_catalog.=) $1 "
							"AND c.name OPERATOR(pg_catalog.=) ANY ($2) "
							"ORDER BY c.name FOR SHARE",
							2, argtypes);
		values[0] = UUIDPGetDatum(org);
		values[1] = PointerGetDatum(construct_array(elems, k, TEXTOID, -1, false, TYPALIGN_INT));
		if (SPI_execute_plan(plan, values, NULL, false, 0) != SPI_OK_SELECT)
			elog(ERROR, "could not look up custom roles");
		/* the names found, sorted, to look each requested one up in O(log n) */
		found_names = palloc(sizeof(char *) * Max(SPI_processed, 1));
		for (uint64 j = 0; j < SPI_processed; j++)
		{
			CHECK_FOR_INTERRUPTS();
			found_names[j] = SPI_getvalue(SPI_tuptable->vals[j], SPI_tuptable->tupdesc, 1);
		}
		nfound = (int) SPI_processed;
		if (nfound > 0)
			qsort(found_names, nfound, sizeof(char *), cmp_names);
		for (int i = 0; i < n; i++)
		{
			const char *key = all[i];

			CHECK_FOR_INTERRUPTS();
			if (!custom[i])
				continue;
			if (nfound == 0 ||
				bsearch(&key, found_names, nfound, sizeof(char *), cmp_names) == NULL)
			{
				*bad_role = role_label(all[i], org);
				return MEMBERS_ASSIGN_UNSUPPORTED;
			}
		}
	}

	if (nadded > 0 &&
		!members_actor_allowed(actor, MEMBERS_ACT_ASSIGN,
							   org ? MEMBERS_RES_ASSIGN_ORG_ROLE : MEMBERS_RES_ASSIGN_ROLE,
							   org, NULL))
		return MEMBERS_ASSIGN_NO_PERMISSION;
	if (nremoved > 0 &&
		!members_actor_allowed(actor, MEMBERS_ACT_UNASSIGN,
							   org ? MEMBERS_RES_ASSIGN_ORG_ROLE : MEMBERS_RES_ASSIGN_ROLE,
							   org, NULL))
		return MEMBERS_ASSIGN_NO_PERMISSION;

	for (int i = 0; i < n; i++)
	{
		const char *target;

		CHECK_FOR_INTERRUPTS();
		target = custom[i] ?
			(org ? MEMBERS_ROLE_CUSTOM_ORG : MEMBERS_ROLE_CUSTOM_SITE) : all[i];

		if (!members_can_assign_role(actor, target, org))
		{
			*bad_role = role_label(target, org);
			return MEMBERS_ASSIGN_NOT_IN_TABLE;
		}
	}
	return MEMBERS_ASSIGN_OK;
}

/* See assign.h. */
int
members_assign_result_status(MembersAssignResult r)
{
	switch (r)
	{
		case MEMBERS_ASSIGN_OK:
			return 200;
		case MEMBERS_ASSIGN_NO_PERMISSION:
			return 403;
		case MEMBERS_ASSIGN_UNSUPPORTED:
		case MEMBERS_ASSIGN_NOT_IN_TABLE:
			break;
	}
	return 400;
}

/* See assign.h. */
void
members_assign_result_raise(MembersAssignResult r, const char *bad_role)
{
	switch (r)
	{
		case MEMBERS_ASSIGN_OK:
			return;
		case MEMBERS_ASSIGN_UNSUPPORTED:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("\"%s\" is not a supported role", bad_role)));
			break;
		case MEMBERS_ASSIGN_NO_PERMISSION:
			members_forbidden();
			break;
		case MEMBERS_ASSIGN_NOT_IN_TABLE:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("not authorized to assign role \"%s\"", bad_role)));
			break;
	}
}

/* See assign.h. */
bool
members_custom_role_exists(const pg_uuid_t *org, const char *name)
{
	Oid			argtypes[2] = {UUIDOID, TEXTOID};
	Datum		values[2];
	SPIPlanPtr	plan;

	plan = members_plan(&plan_custom_exists,
						"SELECT 1 FROM members.custom_roles c "
						"WHERE c.organization_id OPERATOR(pg_catalog.=) $1 "
						"AND c.name OPERATOR(pg_catalog.=) $2",
						2, argtypes);
	values[0] = UUIDPGetDatum(org);
	values[1] = CStringGetTextDatum(name);
	if (SPI_execute_plan(plan, values, NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not look up custom role");
	return SPI_processed > 0;
}

/*
 * SQL: members.can_assign_role(role_name text, organization_id uuid DEFAULT
 * NULL) returns boolean.  CanAssignRole for the current actor: a built-in
 * of that scope is checked by name, anything else as the custom-role
 * placeholder.  Says nothing about the RBAC half (assign permission).
 */
Datum
members_can_assign_role_sql(PG_FUNCTION_ARGS)
{
	MembersCall c;
	bool		allowed;
	char	   *name;
	const pg_uuid_t *org = NULL;
	const char *target;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("role_name must not be null")));
	name = members_lower(text_to_cstring(PG_GETARG_TEXT_PP(0)));
	if (!PG_ARGISNULL(1) && !members_uuid_is_nil(PG_GETARG_UUID_P(1)))
		org = PG_GETARG_UUID_P(1);

	members_call_begin(&c, 0);
	if (members_builtin_role(name, org ? MEMBERS_SCOPE_ORG : MEMBERS_SCOPE_SITE, false) != NULL)
		target = name;
	else
		target = org ? MEMBERS_ROLE_CUSTOM_ORG : MEMBERS_ROLE_CUSTOM_SITE;
	allowed = members_can_assign_role(&c.actor, target, org);
	members_call_end(&c);
	PG_RETURN_BOOL(allowed);
}
