/*-------------------------------------------------------------------------
 *
 * member_rows.c
 *		An organization's members read by index scans; see member_rows.h.
 *
 * The listings' SPI query (endpoints_read.c) costs, for an organization of
 * 50 members, more in the executor's start and end (plan node set-up, a
 * hash of the users, a sort, a tuple copy per row, and memory contexts whose
 * release shrinks the process heap on every call) than in reading the rows.
 * Here the same rows come from two index scans: the memberships by
 * organization_members_pkey (organization_id leads it), then each user by
 * users_pkey, both under the active snapshot, which is the one a read-only
 * SPI query of the calling statement uses.  The rows are then sorted as the
 * query's ORDER BY pg_catalog.lower(u.username), u.id sorts them: lower() in
 * the collation of users.username and the text comparison of that collation
 * (varstr_cmp, which text's btree ordering uses), then the uuid's bytes
 * (uuid_cmp).  Locks are those the query takes (AccessShareLock on both
 * tables and indexes), kept to the end of the transaction as the query keeps
 * them.
 *
 * IDENTIFICATION
 *		src/member_rows.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/stratnum.h"
#include "access/table.h"
#include "access/tableam.h"
#include "catalog/namespace.h"
#include "executor/tuptable.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/varlena.h"

#include "index_read.h"
#include "member_rows.h"

/* A member being read: its values and its sort key. */
typedef struct MemberItem
{
	text	   *key;			/* lower(username) */
	MembersMemberValues v;
} MemberItem;

/* Does index lead with column att of its table? */
static bool
index_leads_with(Relation index, AttrNumber att)
{
	return index->rd_index->indnkeyatts >= 1 && index->rd_index->indkey.values[0] == att;
}

/* A not-null column of a slot (error when null). */
static Datum
slot_value(TupleTableSlot *slot, AttrNumber att)
{
	bool		isnull;
	Datum		d = slot_getattr(slot, att, &isnull);

	if (isnull)
		elog(ERROR, "column %d of members.%s is unexpectedly null", att,
			 get_rel_name(slot->tts_tableOid));
	return d;
}

/* A varlena column of a slot, detoasted and copied out of the buffer. */
static struct varlena *
slot_varlena_copy(TupleTableSlot *slot, AttrNumber att)
{
	return PG_DETOAST_DATUM_COPY(slot_value(slot, att));
}

/* qsort_arg comparator: the listing order (arg: the collation of lower()). */
static int
member_order_cmp(const void *a, const void *b, void *arg)
{
	const MemberItem *x = (const MemberItem *) a;
	const MemberItem *y = (const MemberItem *) b;
	int			c;

	c = varstr_cmp(VARDATA_ANY(x->key), VARSIZE_ANY_EXHDR(x->key),
				   VARDATA_ANY(y->key), VARSIZE_ANY_EXHDR(y->key),
				   *(const Oid *) arg);
	if (c != 0)
		return c;
	return memcmp(x->v.user_id.data, y->v.user_id.data, UUID_LEN);
}

