/*-------------------------------------------------------------------------
 *
 * subject.c
 *		The per-backend cache of expanded subjects.
 *
 * A subject is a user expanded as Coder does (spec 2.1): the stored site
 * roles plus the implied "member", and for every membership of a
 * non-deleted organization the stored organization roles plus the implied
 * "organization-member", built-in roles from src/builtin_roles.c and custom
 * roles from members.custom_roles, unknown names dropped silently.  Their
 * permissions are pooled per level into bitmask sets, so that a check is a
 * few loads and ANDs (src/authz.c) and a warm check reads no table.
 *
 * Cache rules (the pg_cron / postgres_fdw shippable.c pattern):
 *
 * - Everything lives in SubjectCacheContext, a child of CacheMemoryContext,
 *   with an HTAB keyed by user id.  Identical permission sets of one
 *   subject (the same roles in many organizations) are stored once.
 *
 * - A statement-level trigger on users, organizations, organization_members
 *   and custom_roles (members.invalidate_subject_cache) registers a
 *   relcache invalidation of the changed table.  PostgreSQL sends it at
 *   commit to every backend (and applies it locally at the next command,
 *   and again on abort); on a hot standby it is replayed from the commit
 *   record.  The relcache callback only flags; the next lookup after the
 *   flag takes effect (below) drops the whole cache.
 *
 * - Pending invalidations are accepted once per statement
 *   (members_subject_cache_sync), so a committed change is seen by the next
 *   statement of every session but never in the middle of one (authorize is
 *   STABLE).  PostgreSQL also delivers invalidations in the middle of a
 *   statement (whenever a backend takes a lock it did not hold, for
 *   instance while building another subject), so the callback only marks
 *   one as pending; it takes effect at the next statement.  A transaction
 *   that wrote a watched table itself (the trigger notes it) also applies
 *   pending invalidations at command and subtransaction boundaries, so its
 *   own changes count from its next command on and stop counting when a
 *   subtransaction rolls back.  In the common case, a read-only statement,
 *   this costs a check two comparisons.
 *
 * - A subject is built from the latest committed state (plus this
 *   transaction's own changes) with GetLatestSnapshot, not the transaction
 *   snapshot, so a REPEATABLE READ transaction cannot put old data into the
 *   shared-by-later-transactions cache; in parallel mode, where no new
 *   snapshot may be taken, the transaction snapshot is used.  If an
 *   invalidation arrives while a subject is being built, it is rebuilt.
 *
 * - Memory is bounded: members.subject_cache_size subjects and
 *   members.subject_cache_memory kilobytes.  A new subject that would
 *   exceed the size bound, or a new subject or any_org table that takes
 *   the cache over the memory bound, empties the cache of every other
 *   subject, so the cache never holds more than the memory bound unless a
 *   single subject alone is larger.
 *
 * IDENTIFICATION
 *		src/subject.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/parallel.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "storage/proc.h"
#include "utils/array.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"

#include "builtin_roles.h"
#include "ids.h"
#include "subject.h"
#include "util.h"

PG_FUNCTION_INFO_V1(members_invalidate_subject_cache);
PG_FUNCTION_INFO_V1(members_subject_cache_info);
PG_FUNCTION_INFO_V1(members_subject_cache_clear);

/*---- GUC variables ----*/

static int	subject_cache_size = 1000;
static int	subject_cache_memory_kb = 65536;

/*---- Local variables ----*/

/* The tables whose changes invalidate the cache. */
#define NUM_WATCHED_TABLES 4
static const char *const watched_tables[NUM_WATCHED_TABLES] = {
	"users", "organizations", "organization_members", "custom_roles"
};
static Oid	watched_oids[NUM_WATCHED_TABLES];
static bool watched_oids_known = false;

typedef struct SubjectEntry
{
	pg_uuid_t	user_id;		/* hash key */
	MembersSubject *subject;
} SubjectEntry;

static MemoryContext SubjectCacheContext = NULL;
static HTAB *subject_hash = NULL;
static bool cache_valid = true;
static bool inval_pending = false;	/* an invalidation awaits a boundary */
static uint64 cache_generation = 0;
static MembersSubject *last_subject = NULL;

/*
 * Statement we last accepted invalidations for, and the command and
 * subtransaction at which pending invalidations were last applied.
 */
