/*-------------------------------------------------------------------------
 *
 * endpoints_read.c
 *		The four read endpoints of Coder's members API:
 *		  members.organization_members(organization)
 *		  members.paginated_organization_members(organization, limit, offset)
 *		  members.organization_roles(organization)
 *		  members.site_roles()
 *
 * Each function accepts pending cache invalidations, resolves the actor
 * (28000), resolves the organization (22023 empty, P0002 unknown or
 * unreadable), authorizes as Coder does for that endpoint
 * (docs/coder-behaviour.md 7.5, 7.6, 7.8, 8.1: 404 or 403), then reads as the
 * extension owner through plans prepared once, and returns Coder's JSON.  They
 * write nothing (STABLE): every SPI call is read-only and sees the calling
 * statement's snapshot, so a count and the page it describes agree.
 *
 * Listings are deterministic (docs/read-endpoints.md): members by
 * lower(username) then user id; built-in roles by name, then custom roles
 * by name.
 *
 * An organization of at most SMALL_ORG_MEMBERS memberships is read by index
 * scans without SPI (member_rows.h: the same rows in the same order, without
 * the executor's per-call cost) and paged here.  A larger one's member rows
 * are streamed through a cursor in batches, with per-row memory reset, so
 * that listing 100,000 members holds only the JSON text being built and one
 * batch of rows; its pages are selected in SQL (OFFSET/LIMIT), never by
 * skipping rows here.
 *
 * IDENTIFICATION
 *		src/endpoints_read.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"

#include "actor.h"
#include "assign.h"
#include "authz.h"
#include "caps.h"
#include "builtin_roles.h"
#include "coder_json.h"
#include "endpoint.h"
#include "jsonout.h"
#include "member_rows.h"
#include "messages.h"
#include "permission.h"
#include "registry.h"
#include "resolve.h"
#include "subject.h"
#include "util.h"

PG_FUNCTION_INFO_V1(members_organization_members);
PG_FUNCTION_INFO_V1(members_paginated_organization_members);
PG_FUNCTION_INFO_V1(members_organization_roles);
PG_FUNCTION_INFO_V1(members_site_roles);

/* Rows fetched from a cursor at a time. */
#define MEMBER_FETCH_BATCH	1000

/*
 * Options of the plans run through a cursor: NO SCROLL, so that the
 * executor need not support backward scans, which would turn a LIMIT's
 * bounded top-N sort into a full sort kept for random access.
 */
#define CURSOR_PLAN		CURSOR_OPT_NO_SCROLL

/*---- prepared plans ----*/
static SPIPlanPtr plan_members_all = NULL;
static SPIPlanPtr plan_members_one = NULL;
static SPIPlanPtr plan_members_page = NULL;
static SPIPlanPtr plan_members_from = NULL;
static SPIPlanPtr plan_members_count = NULL;

/*
 * Organizations with at most this many memberships are read by index scans
 * (member_rows.h), and paged from the whole listing.
 */
#define SMALL_ORG_MEMBERS	200
static SPIPlanPtr plan_custom_roles = NULL;

/*
 * The columns of OrganizationMemberWithUserData and the join they come
 * from.  Soft-deleted users are hidden (docs/coder-behaviour.md 7.5, 7.9).
 */
#define MEMBER_SELECT \
	"SELECT u.username, u.name, u.avatar_url, u.email, u.rbac_roles, " \
	"m.user_id, m.organization_id, m.created_at, m.updated_at, m.roles " \
	"FROM members.organization_members m " \
	"JOIN members.users u ON u.id OPERATOR(pg_catalog.=) m.user_id " \
	"WHERE m.organization_id OPERATOR(pg_catalog.=) $1 AND NOT u.deleted "

/*
 * The listing order (docs/read-endpoints.md: members by lower(username),
 * Coder's ORDER BY); the user id breaks ties, so the order is total even if a
 * deleted user's name came back.  lower(username) in the database's collation
 * is what the unique index users_username_lower_idx holds, so the first pages
 * are read in index order and stop early.
 */