/* See member_rows.h. */
MembersMemberValues *
members_member_rows_read(const pg_uuid_t *org_id, int max, int *n)
{
	Oid			nsp = get_namespace_oid("members", true);
	Oid			members_oid,
				users_oid,
				members_pkey,
				users_pkey;
	Relation	mrel,
				urel,
				midx,
				uidx;
	AttrNumber	m_user,
				m_org,
				m_roles,
				m_created,
				m_updated;
	AttrNumber	u_id,
				u_username,
				u_name,
				u_avatar,
				u_email,
				u_roles,
				u_deleted;
	Oid			collation;
	MembersIndexRead read;
	TupleTableSlot *slot;
	MemberItem *items;
	int			nitems = 0;
	int			k = 0;
	bool		too_many = false;
	MembersMemberValues *result;

	if (!OidIsValid(nsp))
		return NULL;
	members_oid = get_relname_relid("organization_members", nsp);
	users_oid = get_relname_relid("users", nsp);
	members_pkey = get_relname_relid("organization_members_pkey", nsp);
	users_pkey = get_relname_relid("users_pkey", nsp);
	if (!OidIsValid(members_oid) || !OidIsValid(users_oid) ||
		!OidIsValid(members_pkey) || !OidIsValid(users_pkey))
		return NULL;

	mrel = table_open(members_oid, AccessShareLock);
	urel = table_open(users_oid, AccessShareLock);
	midx = index_open(members_pkey, AccessShareLock);
	uidx = index_open(users_pkey, AccessShareLock);

	m_org = members_att_number(mrel, "organization_id");
	m_user = members_att_number(mrel, "user_id");
	m_roles = members_att_number(mrel, "roles");
	m_created = members_att_number(mrel, "created_at");
	m_updated = members_att_number(mrel, "updated_at");
	u_id = members_att_number(urel, "id");
	u_username = members_att_number(urel, "username");
	u_name = members_att_number(urel, "name");
	u_avatar = members_att_number(urel, "avatar_url");
	u_email = members_att_number(urel, "email");
	u_roles = members_att_number(urel, "rbac_roles");
	u_deleted = members_att_number(urel, "deleted");
	collation = TupleDescAttr(RelationGetDescr(urel), u_username - 1)->attcollation;

	if (midx->rd_index->indrelid != members_oid || uidx->rd_index->indrelid != users_oid ||
		!index_leads_with(midx, m_org) || !index_leads_with(uidx, u_id))
	{
		index_close(uidx, NoLock);
		index_close(midx, NoLock);
		table_close(urel, NoLock);
		table_close(mrel, NoLock);
		return NULL;
	}

	/* the memberships, up to one more than max */
	items = palloc(sizeof(MemberItem) * (max + 1));
	members_index_read_begin(&read, mrel, midx, GetActiveSnapshot(), 1);
	slot = read.slot;
	for (bool more = members_index_read_uuid(&read, org_id); more;
		 more = members_index_read_next(&read))
	{
		MembersMemberValues *v;

		CHECK_FOR_INTERRUPTS();
		if (nitems == max)
		{
			too_many = true;
			break;
		}
		v = &items[nitems++].v;
		v->user_id = *DatumGetUUIDP(slot_value(slot, m_user));
		v->organization_id = *DatumGetUUIDP(slot_value(slot, m_org));
		v->created_at = DatumGetTimestampTz(slot_value(slot, m_created));
		v->updated_at = DatumGetTimestampTz(slot_value(slot, m_updated));
		v->roles = PointerGetDatum(slot_varlena_copy(slot, m_roles));
	}
	members_index_read_end(&read);

	/* each membership's user, unless deleted (the query's inner join) */
	if (!too_many)
	{
		members_index_read_begin(&read, urel, uidx, GetActiveSnapshot(), 1);
		slot = read.slot;
		for (int i = 0; i < nitems; i++)
		{
			MemberItem *item = &items[i];

			CHECK_FOR_INTERRUPTS();
			if (!members_index_read_uuid(&read, &item->v.user_id) ||
				DatumGetBool(slot_value(slot, u_deleted)))
				continue;
			item->v.username = (text *) slot_varlena_copy(slot, u_username);
			item->v.name = (text *) slot_varlena_copy(slot, u_name);
			item->v.avatar_url = (text *) slot_varlena_copy(slot, u_avatar);
			item->v.email = (text *) slot_varlena_copy(slot, u_email);
			item->v.rbac_roles = PointerGetDatum(slot_varlena_copy(slot, u_roles));
			item->key = DatumGetTextPP(DirectFunctionCall1Coll(lower, collation,
															   PointerGetDatum(item->v.username)));
			if (k != i)
				items[k] = *item;
			k++;
		}
		members_index_read_end(&read);
	}

	/* locks are kept to the end of the transaction, as the query keeps them */
	index_close(uidx, NoLock);
	index_close(midx, NoLock);
	table_close(urel, NoLock);
	table_close(mrel, NoLock);

	if (too_many)
	{
		pfree(items);
		return NULL;
	}

	qsort_arg(items, k, sizeof(MemberItem), member_order_cmp, &collation);
	result = palloc(sizeof(MembersMemberValues) * Max(k, 1));
	for (int i = 0; i < k; i++)
		result[i] = items[i].v;
	pfree(items);
	*n = k;
	return result;
}

/* A custom role's name and display name. */
typedef struct RoleNameItem
{
	char	   *name;
	char	   *display_name;
} RoleNameItem;

/* qsort comparator: by name, bytewise. */
static int
role_name_cmp(const void *a, const void *b)
{
	return strcmp(((const RoleNameItem *) a)->name, ((const RoleNameItem *) b)->name);
}

/* See member_rows.h. */
bool
members_custom_role_names_read(const pg_uuid_t *org_id, int *n,
							   char ***names, char ***display_names)
{
	Oid			nsp = get_namespace_oid("members", true);
	Oid			roles_oid,
				roles_idx;
	Relation	rel,
				idx;
	AttrNumber	r_org,
				r_name,
				r_display;
	MembersIndexRead read;
	TupleTableSlot *slot;
	RoleNameItem *items;
	int			nitems = 0;
	int			capacity = 8;

	if (!OidIsValid(nsp))
		return false;
	roles_oid = get_relname_relid("custom_roles", nsp);
	roles_idx = get_relname_relid("custom_roles_name_org_idx", nsp);
	if (!OidIsValid(roles_oid) || !OidIsValid(roles_idx))
		return false;

	rel = table_open(roles_oid, AccessShareLock);
	idx = index_open(roles_idx, AccessShareLock);
	r_org = members_att_number(rel, "organization_id");
	r_name = members_att_number(rel, "name");
	r_display = members_att_number(rel, "display_name");
	if (idx->rd_index->indrelid != roles_oid || !index_leads_with(idx, r_org))
	{
		index_close(idx, NoLock);
		table_close(rel, NoLock);
		return false;
	}

	items = palloc(sizeof(RoleNameItem) * capacity);
	members_index_read_begin(&read, rel, idx, GetActiveSnapshot(), 1);
	slot = read.slot;
	for (bool more = members_index_read_uuid(&read, org_id); more;
		 more = members_index_read_next(&read))
	{
		CHECK_FOR_INTERRUPTS();
		if (nitems == capacity)
		{
			capacity *= 2;
			items = repalloc(items, sizeof(RoleNameItem) * capacity);
		}
		items[nitems].name = TextDatumGetCString(slot_value(slot, r_name));
		items[nitems].display_name = TextDatumGetCString(slot_value(slot, r_display));
		nitems++;
	}
	members_index_read_end(&read);
	index_close(idx, NoLock);
	table_close(rel, NoLock);

	qsort(items, nitems, sizeof(RoleNameItem), role_name_cmp);
	*n = nitems;
	*names = palloc(sizeof(char *) * Max(nitems, 1));
	*display_names = palloc(sizeof(char *) * Max(nitems, 1));
	for (int i = 0; i < nitems; i++)
	{
		(*names)[i] = items[i].name;
		(*display_names)[i] = items[i].display_name;
	}
	pfree(items);
	return true;
}