static LocalTransactionId sync_lxid = InvalidLocalTransactionId;
static TimestampTz sync_stmt_start = 0;
static CommandId sync_cid = InvalidCommandId;
static SubTransactionId sync_subxid = InvalidSubTransactionId;

/* The last transaction of this backend that wrote a watched table. */
static LocalTransactionId wrote_lxid = InvalidLocalTransactionId;

/* Prepared plans. */
static SPIPlanPtr plan_user = NULL;
static SPIPlanPtr plan_memberships = NULL;
static SPIPlanPtr plan_custom_roles = NULL;

/* Custom role lookup key during a build. */
typedef struct CustomKey
{
	pg_uuid_t	org_id;
	char		name[NAMEDATALEN];
} CustomKey;

typedef struct CustomEntry
{
	CustomKey	key;
	const MembersPermList *perms;
	MembersPermSet set;
	const char *display_name;
} CustomEntry;

/* Interned permission set during a build. */
typedef struct InternEntry
{
	MembersPermSet set;			/* hash key */
	MembersPermSet *stored;
} InternEntry;

/* Is relid one of the watched tables? */
static bool
is_watched(Oid relid)
{
	if (!watched_oids_known)
		return false;
	for (int i = 0; i < NUM_WATCHED_TABLES; i++)
		if (watched_oids[i] == relid)
			return true;
	return false;
}

/*
 * Relcache callback: a watched table (or everything, InvalidOid) changed.
 * Only flags; no catalog access here.  The cache is dropped at the next
 * boundary (members_subject_cache_sync), not in the middle of a statement.
 */
static void
subject_relcache_callback(Datum arg, Oid relid)
{
	if (relid == InvalidOid || is_watched(relid))
	{
		inval_pending = true;
		cache_generation++;
		if (relid != InvalidOid)
			watched_oids_known = false;	/* re-read: the table may be gone */
	}
}

/* Look up the watched tables' oids (needs catalog access). */
static void
learn_watched_oids(void)
{
	Oid			nsp = get_namespace_oid("members", true);

	if (!OidIsValid(nsp))
		return;
	for (int i = 0; i < NUM_WATCHED_TABLES; i++)
		watched_oids[i] = get_relname_relid(watched_tables[i], nsp);
	watched_oids_known = true;
}

/* See subject.h. */
void
members_subject_cache_reset(void)
{
	if (SubjectCacheContext != NULL)
		MemoryContextReset(SubjectCacheContext);
	subject_hash = NULL;
	last_subject = NULL;
	cache_valid = true;
}

/* See subject.h. */
void
members_subject_cache_init(void)
{
	DefineCustomIntVariable("members.subject_cache_size",
							gettext_noop("Most subjects kept in each backend's permission cache."),
							gettext_noop("When the cache is full it is emptied and refilled on demand."),
							&subject_cache_size,
							1000, 1, 1000000,
							PGC_USERSET, 0,
							NULL, NULL, NULL);
	DefineCustomIntVariable("members.subject_cache_memory",
							gettext_noop("Most memory of each backend's permission cache."),
							gettext_noop("When exceeded the cache is emptied and refilled on demand."),
							&subject_cache_memory_kb,
							65536, 64, MAX_KILOBYTES,
							PGC_USERSET, GUC_UNIT_KB,
							NULL, NULL, NULL);

	CacheRegisterRelcacheCallback(subject_relcache_callback, (Datum) 0);
}

/* See subject.h. */
void
members_subject_cache_sync(void)
{
	LocalTransactionId lxid = MyProc->lxid;
	TimestampTz stmt = GetCurrentStatementStartTimestamp();
	CommandId	cid;
	SubTransactionId subxid;

	if (lxid == sync_lxid && stmt == sync_stmt_start)
	{
		/*
		 * The same statement.  Only this transaction's own writes to the
		 * watched tables take effect before it ends: from the next command
		 * on, and at once when a subtransaction rolls back.
		 */
		if (likely(wrote_lxid != lxid))
			return;
		cid = GetCurrentCommandId(false);
		subxid = GetCurrentSubTransactionId();
		if (cid == sync_cid && subxid == sync_subxid)
			return;
	}
	else
	{
		AcceptInvalidationMessages();
		sync_lxid = lxid;
		sync_stmt_start = stmt;
		cid = GetCurrentCommandId(false);
		subxid = GetCurrentSubTransactionId();
	}
	sync_cid = cid;
	sync_subxid = subxid;
	if (inval_pending)
	{
		inval_pending = false;
		cache_valid = false;
	}
}