#define MEMBER_ORDER \
	"ORDER BY pg_catalog.lower(u.username), u.id "

/*
 * Run a plan returning MEMBER_SELECT's columns (prepared with CURSOR_PLAN) as
 * a read-only cursor and add each row to b as an array element, leaving out
 * the first skip rows and, when take is not 0, the rows after the next take;
 * returns the number of rows (skipped and left out included).  When check_actor is not NULL, rows that actor may not
 * read ({organization_member, org, owner = the row's user}) are silently left
 * out (docs/coder-behaviour.md 7.5).
 */
static int64
append_member_rows(MembersJsonb *b, SPIPlanPtr plan,
				   Datum *values, const char *nulls,
				   const MembersRoleNames *names,
				   const MembersActor *check_actor, const pg_uuid_t *org_id,
				   int64 skip, int64 take)
{
	int64		seen = 0;

	Portal		portal;
	MemoryContext rowcxt;
	MembersMemberCols cols;
	bool		have_cols = false;

	portal = SPI_cursor_open(NULL, plan, values, nulls, true);
	rowcxt = AllocSetContextCreate(CurrentMemoryContext,
								   "members listing row",
								   ALLOCSET_DEFAULT_SIZES);
	for (;;)
	{
		SPITupleTable *tab;
		uint64		n;

		SPI_cursor_fetch(portal, true, MEMBER_FETCH_BATCH);
		tab = SPI_tuptable;
		n = SPI_processed;
		if (n == 0)
		{
			SPI_freetuptable(tab);
			break;
		}
		/* every batch of the cursor has the same columns */
		if (!have_cols)
		{
			members_member_cols(tab->tupdesc, true, &cols);
			have_cols = true;
		}
		for (uint64 i = 0; i < n; i++)
		{
			HeapTuple	row = tab->vals[i];
			MemoryContext oldcxt = MemoryContextSwitchTo(rowcxt);
			bool		visible = true;

			CHECK_FOR_INTERRUPTS();

			if (check_actor != NULL)
			{
				pg_uuid_t	user_id = members_colno_uuid(row, tab->tupdesc, cols.user_id);

				visible = members_actor_allowed(check_actor, MEMBERS_ACT_READ,
												MEMBERS_RES_ORGANIZATION_MEMBER,
												org_id, &user_id);
			}
			if (visible)
			{
				if (seen >= skip && (take == 0 || seen - skip < take))
					members_org_member_with_user_push(b, names, row, tab->tupdesc, &cols);
				seen++;
			}
			MemoryContextSwitchTo(oldcxt);
			MemoryContextReset(rowcxt);
		}
		SPI_freetuptable(tab);
		CHECK_FOR_INTERRUPTS();
	}
	SPI_cursor_close(portal);
	MemoryContextDelete(rowcxt);
	return seen;
}

/* May the actor read every member of the organization (no owner)? */
static bool
actor_reads_all_members(const MembersActor *actor, const pg_uuid_t *org_id)
{
	return members_actor_allowed(actor, MEMBERS_ACT_READ,
								 MEMBERS_RES_ORGANIZATION_MEMBER, org_id, NULL);
}

/*
 * SQL: members.organization_members(organization text) returns jsonb.
 *
 * GET /organizations/{organization}/members (docs/coder-behaviour.md 7.5): a
 * JSON array of OrganizationMemberWithUserData.  Rows the actor may not read
 * are left out without an error.  Reading without an owner is decided by the
 * site and org levels alone, and for a row owned by someone else the member
 * level is not consulted, so an actor who may not read all members can see at
 * most their own row; only that row is then fetched (and still checked).
 */
Datum
members_organization_members(PG_FUNCTION_ARGS)
{
	char	   *orgarg = members_text_arg_or(fcinfo, 0, NULL);
	MembersCall c;
	MembersOrgRef org;
	MembersRoleNames *names;
	SPIPlanPtr	plan;
	Datum		values[2];
	MembersMemberValues *rows;
	int			nrows;
	MemoryContext oldcxt;

	members_call_begin(&c, MEMBERS_CALL_SPI | MEMBERS_CALL_JSONB);

	members_resolve_organization(&c.actor, orgarg, &org);
	/*
	 * In the answer's context, which outlives SPI_finish: the small path's
	 * tree references them (SPI calls return in SPI's procedure context,
	 * hence a switch before each).
	 */
	oldcxt = MemoryContextSwitchTo(c.jb.cxt);
	names = members_role_names_load(&org.id, true);
	rows = NULL;
	if (actor_reads_all_members(&c.actor, &org.id))
	{
		MemoryContextSwitchTo(c.jb.cxt);
		rows = members_member_rows_read(&org.id, SMALL_ORG_MEMBERS, &nrows);
	}
	MemoryContextSwitchTo(oldcxt);

	if (rows != NULL)
		members_jsonb_set_result(&c.jb, members_member_list_tree(&c.jb, names, rows, 0, nrows));
	else
	{
		members_jsonb_begin_array(&c.jb);
		values[0] = UUIDPGetDatum(&org.id);
		if (actor_reads_all_members(&c.actor, &org.id))
		{
			/*
			 * Planned for each call's organization, as the larger
			 * organizations' page queries below are: sizes are skewed, and
			 * a generic plan costed for the average organization hashes
			 * every user (a parallel seq scan) even for a few hundred
			 * members (112 ms against 0.5 ms for 300 members among 200,000
			 * users); only organizations over SMALL_ORG_MEMBERS get here.
			 */
			plan = members_plan_opts(&plan_members_all, MEMBER_SELECT MEMBER_ORDER,
									 1, (Oid[]) {UUIDOID},
									 CURSOR_PLAN | CURSOR_OPT_CUSTOM_PLAN);
			(void) append_member_rows(&c.jb, plan, values, NULL, names, NULL, &org.id, 0, 0);
		}
		else if (!c.actor.is_system)
		{
			plan = members_plan_opts(&plan_members_one,
									 MEMBER_SELECT "AND m.user_id OPERATOR(pg_catalog.=) $2",
									 2, (Oid[]) {UUIDOID, UUIDOID}, CURSOR_PLAN);
			values[1] = UUIDPGetDatum(&c.actor.user_id);
			(void) append_member_rows(&c.jb, plan, values, NULL, names, &c.actor, &org.id, 0, 0);
		}
		members_jsonb_end_array(&c.jb);
	}

	PG_RETURN_JSONB_P(members_call_end_built(&c));
}

/* Run a plan returning one row with a bigint column "count". */
static int64
run_count(SPIPlanPtr plan, Datum *values)
{
	int64		count;
	bool		isnull;

	if (SPI_execute_plan(plan, values, NULL, true, 1) != SPI_OK_SELECT ||
		SPI_processed != 1)
		elog(ERROR, "could not count organization members");
	count = DatumGetInt64(members_col_datum(SPI_tuptable->vals[0],
											SPI_tuptable->tupdesc, "count",
											&isnull));
	SPI_freetuptable(SPI_tuptable);
	return count;
}

/*
 * Coder's PositiveInt32 query parameter check (docs/coder-behaviour.md 7.6):
 * append the validation of one parameter to detail when it is negative.
 */
static void
check_page_param(StringInfo detail, const char *field, int32 value)
{
	if (value >= 0)
		return;
	if (detail->len > 0)
		appendStringInfoChar(detail, ' ');
	appendStringInfo(detail,
					 "Query param \"%s\" must be a valid 32-bit positive integer: value is negative.",
					 field);
}