/* Store s once per build (identical sets shared). */
static const MembersPermSet *
intern_set(HTAB *interned, const MembersPermSet *s, MemoryContext cxt)
{
	InternEntry *e;
	bool		found;

	e = hash_search(interned, s, HASH_ENTER, &found);
	if (!found)
	{
		e->stored = MemoryContextAlloc(cxt, sizeof(MembersPermSet));
		memcpy(e->stored, s, sizeof(MembersPermSet));
	}
	return e->stored;
}

/* Does the list already hold a role of that name? */
static bool
held_contains(const MembersHeldRole *roles, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (strcmp(roles[i].name, name) == 0)
			return true;
	return false;
}

/*
 * Read one user and expand it into a subject allocated in cxt.  The caller
 * is not connected to SPI.
 */
static MembersSubject *
subject_build(const pg_uuid_t *user_id, MemoryContext cxt)
{
	MembersSubject *s;
	MembersUserSwitch sw;
	Snapshot	snap;
	Oid			argtypes[1] = {UUIDOID};
	Datum		values[1];
	HASHCTL		ctl;
	HTAB	   *customs;
	HTAB	   *interned;
	uint64		nmember;
	SPITupleTable *members_tab;

	s = MemoryContextAllocZero(cxt, sizeof(MembersSubject));
	s->user_id = *user_id;

	SPI_connect();
	members_become_owner(&sw);
	if (!watched_oids_known)
		learn_watched_oids();

	snap = RegisterSnapshot(IsInParallelMode() ? GetActiveSnapshot() : GetLatestSnapshot());
	values[0] = UUIDPGetDatum(user_id);

	/* the user */
	members_plan(&plan_user,
				 "SELECT u.status, u.deleted, u.rbac_roles FROM members.users u "
				 "WHERE u.id OPERATOR(pg_catalog.=) $1",
				 1, argtypes);
	if (SPI_execute_snapshot(plan_user, values, NULL, snap, InvalidSnapshot,
							 true, false, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not read user for the permission cache");

	if (SPI_processed == 0 ||
		members_col_bool(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, "deleted"))
	{
		s->found = false;
		strlcpy(s->status, SPI_processed == 0 ? "" : "deleted", sizeof(s->status));
	}
	else
	{
		HeapTuple	row = SPI_tuptable->vals[0];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		isnull;
		Datum		d;
		char	  **names;
		int			n;

		s->found = true;
		strlcpy(s->status, members_col_text(row, desc, "status"), sizeof(s->status));
		s->active = strcmp(s->status, "active") == 0;

		d = members_col_datum(row, desc, "rbac_roles", &isnull);
		names = members_text_array(DatumGetArrayTypeP(d), "rbac_roles", &n);
		s->site_roles = MemoryContextAllocZero(cxt, sizeof(MembersHeldRole) * (n + 1));
		for (int i = 0; i <= n; i++)
		{
			const char *name = (i < n) ? names[i] : MEMBERS_ROLE_MEMBER;
			const MembersBuiltinRole *b = members_builtin_role(name, MEMBERS_SCOPE_SITE, false);

			/* site-wide custom roles cannot exist: unknown names drop */
			if (b == NULL || held_contains(s->site_roles, s->nsite_roles, b->name))
				continue;
			members_permset_add_list(&s->site, &b->site);
			members_permset_add_list(&s->user, &b->user);
			s->site_roles[s->nsite_roles].name = b->name;
			s->site_roles[s->nsite_roles].builtin = b;
			s->site_roles[s->nsite_roles].display_name = b->display_name;
			s->nsite_roles++;
		}
	}

	if (!s->found)
	{
		UnregisterSnapshot(snap);
		members_restore_user(&sw);
		SPI_finish();
		return s;
	}

	/* custom roles named in the user's memberships */
	members_plan(&plan_custom_roles,
				 "SELECT c.organization_id, c.name, c.display_name, c.org_permissions "
				 "FROM members.custom_roles c "
				 "JOIN members.organization_members m "
				 "  ON m.organization_id OPERATOR(pg_catalog.=) c.organization_id "
				 " AND c.name OPERATOR(pg_catalog.=) ANY (m.roles) "
				 "WHERE m.user_id OPERATOR(pg_catalog.=) $1",
				 1, argtypes);
	if (SPI_execute_snapshot(plan_custom_roles, values, NULL, snap, InvalidSnapshot,
							 true, false, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read custom roles for the permission cache");

	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = sizeof(CustomKey);
	ctl.entrysize = sizeof(CustomEntry);
	ctl.hcxt = CurrentMemoryContext;
	customs = hash_create("members custom roles (build)", 64, &ctl,
						  HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		HeapTuple	row = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		CustomKey	key;
		CustomEntry *e;
		bool		found;
		bool		isnull;
		Datum		d;
		MembersPermList *perms;
		char	   *name = members_col_text(row, desc, "name");

		memset(&key, 0, sizeof(key));
		key.org_id = members_col_uuid(row, desc, "organization_id");
		strlcpy(key.name, name, sizeof(key.name));
		d = members_col_datum(row, desc, "org_permissions", &isnull);
		/* stored permissions were validated on the way in; drop any that are not */
		perms = members_parse_permissions(isnull ? NULL : DatumGetJsonbP(d),
										  "org_permissions", false);
		e = hash_search(customs, &key, HASH_ENTER, &found);
		e->perms = members_permlist_copy(cxt, perms);
		members_permset_clear(&e->set);
		members_permset_add_list(&e->set, e->perms);
		e->display_name = MemoryContextStrdup(cxt, members_col_text(row, desc, "display_name"));
	}

	/* memberships of non-deleted organizations, ordered by organization id */
	members_plan(&plan_memberships,
				 "SELECT m.organization_id, m.roles, o.workspace_sharing_disabled "
				 "FROM members.organization_members m "
				 "JOIN members.organizations o ON o.id OPERATOR(pg_catalog.=) m.organization_id "
				 "WHERE m.user_id OPERATOR(pg_catalog.=) $1 AND NOT o.deleted "
				 "ORDER BY m.organization_id",
				 1, argtypes);
	if (SPI_execute_snapshot(plan_memberships, values, NULL, snap, InvalidSnapshot,
							 true, false, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read memberships for the permission cache");
	members_tab = SPI_tuptable;
	nmember = SPI_processed;

	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = sizeof(MembersPermSet);
	ctl.entrysize = sizeof(InternEntry);
	ctl.hcxt = CurrentMemoryContext;
	interned = hash_create("members interned permission sets (build)", 64, &ctl,
						   HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);

	s->orgs = MemoryContextAllocZero(cxt, sizeof(MembersSubjectOrg) * Max(nmember, 1));
	for (uint64 i = 0; i < nmember; i++)
	{
		HeapTuple	row = members_tab->vals[i];
		TupleDesc	desc = members_tab->tupdesc;
		MembersSubjectOrg *o = &s->orgs[s->norgs];
		MembersPermSet orgset;
		MembersPermSet memberset;
		bool		isnull;
		Datum		d;
		char	  **names;
		int			n;

		o->org_id = members_col_uuid(row, desc, "organization_id");
		o->sharing_disabled = members_col_bool(row, desc, "workspace_sharing_disabled");
		d = members_col_datum(row, desc, "roles", &isnull);
		names = members_text_array(DatumGetArrayTypeP(d), "roles", &n);

		members_permset_clear(&orgset);
		members_permset_clear(&memberset);
		o->roles = MemoryContextAllocZero(cxt, sizeof(MembersHeldRole) * (n + 1));
		for (int j = 0; j <= n; j++)
		{
			const char *name = (j < n) ? names[j] : MEMBERS_ROLE_ORG_MEMBER;
			const MembersBuiltinRole *b;
			MembersHeldRole *h = &o->roles[o->nroles];

			if (held_contains(o->roles, o->nroles, name))
				continue;
			b = members_builtin_role(name, MEMBERS_SCOPE_ORG, o->sharing_disabled);
			if (b != NULL)
			{
				members_permset_add_list(&orgset, &b->org);
				members_permset_add_list(&memberset, &b->member);
				/* organization-admin and -user-admin carry site user:read */
				members_permset_add_list(&s->site, &b->site);
				members_permset_add_list(&s->user, &b->user);
				h->name = b->name;
				h->builtin = b;
				h->display_name = b->display_name;
			}
			else
			{
				CustomKey	key;
				CustomEntry *e;

				memset(&key, 0, sizeof(key));
				key.org_id = o->org_id;
				strlcpy(key.name, name, sizeof(key.name));
				e = hash_search(customs, &key, HASH_FIND, NULL);
				if (e == NULL)
					continue;	/* deleted or unknown custom role: dropped */
				members_permset_union(&orgset, &e->set);
				h->name = MemoryContextStrdup(cxt, name);
				h->custom_org = e->perms;
				h->display_name = e->display_name;
			}
			o->nroles++;
		}
		o->org = intern_set(interned, &orgset, cxt);
		o->member = intern_set(interned, &memberset, cxt);
		s->norgs++;
	}

	/* the hash index over the organizations (load factor at most 1/2) */
	if (s->norgs > 0)
	{
		uint32		size = 4;

		while (size < (uint32) s->norgs * 2)
			size <<= 1;
		s->org_mask = size - 1;
		s->org_index = MemoryContextAlloc(cxt, sizeof(int32) * size);
		memset(s->org_index, -1, sizeof(int32) * size);
		for (int i = 0; i < s->norgs; i++)
		{
			uint32		h = members_org_hash(&s->orgs[i].org_id) & s->org_mask;

			while (s->org_index[h] >= 0)
				h = (h + 1) & s->org_mask;
			s->org_index[h] = i;
		}
	}

	UnregisterSnapshot(snap);
	members_restore_user(&sw);
	SPI_finish();
	return s;
}

/* Does the cache hold more than one subject and more memory than its bound? */
static bool
cache_over_memory(void)
{
	return subject_hash != NULL && hash_get_num_entries(subject_hash) > 1 &&
		MemoryContextMemAllocated(SubjectCacheContext, true) >
		(Size) subject_cache_memory_kb * 1024;
}

/* Enter subject s into the cache (creating the hash table if needed). */
static void
cache_insert(MembersSubject *s)
{
	SubjectEntry *e;

	if (subject_hash == NULL)
	{
		HASHCTL		ctl;

		memset(&ctl, 0, sizeof(ctl));
		ctl.keysize = sizeof(pg_uuid_t);
		ctl.entrysize = sizeof(SubjectEntry);
		ctl.hcxt = SubjectCacheContext;
		subject_hash = hash_create("members subjects", 128, &ctl,
								   HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	}
	e = hash_search(subject_hash, &s->user_id, HASH_ENTER, NULL);
	e->subject = s;
}

/*
 * Empty the cache but keep subject s, whose memory context is cxt (a child
 * of SubjectCacheContext): move it aside while resetting, then enter it
 * alone.  cache_valid is left as it was.
 */
static void
cache_keep_only(MembersSubject *s, MemoryContext cxt)
{
	bool		valid = cache_valid;

	MemoryContextSetParent(cxt, TopMemoryContext);
	members_subject_cache_reset();
	MemoryContextSetParent(cxt, SubjectCacheContext);
	cache_valid = valid;
	cache_insert(s);
	last_subject = s;
}

/* See subject.h. */
const MembersSubject *
members_subject_get(const pg_uuid_t *user_id)
{
	SubjectEntry *e;
	MembersSubject *s = NULL;
	MemoryContext cxt;
	bool		keep_invalid = false;

	members_subject_cache_sync();
	if (!cache_valid)
		members_subject_cache_reset();
	if (last_subject != NULL && members_uuid_equal(&last_subject->user_id, user_id))
		return last_subject;
	if (subject_hash != NULL)
	{
		e = hash_search(subject_hash, user_id, HASH_FIND, NULL);
		if (e != NULL)
		{
			last_subject = e->subject;
			return last_subject;
		}
	}

	if (SubjectCacheContext == NULL)
		SubjectCacheContext = AllocSetContextCreate(CacheMemoryContext,
													"members subject cache",
													ALLOCSET_DEFAULT_SIZES);

	/*
	 * Build in a context of its own.  If an invalidation arrives meanwhile,
	 * the snapshot may predate that commit: build again (a few times; then
	 * use the answer once and rebuild on the next lookup).
	 */
	for (int tries = 0;; tries++)
	{
		uint64		generation = cache_generation;

		cxt = AllocSetContextCreate(SubjectCacheContext, "members subject",
									ALLOCSET_SMALL_SIZES);
		s = subject_build(user_id, cxt);
		if (generation == cache_generation)
			break;
		if (tries >= 3)
		{
			keep_invalid = true;
			break;
		}
		MemoryContextDelete(cxt);
	}

	/*
	 * An invalidation made every other entry stale, and a cache holding
	 * members.subject_cache_size subjects is emptied: either way keep the
	 * new subject alone.  The memory bound is checked once the new subject
	 * and its hash entry are in, so that the cache never holds more than
	 * members.subject_cache_memory unless one subject alone is larger.
	 */
	if (!cache_valid ||
		(subject_hash != NULL && hash_get_num_entries(subject_hash) >= subject_cache_size))
		cache_keep_only(s, cxt);
	else
		cache_insert(s);
	if (cache_over_memory())
		cache_keep_only(s, cxt);
	cache_valid = !keep_invalid;
	last_subject = s;
	return s;
}

#define ANYORG_INDEX(level, r, a) \
	(((level) * MEMBERS_NUM_RES_SLOTS + (r)) * (MEMBERS_NUM_ACTIONS + 1) + (a))
#define ANYORG_SIZE (2 * MEMBERS_NUM_RES_SLOTS * (MEMBERS_NUM_ACTIONS + 1))

/*
 * See subject.h.  The table of maxima over organizations is computed on
 * first use, in the subject's own memory context.
 */
int
members_subject_anyorg_vote(const MembersSubject *s, int level, int resource,
							int action)
{
	if (s->norgs == 0)
		return 0;
	if (s->anyorg == NULL)
	{
		MembersSubject *ms = (MembersSubject *) s;
		int8	   *t = MemoryContextAlloc(GetMemoryChunkContext(ms), ANYORG_SIZE);

		for (int lv = 0; lv < 2; lv++)
			for (int r = 0; r < MEMBERS_NUM_RES_SLOTS; r++)
				for (int a = 0; a <= MEMBERS_NUM_ACTIONS; a++)
				{
					int			best = -1;

					for (int i = 0; i < s->norgs && best < 1; i++)
					{
						const MembersPermSet *set = lv == 0 ? s->orgs[i].org : s->orgs[i].member;
						int			v = members_vote(set, r, a);

						if (v > best)
							best = v;
					}
					t[ANYORG_INDEX(lv, r, a)] = (int8) best;
				}
		ms->anyorg = t;
		/* the table counts against the memory bound too */
		if (cache_over_memory())
			cache_keep_only(ms, GetMemoryChunkContext(ms));
	}
	return s->anyorg[ANYORG_INDEX(level, resource, action)];
}

/* See subject.h. */
void
members_subject_cache_stats(int64 *subjects, int64 *bytes)
{
	*subjects = subject_hash ? hash_get_num_entries(subject_hash) : 0;
	*bytes = SubjectCacheContext ? MemoryContextMemAllocated(SubjectCacheContext, true) : 0;
}

/*
 * Trigger: members.invalidate_subject_cache(), FOR EACH STATEMENT on the
 * watched tables.  Registers a relcache invalidation of the changed table,
 * which every backend (and this one, at the next command) acts on once the
 * transaction commits.
 */
Datum
members_invalidate_subject_cache(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("members.invalidate_subject_cache() must be called as a trigger")));
	CacheInvalidateRelcache(trigdata->tg_relation);
	wrote_lxid = MyProc->lxid;
	return PointerGetDatum(NULL);
}

/*
 * SQL: members.subject_cache_info(OUT subjects bigint, OUT bytes bigint).
 * The size of this backend's subject cache.
 */
Datum
members_subject_cache_info(PG_FUNCTION_ARGS)
{
	TupleDesc	desc;
	Datum		values[2];
	bool		nulls[2] = {false, false};
	int64		subjects;
	int64		bytes;

	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	members_subject_cache_sync();
	if (!cache_valid)
		members_subject_cache_reset();
	members_subject_cache_stats(&subjects, &bytes);
	values[0] = Int64GetDatum(subjects);
	values[1] = Int64GetDatum(bytes);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(desc), values, nulls)));
}

/* SQL: members.subject_cache_clear() drops this backend's subject cache. */
Datum
members_subject_cache_clear(PG_FUNCTION_ARGS)
{
	members_subject_cache_reset();
	PG_RETURN_VOID();
}