/*
 * SQL: members.paginated_organization_members(organization text, "limit"
 * integer DEFAULT 0, "offset" integer DEFAULT 0) returns jsonb.
 *
 * GET /organizations/{organization}/paginated-members (docs/coder-behaviour.md
 * 7.6): {"members": [...], "count": N}.  Checks in Coder's order: organization
 * (404), then the query parameters (400), then read on every member of the
 * organization (404).  limit 0 (or NULL) means no limit, offset NULL means 0.
 * count is the number of visible members before offset and limit; a page past
 * the end is {"members": [], "count": N} (docs/read-endpoints.md).  A small
 * organization is read whole by index scans (member_rows.h) and the page cut
 * from it here.  For a larger one the count
 * and the page are two queries over the same snapshot, so that the page is
 * selected with LIMIT/OFFSET over an ordered scan instead of sorting every row
 * under a window count.  The count is written as an anti-join with the (few)
 * deleted users, which the membership foreign key makes equal to the join with
 * the live ones and which is about twice as fast on large organizations.
 */
Datum
members_paginated_organization_members(PG_FUNCTION_ARGS)
{
	char	   *orgarg = members_text_arg_or(fcinfo, 0, NULL);
	int32		limit = PG_ARGISNULL(1) ? 0 : PG_GETARG_INT32(1);
	int32		offset = PG_ARGISNULL(2) ? 0 : PG_GETARG_INT32(2);
	MembersCall c;
	MembersOrgRef org;
	MembersRoleNames *names;
	StringInfoData detail;
	SPIPlanPtr	plan;
	Datum		values[3];
	int64		count;
	MembersMemberValues *rows;
	int			nrows;
	MemoryContext oldcxt;

	members_call_begin(&c, MEMBERS_CALL_SPI | MEMBERS_CALL_JSONB);

	members_resolve_organization(&c.actor, orgarg, &org);

	initStringInfo(&detail);
	check_page_param(&detail, "limit", limit);
	check_page_param(&detail, "offset", offset);
	if (detail.len > 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg(MEMBERS_MSG_BAD_QUERY_PARAMS),
				 errdetail_internal("%s", detail.data)));
	if (limit > MEMBERS_MAX_PAGE_LIMIT)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("limit is too large"),
				 errdetail("A page may hold at most %d members; this request asks for %d.",
						   MEMBERS_MAX_PAGE_LIMIT, limit),
				 errhint("Use offset to read the next page, or limit 0 for every member.")));

	if (!actor_reads_all_members(&c.actor, &org.id))
		members_not_found();

	values[0] = UUIDPGetDatum(&org.id);

	/*
	 * An organization with at most SMALL_ORG_MEMBERS memberships is read
	 * whole by index scans (member_rows.h), which give both the count and
	 * the page, cut from it here; the answer is built as a tree
	 * ({"count", "members"}: jsonb's key order).
	 */
	oldcxt = MemoryContextSwitchTo(c.jb.cxt);
	rows = members_member_rows_read(&org.id, SMALL_ORG_MEMBERS, &nrows);
	if (rows != NULL)
	{
		MemoryContextSwitchTo(c.jb.cxt);
		names = members_role_names_load(&org.id, true);
	}
	MemoryContextSwitchTo(oldcxt);
	if (rows != NULL)
	{
		MembersJtree *answer = members_jtree_object(&c.jb, 2);
		int64		from = Min((int64) offset, (int64) nrows);
		int64		to = limit == 0 ? nrows : Min((int64) offset + limit, (int64) nrows);

		members_jtree_int64(&c.jb, members_jtree_put(answer, "count", 5), nrows);
		members_jtree_set(members_jtree_put(answer, "members", 7),
						  members_member_list_tree(&c.jb, names, rows, from, to));
		members_jsonb_set_result(&c.jb, answer);
		PG_RETURN_JSONB_P(members_call_end_built(&c));
	}

	members_jsonb_begin_object(&c.jb);
	members_jsonb_key(&c.jb, "members");
	members_jsonb_begin_array(&c.jb);
	/*
	 * A larger organization's count and page are planned for each
	 * call's organization (and offset and limit): organization sizes
	 * are skewed, and the generic plan that the plan cache adopts after
	 * five calls is costed for an average organization (a few hundred
	 * members): for a large one it probes the users' primary key once
	 * per member in the count and sorts every member even for the first
	 * page, where the custom plans hash the few deleted users and read
	 * the username index until the page is full (with 100,000 members,
	 * 20 ms against 110 ms a call, from the sixth call of a session on;
	 * bench/RESULTS-reliability.md).
	 */
	plan = members_plan_opts(&plan_members_count,
							 "SELECT pg_catalog.count(*) AS count "
							 "FROM members.organization_members m "
							 "WHERE m.organization_id OPERATOR(pg_catalog.=) $1 "
							 "AND NOT EXISTS (SELECT 1 FROM members.users u "
							 "  WHERE u.id OPERATOR(pg_catalog.=) m.user_id AND u.deleted)",
							 1, (Oid[]) {UUIDOID}, CURSOR_PLAN | CURSOR_OPT_CUSTOM_PLAN);
	count = run_count(plan, values);
	if (offset < count)
	{
		names = members_role_names_load(&org.id, true);
		values[1] = Int64GetDatum((int64) offset);
		if (limit > 0)
		{
			/*
			 * Pick the page from the narrow (name, id) rows, then fetch
			 * the page's full rows: a deep OFFSET then sorts only the
			 * keys.
			 */
			plan = members_plan_opts(&plan_members_page,
									 "SELECT u.username, u.name, u.avatar_url, u.email, u.rbac_roles, "
									 "m.user_id, m.organization_id, m.created_at, m.updated_at, m.roles "
									 "FROM (SELECT u2.id, pg_catalog.lower(u2.username) AS k "
									 "      FROM members.organization_members m2 "
									 "      JOIN members.users u2 ON u2.id OPERATOR(pg_catalog.=) m2.user_id "
									 "      WHERE m2.organization_id OPERATOR(pg_catalog.=) $1 AND NOT u2.deleted "
									 "      ORDER BY pg_catalog.lower(u2.username), u2.id "
									 "      OFFSET $2 LIMIT $3) p "
									 "JOIN members.organization_members m "
									 "  ON m.organization_id OPERATOR(pg_catalog.=) $1 "
									 "  AND m.user_id OPERATOR(pg_catalog.=) p.id "
									 "JOIN members.users u ON u.id OPERATOR(pg_catalog.=) p.id "
									 "ORDER BY p.k, p.id",
									 3, (Oid[]) {UUIDOID, INT8OID, INT8OID},
									 CURSOR_PLAN | CURSOR_OPT_CUSTOM_PLAN);
			values[2] = Int64GetDatum((int64) limit);
		}
		else
		{
			/* limit 0: every row from the offset on */
			plan = members_plan_opts(&plan_members_from,
									 MEMBER_SELECT MEMBER_ORDER "OFFSET $2",
									 2, (Oid[]) {UUIDOID, INT8OID},
									 CURSOR_PLAN | CURSOR_OPT_CUSTOM_PLAN);
		}
		(void) append_member_rows(&c.jb, plan, values, NULL, names, NULL, &org.id, 0, 0);
	}
	members_jsonb_end_array(&c.jb);
	members_jsonb_key(&c.jb, "count");
	members_jsonb_int64(&c.jb, count);
	members_jsonb_end_object(&c.jb);

	PG_RETURN_JSONB_P(members_call_end_built(&c));
}

/*
 * GET /users/roles' answers, kept for the backend's life: the site built-ins,
 * their display names and permissions are compiled in, so the answer depends
 * only on which of the listed built-ins the actor may assign (bit i: the
 * i-th by name), at most 2^SITE_ROLES_CACHED_BITS answers of a few kB.
 */
#define SITE_ROLES_CACHED_BITS	6
static Jsonb *site_roles_answers[1 << SITE_ROLES_CACHED_BITS];

/* qsort comparator: built-in roles by name. */
static int
builtin_by_name(const void *a, const void *b)
{
	const MembersBuiltinRole *ra = *(const MembersBuiltinRole *const *) a;
	const MembersBuiltinRole *rb = *(const MembersBuiltinRole *const *) b;

	return strcmp(ra->name, rb->name);
}

/*
 * The listable built-ins of a scope, sorted by name (docs/coder-behaviour.md
 * 5.4): "member" and roles with an empty display name (organization-member)
 * are never listed.  Sets *n; the array is palloc'd.
 */
static const MembersBuiltinRole **
listable_builtins(MembersRoleScope scope, bool sharing_disabled, int *n)
{
	int			count = members_builtin_role_count(scope);
	const MembersBuiltinRole **roles = palloc(sizeof(MembersBuiltinRole *) * Max(count, 1));

	*n = 0;
	for (int i = 0; i < count; i++)
	{
		const MembersBuiltinRole *b = members_builtin_role_at(scope, i, sharing_disabled);

		if (b == NULL || b->display_name[0] == '\0' ||
			strcmp(b->name, MEMBERS_ROLE_MEMBER) == 0)
			continue;
		roles[(*n)++] = b;
	}
	qsort(roles, *n, sizeof(MembersBuiltinRole *), builtin_by_name);
	return roles;
}

/*
 * Add the built-ins roles[0..n) (listable_builtins) to list as
 * AssignableRoles.  org_id is the organization for org built-ins, NULL for
 * site built-ins.
 */
static void
builtin_roles_tree(MembersJsonb *jb, MembersJtree *list, const MembersActor *actor,
				   const MembersBuiltinRole **roles, int n, const pg_uuid_t *org_id)
{
	for (int i = 0; i < n; i++)
	{
		const MembersBuiltinRole *b = roles[i];
		MembersRoleJson r = {
			.name = b->name, .org_id = org_id, .display_name = b->display_name,
			.site = &b->site, .user = &b->user, .org = &b->org, .member = &b->member
		};

		members_assignable_role_tree(jb, members_jtree_push(list), &r,
									 members_can_assign_role(actor, b->name, org_id),
									 true);
	}
}

/*
 * SQL: members.organization_roles(organization text) returns jsonb.
 *
 * GET /organizations/{organization}/members/roles (docs/coder-behaviour.md
 * 7.8): the organization's five listable built-ins by name, then its custom
 * roles by name, as AssignableRoles.  Needs read on {assign_org_role, org},
 * else
 * 404.  A custom role is assignable when the actor may assign the
 * placeholder "custom-organization-role" in that organization.
 */
Datum
members_organization_roles(PG_FUNCTION_ARGS)
{
	char	   *orgarg = members_text_arg_or(fcinfo, 0, NULL);
	MembersCall c;
	MembersOrgRef org;
	SPIPlanPtr	plan;
	Datum		values[1];
	bool		custom_assignable;
	SPITupleTable *tab;
	uint64		n;
	const MembersBuiltinRole **builtins;
	int			nbuiltins;
	MembersJtree *list;

	members_call_begin(&c, MEMBERS_CALL_SPI | MEMBERS_CALL_JSONB);

	members_resolve_organization(&c.actor, orgarg, &org);
	if (!members_actor_allowed(&c.actor, MEMBERS_ACT_READ, MEMBERS_RES_ASSIGN_ORG_ROLE,
							   &org.id, NULL))
		members_not_found();

	builtins = listable_builtins(MEMBERS_SCOPE_ORG, org.sharing_disabled, &nbuiltins);

	plan = members_plan(&plan_custom_roles,
						"SELECT c.name, c.display_name, c.organization_id, "
						"c.site_permissions, c.user_permissions, c.org_permissions "
						"FROM members.custom_roles c "
						"WHERE c.organization_id OPERATOR(pg_catalog.=) $1 "
						"ORDER BY c.name COLLATE pg_catalog.\"C\"",
						1, (Oid[]) {UUIDOID});
	values[0] = UUIDPGetDatum(&org.id);
	if (SPI_execute_plan(plan, values, NULL, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read custom roles");
	tab = SPI_tuptable;
	n = SPI_processed;

	/* the built-ins by name, then the custom roles by name */
	list = members_jtree_array(&c.jb, nbuiltins + (int) n);
	builtin_roles_tree(&c.jb, list, &c.actor, builtins, nbuiltins, &org.id);
	custom_assignable = n > 0 &&
		members_can_assign_role(&c.actor, MEMBERS_ROLE_CUSTOM_ORG, &org.id);
	for (uint64 i = 0; i < n; i++)
	{
		HeapTuple	row = tab->vals[i];
		TupleDesc	desc = tab->tupdesc;
		pg_uuid_t	role_org = members_col_uuid(row, desc, "organization_id");
		bool		isnull;
		MembersPermList *lists[3];
		static const char *const cols[3] = {"site_permissions", "user_permissions",
		"org_permissions"};
		static const char *const fields[3] = {"site_permissions", "user_permissions",
		"organization_permissions"};

		CHECK_FOR_INTERRUPTS();

		/* stored lists were validated on write; drop anything unknown */
		for (int k = 0; k < 3; k++)
		{
			Datum		d = members_col_datum(row, desc, cols[k], &isnull);

			lists[k] = members_parse_permissions(isnull ? NULL : DatumGetJsonbP(d),
												 fields[k], false);
		}
		{
			MembersRoleJson r = {
				.name = members_col_text(row, desc, "name"), .org_id = &role_org,
				.display_name = members_col_text(row, desc, "display_name"),
				.site = lists[0], .user = lists[1], .org = lists[2], .member_null = true
			};

			members_assignable_role_tree(&c.jb, members_jtree_push(list), &r,
										 custom_assignable, false);
		}
	}
	SPI_freetuptable(tab);
	members_jsonb_set_result(&c.jb, list);

	PG_RETURN_JSONB_P(members_call_end_built(&c));
}

/*
 * SQL: members.site_roles() returns jsonb.
 *
 * GET /users/roles (docs/coder-behaviour.md 8.1): the four listable site
 * built-ins (owner, auditor, template-admin, user-admin; never member) by
 * name, without organization_id.  Needs read on assign_role, else 42501
 * (Coder's 403).  There are no site-wide custom roles in this schema.  The
 * answer for each set of assignable roles is built once per backend
 * (site_roles_answers).
 */
Datum
members_site_roles(PG_FUNCTION_ARGS)
{
	MembersCall c;
	int			n;
	const MembersBuiltinRole **roles;
	uint32		assignable = 0;
	Jsonb	   *answer;
	MembersJtree *list;

	members_call_begin(&c, 0);

	if (!members_actor_allowed(&c.actor, MEMBERS_ACT_READ, MEMBERS_RES_ASSIGN_ROLE,
							   NULL, NULL))
		members_forbidden();

	/* which of the listed built-ins the actor may assign: the answer's key */
	roles = listable_builtins(MEMBERS_SCOPE_SITE, false, &n);
	for (int i = 0; i < n && i < SITE_ROLES_CACHED_BITS; i++)
		if (members_can_assign_role(&c.actor, roles[i]->name, NULL))
			assignable |= (uint32) 1 << i;
	if (n <= SITE_ROLES_CACHED_BITS && site_roles_answers[assignable] != NULL)
	{
		members_call_end(&c);
		answer = palloc(VARSIZE(site_roles_answers[assignable]));
		memcpy(answer, site_roles_answers[assignable], VARSIZE(site_roles_answers[assignable]));
		PG_RETURN_JSONB_P(answer);
	}

	list = members_jtree_array(&c.jb, n);
	builtin_roles_tree(&c.jb, list, &c.actor, roles, n, NULL);
	members_jsonb_set_result(&c.jb, list);
	answer = members_call_end_built(&c);
	if (n <= SITE_ROLES_CACHED_BITS)
	{
		Jsonb	   *kept = MemoryContextAlloc(TopMemoryContext, VARSIZE(answer));

		memcpy(kept, answer, VARSIZE(answer));
		site_roles_answers[assignable] = kept;
	}
	PG_RETURN_JSONB_P(answer);
}
