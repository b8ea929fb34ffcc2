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
 * - A row trigger on users, organizations, organization_members and
 *   custom_roles (members.log_subject_change, ENABLE ALWAYS) appends what
 *   the row names to members.subject_changes and registers a relcache
 *   invalidation of that log's TOAST table (the signal, log_signal_oid:
 *   a relation no backend opens; not the log itself, which would
 *   invalidate every cached plan on it).  PostgreSQL sends it at commit
 *   to every backend (and applies it locally at the next command, and
 *   again on abort); a hot standby replays it from the commit record; a
 *   logical subscriber's apply worker fires the ALWAYS triggers itself.  The
 *   callback only flags; at the next boundary the backend reads the log
 *   entries after its position and drops only the subjects they name
 *   (rules and position in src/subject.h).  A relcache invalidation of a
 *   watched table itself (TRUNCATE, DDL) still drops the whole cache.
 *
 * - Pending invalidations are accepted once per statement
 *   (members_subject_cache_sync; a statement is a top-level statement
 *   counted by hooks, not a client message), so a committed change is seen
 *   by the next statement of every session but never in the middle of one (authorize is
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

#include "access/genam.h"
#include "access/skey.h"
#include "access/tableam.h"
#include "access/htup_details.h"
#include "access/parallel.h"
#include "access/transam.h"
#include "access/stratnum.h"
#include "access/table.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_am.h"
#include "catalog/pg_class.h"
#include "catalog/pg_index.h"
#include "catalog/pg_opfamily.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/executor.h"
#include "executor/spi.h"
#include "optimizer/planner.h"
#include "portability/instr_time.h"
#include "tcop/pquery.h"
#include "tcop/utility.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "storage/proc.h"
#include "utils/array.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "common/hashfn.h"
#include "lib/stringinfo.h"
#include "utils/datum.h"
#include "utils/fmgroids.h"
#include "utils/guc.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/portal.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"
#include "utils/xid8.h"
#include "storage/bufmgr.h"
#include "storage/itemptr.h"

#include "builtin_roles.h"
#include "ids.h"
#include "index_read.h"
#include "subject.h"
#include "util.h"

PG_FUNCTION_INFO_V1(members_invalidate_subject_cache);
PG_FUNCTION_INFO_V1(members_log_subject_change);
PG_FUNCTION_INFO_V1(members_subject_cache_info);
PG_FUNCTION_INFO_V1(members_subject_cache_clear);

/* See subject.h. */
uint64		members_subject_stamp = 0;

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
#define WATCHED_USERS 0
#define WATCHED_ORGS 1
#define WATCHED_MEMBERS 2
#define WATCHED_ROLES 3
static Oid	log_oid = InvalidOid;	/* members.subject_changes, if installed */

/*
 * The relation whose relcache invalidation says "the log has news"
 * (signal_relation): the log's TOAST table, which no backend opens (the
 * log's values are never toasted: a role name is at most 32 bytes), so
 * that delivering the signal costs a backend nothing but the callback.
 * Not the log itself: that would also invalidate every cached plan on the
 * log (the writers' INSERT, the readers' queries) and make every reader
 * rebuild the log's relcache entry; not its index, which every reader
 * opens and would have to rebuild.  Without a TOAST table, the seq index,
 * and without that, the log.
 */
static Oid	log_signal_oid = InvalidOid;
static bool log_signal_stale = false;	/* the log was rewritten or its indexes changed */
static bool watched_oids_known = false;

/*
 * What subject_build reads: the indexes it scans and the columns it reads,
 * learned with the watched tables' oids and forgotten with them.
 */
static struct
{
	bool		known;
	Oid			users_pkey;
	Oid			members_by_user;	/* (user_id, organization_id) */
	Oid			orgs_pkey;
	Oid			roles_by_name;	/* (organization_id, name) */
	AttrNumber	user_status_att;
	AttrNumber	user_deleted_att;
	AttrNumber	user_roles_att;
	AttrNumber	member_org_att;
	AttrNumber	member_roles_att;
	AttrNumber	org_id_att;
	AttrNumber	org_deleted_att;
	AttrNumber	org_sharing_att;
	AttrNumber	role_org_att;
	AttrNumber	role_name_att;
	AttrNumber	role_display_att;
	AttrNumber	role_perms_att;
} build_rels;

/*
 * Change log: a reader is pruned away after this long without reading (the
 * pruner deletes rows first seen SUBJECT_LOG_RETENTION ago; a backend that
 * has not read for half of that starts over with a full invalidation).
 */
#define SUBJECT_LOG_RETENTION_S 600
#define SUBJECT_LOG_STALE_US ((int64) SUBJECT_LOG_RETENTION_S * 1000000 / 2)
/* More targets than this in one read: invalidate everything instead. */
#define SUBJECT_LOG_MAX_ROWS 10000
#define SUBJECT_LOG_MAX_ROWS_PLUS_1 10001
/* Prune when the sequence reaches a multiple of this. */
#define SUBJECT_LOG_PRUNE_EVERY 1000

typedef struct SubjectEntry
{
	pg_uuid_t	user_id;		/* hash key */
	MembersSubject *subject;
} SubjectEntry;

static MemoryContext SubjectCacheContext = NULL;
static HTAB *subject_hash = NULL;
static bool cache_valid = true;
static bool inval_pending = false;	/* a full invalidation awaits a boundary */
static bool log_inval_pending = false;	/* the change log has news */

/*
 * Position in the change log: every entry with seq <= log_pos has been
 * applied, except entries of the transactions in log_inflight (running
 * when the log was last read).  log_pos < 0: no position (the cache is
 * empty, or the log does not exist and only full invalidations work).
 */
static int64 log_pos = -1;
static FullTransactionId *log_inflight = NULL;
static int	log_ninflight = 0;
static int	log_inflight_size = 0;
static TimestampTz log_read_at = 0;

/*
 * Users whose subjects this backend's own writes touched, in transaction
 * own_lxid: dropped again when a subtransaction rolls back and once the
 * transaction has ended (its changes are then either committed, and
 * logged for everyone, or undone).
 */
static pg_uuid_t *own_targets = NULL;
static int	own_ntargets = 0;
static int	own_size = 0;
static LocalTransactionId own_lxid = InvalidLocalTransactionId;

/* Counters (members.subject_cache_info). */
static struct
{
	int64		hits;
	int64		misses;
	int64		builds;
	int64		build_us;
	int64		targeted;		/* subjects dropped by a targeted invalidation */
	int64		full;			/* full invalidations */
	int64		log_reads;
} stats;

/* Top-level statement counter and executor nesting depth. */
static uint64 statement_number = 0;
static int	nesting_level = 0;
static ExecutorStart_hook_type prev_ExecutorStart = NULL;
static ExecutorRun_hook_type prev_ExecutorRun = NULL;
static ExecutorFinish_hook_type prev_ExecutorFinish = NULL;
static ProcessUtility_hook_type prev_ProcessUtility = NULL;
static planner_hook_type prev_planner = NULL;
static uint64 cache_generation = 0;
static MembersSubject *last_subject = NULL;

/*
 * Statement we last accepted invalidations for, and the command and
 * subtransaction at which pending invalidations were last applied.
 */
LocalTransactionId members_subject_sync_lxid = InvalidLocalTransactionId;
TimestampTz members_subject_sync_stmt = 0;
static uint64 sync_statement = 0;
static CommandId sync_cid = InvalidCommandId;
static SubTransactionId sync_subxid = InvalidSubTransactionId;

/* The last transaction of this backend that wrote a watched table. */
LocalTransactionId members_subject_wrote_lxid = InvalidLocalTransactionId;

/* Prepared plans. */
static SPIPlanPtr plan_log_read = NULL;
static SPIPlanPtr plan_log_inflight = NULL;
static SPIPlanPtr plan_log_members = NULL;
static SPIPlanPtr plan_log_position = NULL;
static SPIPlanPtr plan_log_insert = NULL;
static SPIPlanPtr plan_log_lock = NULL;
static SPIPlanPtr plan_log_prune = NULL;
static SPIPlanPtr plan_log_mark = NULL;

/* Custom role lookup key during a build. */
typedef struct CustomKey
{
	pg_uuid_t	org_id;
	char		name[NAMEDATALEN];
} CustomKey;

/* Interned permission set during a build. */
typedef struct InternEntry
{
	MembersPermSet set;			/* hash key */
	MembersPermSet *stored;
} InternEntry;

/* A hash table with binary keys in memory context cxt. */
static HTAB *
blob_hash(const char *name, long nelem, Size keysize, Size entrysize, MemoryContext cxt)
{
	HASHCTL		ctl;

	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = keysize;
	ctl.entrysize = entrysize;
	ctl.hcxt = cxt;
	return hash_create(name, nelem, &ctl, HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
}

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
 * Relcache callback.  The change log (members.subject_changes) changed:
 * read it at the next boundary (targeted invalidation).  A watched table
 * itself (TRUNCATE, DDL, VACUUM's statistics) or everything (InvalidOid,
 * a lost sinval queue) changed: drop the whole cache at the next boundary.
 * Only flags; no catalog access here.
 */
static void
subject_relcache_callback(Datum arg, Oid relid)
{
	if (relid == InvalidOid || is_watched(relid))
	{
		inval_pending = true;
		cache_generation++;
		if (relid != InvalidOid)
		{
			watched_oids_known = false; /* re-read: the table may be gone */
			build_rels.known = false;
		}
	}
	else if (OidIsValid(log_oid) && (relid == log_signal_oid || relid == log_oid))
	{
		/* the log itself: an index created or dropped changes the signal */
		if (relid == log_oid)
			log_signal_stale = true;
		log_inval_pending = true;
		cache_generation++;
	}
}

/*
 * The signal relation of change log logrelid (see log_signal_oid): its
 * TOAST table, else its seq index, else the log itself (catalog access).
 */
static Oid
signal_relation(Oid logrelid)
{
	HeapTuple	tup;
	Oid			toast = InvalidOid;
	Oid			idx;

	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(logrelid));
	if (HeapTupleIsValid(tup))
	{
		toast = ((Form_pg_class) GETSTRUCT(tup))->reltoastrelid;
		ReleaseSysCache(tup);
	}
	if (OidIsValid(toast))
		return toast;
	idx = get_relname_relid("subject_changes_seq_idx", get_rel_namespace(logrelid));
	return OidIsValid(idx) ? idx : logrelid;
}

/*
 * Look up the change log's signal relation (catalog access).  Relearned at
 * the next boundary after any relcache invalidation of the log (a rewrite
 * gives it a new TOAST table; an index may come or go), so that signals on
 * the new relation are heard; one missed in between is covered by the log
 * read that the log's own invalidation already asked for.
 */
static void
learn_log_signal(void)
{
	log_signal_stale = false;
	log_signal_oid = OidIsValid(log_oid) ? signal_relation(log_oid) : InvalidOid;
}

/* Look up the watched tables' and the change log's oids (catalog access). */
static void
learn_watched_oids(void)
{
	Oid			nsp = get_namespace_oid("members", true);

	if (!OidIsValid(nsp))
		return;
	for (int i = 0; i < NUM_WATCHED_TABLES; i++)
		watched_oids[i] = get_relname_relid(watched_tables[i], nsp);
	log_oid = get_relname_relid("subject_changes", nsp);
	learn_log_signal();
	watched_oids_known = true;
}

/* See subject.h. */
bool
members_subject_is_log_relation(Oid relid)
{
	return OidIsValid(relid) && (relid == log_oid || relid == log_signal_oid);
}

/* See subject.h. */
void
members_subject_cache_reset(void)
{
	if (SubjectCacheContext != NULL)
		MemoryContextReset(SubjectCacheContext);
	members_subject_stamp++;
	subject_hash = NULL;
	last_subject = NULL;
	cache_valid = true;
	log_pos = -1;				/* an empty cache needs no position */
}

/*
 * Statement boundaries: statement_number advances at every top-level
 * (nesting level 0) planning, executor start and utility command, so that
 * each statement of a multi-statement message is a statement of its own
 * (GetCurrentStatementStartTimestamp is set once per client message).
 * Nesting is counted as contrib/pg_stat_statements does.
 */
/*
 * Is a top-level statement starting?  Not inside a hooked executor run,
 * nor while a portal is running (the statement that loaded this library
 * ran before the hooks existed, so the depth alone cannot tell).
 */
static inline bool
starting_top_level(void)
{
	return nesting_level == 0 &&
		!(ActivePortal != NULL && ActivePortal->status == PORTAL_ACTIVE);
}

static PlannedStmt *
subject_planner(Query *parse, const char *query_string, int cursorOptions,
				ParamListInfo boundParams)
{
	PlannedStmt *result;

	if (starting_top_level())
	{
		statement_number++;
		members_subject_stamp++;
	}
	nesting_level++;
	PG_TRY();
	{
		if (prev_planner)
			result = prev_planner(parse, query_string, cursorOptions, boundParams);
		else
			result = standard_planner(parse, query_string, cursorOptions, boundParams);
	}
	PG_FINALLY();
	{
		if (nesting_level > 0)
			nesting_level--;
	}
	PG_END_TRY();
	return result;
}

static void
subject_ExecutorStart(QueryDesc *queryDesc, int eflags)
{
	if (starting_top_level())
	{
		statement_number++;
		members_subject_stamp++;
	}
	if (prev_ExecutorStart)
		prev_ExecutorStart(queryDesc, eflags);
	else
		standard_ExecutorStart(queryDesc, eflags);
}

static void
subject_ExecutorRun(QueryDesc *queryDesc, ScanDirection direction, uint64 count,
					bool execute_once)
{
	nesting_level++;
	PG_TRY();
	{
		if (prev_ExecutorRun)
			prev_ExecutorRun(queryDesc, direction, count, execute_once);
		else
			standard_ExecutorRun(queryDesc, direction, count, execute_once);
	}
	PG_FINALLY();
	{
		if (nesting_level > 0)
			nesting_level--;
	}
	PG_END_TRY();
}

static void
subject_ExecutorFinish(QueryDesc *queryDesc)
{
	nesting_level++;
	PG_TRY();
	{
		if (prev_ExecutorFinish)
			prev_ExecutorFinish(queryDesc);
		else
			standard_ExecutorFinish(queryDesc);
	}
	PG_FINALLY();
	{
		if (nesting_level > 0)
			nesting_level--;
	}
	PG_END_TRY();
}

static void
subject_ProcessUtility(PlannedStmt *pstmt, const char *queryString,
					   bool readOnlyTree, ProcessUtilityContext context,
					   ParamListInfo params, QueryEnvironment *queryEnv,
					   DestReceiver *dest, QueryCompletion *qc)
{
	if (nesting_level == 0 && context == PROCESS_UTILITY_TOPLEVEL)
	{
		statement_number++;
		members_subject_stamp++;
	}
	nesting_level++;
	PG_TRY();
	{
		if (prev_ProcessUtility)
			prev_ProcessUtility(pstmt, queryString, readOnlyTree, context, params,
								queryEnv, dest, qc);
		else
			standard_ProcessUtility(pstmt, queryString, readOnlyTree, context, params,
									queryEnv, dest, qc);
	}
	PG_FINALLY();
	{
		if (nesting_level > 0)
			nesting_level--;
	}
	PG_END_TRY();
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

	prev_planner = planner_hook;
	planner_hook = subject_planner;
	prev_ExecutorStart = ExecutorStart_hook;
	ExecutorStart_hook = subject_ExecutorStart;
	prev_ExecutorRun = ExecutorRun_hook;
	ExecutorRun_hook = subject_ExecutorRun;
	prev_ExecutorFinish = ExecutorFinish_hook;
	ExecutorFinish_hook = subject_ExecutorFinish;
	prev_ProcessUtility = ProcessUtility_hook;
	ProcessUtility_hook = subject_ProcessUtility;
}

/*
 * Drop one user's subject, if cached (a targeted invalidation).  The
 * subject's memory context is its own (see members_subject_get).
 */
static void
cache_drop_user(const pg_uuid_t *user_id)
{
	SubjectEntry *e;
	MembersSubject *s;

	if (subject_hash == NULL)
		return;
	e = hash_search(subject_hash, user_id, HASH_FIND, NULL);
	if (e == NULL)
		return;
	s = e->subject;
	hash_search(subject_hash, user_id, HASH_REMOVE, NULL);
	if (last_subject == s)
		last_subject = NULL;
	MemoryContextDelete(GetMemoryChunkContext(s));
	members_subject_stamp++;
	stats.targeted++;
}

/* Make the whole cache invalid (it is emptied at the next lookup). */
static void
cache_invalidate_all(void)
{
	cache_valid = false;
	stats.full++;
}

/* Remember a user that this transaction's own writes touched. */
static void
own_note(const pg_uuid_t *user_id)
{
	if (own_lxid != MyProc->lxid)
	{
		own_ntargets = 0;
		own_lxid = MyProc->lxid;
	}
	if (own_ntargets >= own_size)
	{
		int			size = Max(16, own_size * 2);

		if (own_targets == NULL)
			own_targets = MemoryContextAlloc(TopMemoryContext, sizeof(pg_uuid_t) * size);
		else
			own_targets = repalloc(own_targets, sizeof(pg_uuid_t) * size);
		own_size = size;
	}
	own_targets[own_ntargets++] = *user_id;
}

/* Drop every subject this backend's own writes touched. */
static void
own_drop_all(void)
{
	for (int i = 0; i < own_ntargets; i++)
		cache_drop_user(&own_targets[i]);
	if (own_ntargets > SUBJECT_LOG_MAX_ROWS)
	{
		/* a huge own change: free the list, invalidate everything */
		cache_invalidate_all();
		pfree(own_targets);
		own_targets = NULL;
		own_size = 0;
	}
	own_ntargets = 0;
}

/* A 32-bit xid of a running transaction as a full one (next: the next xid). */
static FullTransactionId
widen_xid(TransactionId xid, FullTransactionId next)
{
	uint32		epoch = EpochFromFullTransactionId(next);

	if (xid > XidFromFullTransactionId(next) && epoch > 0)
		epoch--;
	return FullTransactionIdFromEpochAndXid(epoch, xid);
}

/*
 * Remember the transactions running at snap (their change log entries may
 * later commit with a seq below log_pos) and this transaction, whose own
 * entries become visible command by command.
 */
static void
log_note_inflight(Snapshot snap)
{
	TransactionId *xids;
	int			n;
	FullTransactionId next = ReadNextFullTransactionId();
	FullTransactionId top = GetTopFullTransactionIdIfAny();

	if (snap->takenDuringRecovery)
	{
		/* a hot standby keeps every running xid in subxip */
		xids = snap->subxip;
		n = snap->subxcnt;
	}
	else
	{
		xids = snap->xip;
		n = snap->xcnt;
	}
	if (n + 1 > log_inflight_size)
	{
		if (log_inflight != NULL)
			pfree(log_inflight);
		log_inflight_size = Max(64, n + 1);
		log_inflight = MemoryContextAlloc(TopMemoryContext,
										  sizeof(FullTransactionId) * log_inflight_size);
	}
	log_ninflight = 0;
	for (int i = 0; i < n; i++)
		if (TransactionIdIsNormal(xids[i]))
			log_inflight[log_ninflight++] = widen_xid(xids[i], next);
	if (FullTransactionIdIsValid(top))
		log_inflight[log_ninflight++] = top;
}

/* The snapshot the change log and the subjects are read with. */
static Snapshot
read_snapshot(void)
{
	return RegisterSnapshot(IsInParallelMode() ? GetActiveSnapshot() : GetLatestSnapshot());
}

/*
 * Take a position in the change log before the first subject is built
 * into an empty cache: the last entry and the transactions still running.
 * Without a change log (a 1.0 schema), stays without a position: only full
 * invalidations then.  The caller is not connected to SPI.
 */
static void
log_take_position(void)
{
	MembersUserSwitch sw;
	Snapshot	snap;
	bool		isnull;
	int64		pos;

	if (!watched_oids_known)
		learn_watched_oids();
	if (!OidIsValid(log_oid))
		return;
	SPI_connect();
	members_become_owner(&sw);
	snap = read_snapshot();
	members_plan(&plan_log_position,
				 "SELECT pg_catalog.max(c.seq) FROM members.subject_changes c",
				 0, NULL);
	if (SPI_execute_snapshot(plan_log_position, NULL, NULL, snap, InvalidSnapshot,
							 true, false, 1) != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "could not read the subject change log position");
	pos = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	log_pos = isnull ? 0 : pos;
	log_note_inflight(snap);
	log_read_at = GetCurrentTimestamp();
	log_inval_pending = false;	/* everything so far is in the position */
	UnregisterSnapshot(snap);
	members_restore_user(&sw);
	SPI_finish();
}

/* One change log entry, copied out of SPI_tuptable. */
typedef struct LogRow
{
	int64		seq;
	FullTransactionId xid;
	char		kind;
	bool		has_user;
	pg_uuid_t	user_id;
	pg_uuid_t	org_id;
	char	   *role_name;		/* NULL unless kind 'r' */
} LogRow;

/*
 * A new zeroed entry at the end of *rows (allocated for 16 entries by the
 * caller when *nrows is 0), grown by doubling.
 */
static LogRow *
log_row_new(LogRow **rows, int *nrows)
{
	static int	size = 16;
	LogRow	   *r;

	if (*nrows == 0)
		size = 16;
	if (*nrows >= size)
	{
		size *= 2;
		*rows = repalloc(*rows, sizeof(LogRow) * size);
	}
	r = &(*rows)[(*nrows)++];
	memset(r, 0, sizeof(*r));
	return r;
}

/*
 * Fill r from a tuple of members.subject_changes whose columns seq, xid,
 * kind, user_id, organization_id and role_name are att[0..5].
 */
static void
log_row_decode(LogRow *r, HeapTuple tup, TupleDesc desc, const AttrNumber *att)
{
	bool		isnull;
	Datum		d;

	r->seq = DatumGetInt64(heap_getattr(tup, att[0], desc, &isnull));
	r->xid = DatumGetFullTransactionId(heap_getattr(tup, att[1], desc, &isnull));
	r->kind = DatumGetChar(heap_getattr(tup, att[2], desc, &isnull));
	d = heap_getattr(tup, att[3], desc, &isnull);
	r->has_user = !isnull;
	if (!isnull)
		r->user_id = *DatumGetUUIDP(d);
	d = heap_getattr(tup, att[4], desc, &isnull);
	if (!isnull)
		r->org_id = *DatumGetUUIDP(d);
	d = heap_getattr(tup, att[5], desc, &isnull);
	if (!isnull)
		r->role_name = TextDatumGetCString(d);
}

/*
 * Append the entries after pos to *rows in seq order, read through the
 * seq index with snap (the same rows as plan_log_read, without a plan:
 * the plans on the change log are invalidated by every write to it, so
 * a query would be planned again at almost every read).  False if there
 * are more than SUBJECT_LOG_MAX_ROWS in all; also false, with *scanned
 * false, when the index is missing (the caller then queries).
 */
static bool
log_scan_after(Snapshot snap, int64 pos, LogRow **rows, int *nrows, bool *scanned)
{
	Oid			idx_oid;
	Relation	rel;
	Relation	idx;
	TupleDesc	desc;
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tup;
	AttrNumber	att[6];
	static const char *const names[6] = {"seq", "xid", "kind", "user_id",
	"organization_id", "role_name"};
	bool		ok = true;

	*scanned = false;
	idx_oid = get_relname_relid("subject_changes_seq_idx", get_rel_namespace(log_oid));
	if (!OidIsValid(idx_oid))
		return false;
	rel = table_open(log_oid, AccessShareLock);
	idx = index_open(idx_oid, AccessShareLock);
	desc = RelationGetDescr(rel);
	for (int i = 0; i < 6; i++)
	{
		att[i] = get_attnum(log_oid, names[i]);
		if (att[i] == InvalidAttrNumber)
		{
			index_close(idx, AccessShareLock);
			table_close(rel, AccessShareLock);
			return false;
		}
	}
	if (idx->rd_index->indrelid != log_oid || idx->rd_index->indnatts != 1 ||
		idx->rd_index->indkey.values[0] != att[0] ||
		idx->rd_rel->relam != BTREE_AM_OID || !idx->rd_index->indisvalid ||
		idx->rd_opfamily[0] != INTEGER_BTREE_FAM_OID ||
		!heap_attisnull(idx->rd_indextuple, Anum_pg_index_indpred, NULL))
	{
		index_close(idx, AccessShareLock);
		table_close(rel, AccessShareLock);
		return false;
	}
	*scanned = true;
	/* systable scans take the table's attribute numbers in their keys */
	ScanKeyInit(&key, att[0], BTGreaterStrategyNumber, F_INT8GT, Int64GetDatum(pos));
	scan = systable_beginscan_ordered(rel, idx, snap, 1, &key);
	while ((tup = systable_getnext_ordered(scan, ForwardScanDirection)) != NULL)
	{

		CHECK_FOR_INTERRUPTS();
		if (*nrows >= SUBJECT_LOG_MAX_ROWS)
		{
			ok = false;
			break;
		}
		log_row_decode(log_row_new(rows, nrows), tup, desc, att);
	}
	systable_endscan_ordered(scan);
	index_close(idx, AccessShareLock);
	table_close(rel, AccessShareLock);
	return ok;
}

/* qsort comparator of FullTransactionIds. */
static int
fxid_cmp(const void *a, const void *b)
{
	uint64		x = U64FromFullTransactionId(*(const FullTransactionId *) a);
	uint64		y = U64FromFullTransactionId(*(const FullTransactionId *) b);

	return (x > y) - (x < y);
}

/*
 * Append the entries at or before pos written by the transactions of
 * log_inflight to *rows, read through the xid index with snap (the rows of
 * plan_log_inflight, without a plan, for the reason log_scan_after gives).
 * Returns like log_scan_after.
 */
static bool
log_scan_inflight(Snapshot snap, int64 pos, LogRow **rows, int *nrows, bool *scanned)
{
	Oid			idx_oid;
	Relation	rel;
	Relation	idx;
	TupleDesc	desc;
	AttrNumber	att[6];
	static const char *const names[6] = {"seq", "xid", "kind", "user_id",
	"organization_id", "role_name"};
	FullTransactionId *xids;
	bool		ok = true;

	*scanned = false;
	idx_oid = get_relname_relid("subject_changes_xid_idx", get_rel_namespace(log_oid));
	if (!OidIsValid(idx_oid))
		return false;
	rel = table_open(log_oid, AccessShareLock);
	idx = index_open(idx_oid, AccessShareLock);
	desc = RelationGetDescr(rel);
	for (int i = 0; i < 6; i++)
		att[i] = get_attnum(log_oid, names[i]);
	if (att[0] == InvalidAttrNumber || att[1] == InvalidAttrNumber ||
		att[2] == InvalidAttrNumber || att[3] == InvalidAttrNumber ||
		att[4] == InvalidAttrNumber || att[5] == InvalidAttrNumber ||
		idx->rd_index->indrelid != log_oid || idx->rd_index->indnatts != 1 ||
		idx->rd_index->indkey.values[0] != att[1] ||
		idx->rd_rel->relam != BTREE_AM_OID || !idx->rd_index->indisvalid ||
		idx->rd_opcintype[0] != XID8OID ||
		!heap_attisnull(idx->rd_indextuple, Anum_pg_index_indpred, NULL))
	{
		index_close(idx, AccessShareLock);
		table_close(rel, AccessShareLock);
		return false;
	}
	*scanned = true;

	/* each transaction once, as = ANY does */
	xids = palloc(sizeof(FullTransactionId) * log_ninflight);
	memcpy(xids, log_inflight, sizeof(FullTransactionId) * log_ninflight);
	qsort(xids, log_ninflight, sizeof(FullTransactionId), fxid_cmp);
	for (int x = 0; x < log_ninflight && ok; x++)
	{
		ScanKeyData key;
		SysScanDesc scan;
		HeapTuple	tup;

		if (x > 0 && FullTransactionIdEquals(xids[x], xids[x - 1]))
			continue;
		ScanKeyInit(&key, att[1], BTEqualStrategyNumber, F_XID8EQ,
					FullTransactionIdGetDatum(xids[x]));
		scan = systable_beginscan_ordered(rel, idx, snap, 1, &key);
		while ((tup = systable_getnext_ordered(scan, ForwardScanDirection)) != NULL)
		{
			bool		isnull;
			int64		seq;

			CHECK_FOR_INTERRUPTS();
			seq = DatumGetInt64(heap_getattr(tup, att[0], desc, &isnull));
			if (isnull || seq > pos)
				continue;
			if (*nrows >= SUBJECT_LOG_MAX_ROWS)
			{
				ok = false;
				break;
			}
			log_row_decode(log_row_new(rows, nrows), tup, desc, att);
		}
		systable_endscan_ordered(scan);
	}
	pfree(xids);
	index_close(idx, AccessShareLock);
	table_close(rel, AccessShareLock);
	return ok;
}

/*
 * Append the rows of SPI_tuptable (seq, xid, kind, user_id,
 * organization_id, role_name) to *rows; false if there are more than
 * SUBJECT_LOG_MAX_ROWS in all.
 */
static bool
log_collect(LogRow **rows, int *nrows)
{
	if (*nrows + SPI_processed > SUBJECT_LOG_MAX_ROWS)
		return false;
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		HeapTuple	row = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		LogRow	   *r;
		bool		isnull;
		Datum		d;

		r = log_row_new(rows, nrows);
		r->seq = DatumGetInt64(SPI_getbinval(row, desc, 1, &isnull));
		r->xid = DatumGetFullTransactionId(SPI_getbinval(row, desc, 2, &isnull));
		r->kind = DatumGetChar(SPI_getbinval(row, desc, 3, &isnull));
		d = SPI_getbinval(row, desc, 4, &isnull);
		r->has_user = !isnull;
		if (!isnull)
			r->user_id = *DatumGetUUIDP(d);
		d = SPI_getbinval(row, desc, 5, &isnull);
		if (!isnull)
			r->org_id = *DatumGetUUIDP(d);
		d = SPI_getbinval(row, desc, 6, &isnull);
		if (!isnull)
			r->role_name = TextDatumGetCString(d);
	}
	return true;
}

/*
 * Targeted invalidation: read the change log entries after log_pos and
 * those of transactions that were running at the last read, and drop the
 * subjects they name (a user; a custom role's holders and an
 * organization's members as of now).  Falls back to a full invalidation
 * after a long pause (entries may have been pruned) or when too many
 * subjects are named.  The caller is not connected to SPI.
 */
static void
log_read(void)
{
	MembersUserSwitch sw;
	Snapshot	snap;
	TimestampTz now = GetCurrentTimestamp();
	FullTransactionId top = GetTopFullTransactionIdIfAny();
	int64		maxpos = log_pos;
	LogRow	   *rows;
	int			nrows = 0;
	bool		too_many = false;
	bool		scanned;

	if (now - log_read_at > SUBJECT_LOG_STALE_US)
	{
		cache_invalidate_all();
		return;
	}
	stats.log_reads++;
	SPI_connect();
	members_become_owner(&sw);
	snap = read_snapshot();
	rows = palloc(sizeof(LogRow) * 16);

	/*
	 * Entries after the position (ordered with a LIMIT, so that even a
	 * generic plan walks the seq index), then those of transactions that
	 * were running at the last read.  Each query is simple enough that its
	 * plan is kept.
	 */
	too_many = !log_scan_after(snap, log_pos, &rows, &nrows, &scanned);
	if (!scanned)
	{
		Oid			argtypes[1] = {INT8OID};
		Datum		values[1];

		members_plan(&plan_log_read,
					 "SELECT l.seq, l.xid, l.kind, l.user_id, l.organization_id, l.role_name "
					 "FROM members.subject_changes l WHERE l.seq OPERATOR(pg_catalog.>) $1 "
					 "ORDER BY l.seq LIMIT " CppAsString2(SUBJECT_LOG_MAX_ROWS_PLUS_1),
					 1, argtypes);
		values[0] = Int64GetDatum(log_pos);
		if (SPI_execute_snapshot(plan_log_read, values, NULL, snap, InvalidSnapshot,
								 true, false, 0) != SPI_OK_SELECT)
			elog(ERROR, "could not read the subject change log");
		too_many = !log_collect(&rows, &nrows);
	}
	scanned = true;
	if (!too_many && log_ninflight > 0)
	{
		bool		ok = log_scan_inflight(snap, log_pos, &rows, &nrows, &scanned);

		if (scanned)
			too_many = !ok;
	}
	if (!too_many && log_ninflight > 0 && !scanned)
	{
		Oid			argtypes[2] = {INT8OID, XID8ARRAYOID};
		Datum		values[2];
		Datum	   *xids = palloc(sizeof(Datum) * log_ninflight);

		for (int i = 0; i < log_ninflight; i++)
			xids[i] = FullTransactionIdGetDatum(log_inflight[i]);
		members_plan(&plan_log_inflight,
					 "SELECT l.seq, l.xid, l.kind, l.user_id, l.organization_id, l.role_name "
					 "FROM members.subject_changes l "
					 "WHERE l.xid OPERATOR(pg_catalog.=) ANY ($2) AND l.seq OPERATOR(pg_catalog.<=) $1 "
					 "LIMIT " CppAsString2(SUBJECT_LOG_MAX_ROWS_PLUS_1),
					 2, argtypes);
		values[0] = Int64GetDatum(log_pos);
		values[1] = PointerGetDatum(construct_array(xids, log_ninflight, XID8OID,
													sizeof(FullTransactionId), FLOAT8PASSBYVAL,
													TYPALIGN_DOUBLE));
		if (SPI_execute_snapshot(plan_log_inflight, values, NULL, snap, InvalidSnapshot,
								 true, false, 0) != SPI_OK_SELECT)
			elog(ERROR, "could not read the subject change log");
		too_many = !log_collect(&rows, &nrows);
	}

	if (too_many)
		cache_invalidate_all();
	else
	{
		int			dropped = 0;

		for (int i = 0; i < nrows && !too_many; i++)
		{
			LogRow	   *r = &rows[i];
			bool		own = FullTransactionIdIsValid(top) && FullTransactionIdEquals(r->xid, top);

			CHECK_FOR_INTERRUPTS();
			if (r->seq > maxpos)
				maxpos = r->seq;
			if (r->kind == 'u')
			{
				if (r->has_user)
				{
					cache_drop_user(&r->user_id);
					if (own)
						own_note(&r->user_id);
				}
				dropped++;
				continue;
			}

			/*
			 * An organization or a custom role: its members, or the members
			 * whose stored roles name it, as of now.
			 */
			{
				Oid			argtypes[2] = {UUIDOID, TEXTOID};
				Datum		values[2];
				char		nulls[2] = {' ', ' '};

				members_plan(&plan_log_members,
							 "SELECT m.user_id FROM members.organization_members m "
							 "WHERE m.organization_id OPERATOR(pg_catalog.=) $1 "
							 "  AND ($2 IS NULL OR $2 OPERATOR(pg_catalog.=) ANY (m.roles))",
							 2, argtypes);
				values[0] = UUIDPGetDatum(&r->org_id);
				values[1] = r->role_name ? CStringGetTextDatum(r->role_name) : (Datum) 0;
				nulls[1] = r->role_name ? ' ' : 'n';
				if (SPI_execute_snapshot(plan_log_members, values, nulls, snap, InvalidSnapshot,
										 true, false, 0) != SPI_OK_SELECT)
					elog(ERROR, "could not read the members named by the subject change log");
				for (uint64 j = 0; j < SPI_processed; j++)
				{
					bool		isnull;
					Datum		u = SPI_getbinval(SPI_tuptable->vals[j], SPI_tuptable->tupdesc, 1, &isnull);

					cache_drop_user(DatumGetUUIDP(u));
					if (own)
						own_note(DatumGetUUIDP(u));
				}
				dropped += SPI_processed;
				if (dropped > SUBJECT_LOG_MAX_ROWS)
					too_many = true;
			}
		}
		if (too_many)
			cache_invalidate_all();
	}
	log_pos = maxpos;
	log_note_inflight(snap);
	log_read_at = now;
	UnregisterSnapshot(snap);
	members_restore_user(&sw);
	SPI_finish();
}

/* Apply what the invalidations since the last boundary announced. */
static void
apply_pending(void)
{
	if (log_signal_stale && watched_oids_known)
		learn_log_signal();
	if (inval_pending)
	{
		inval_pending = false;
		log_inval_pending = false;
		cache_invalidate_all();
		return;
	}
	if (log_inval_pending)
	{
		log_inval_pending = false;
		/* own changes may have been rolled back: drop their subjects again */
		if (own_ntargets > 0)
			own_drop_all();
		if (cache_valid && log_pos >= 0)
			log_read();
	}
}

/* See subject.h. */
void
members_subject_cache_sync(void)
{
	LocalTransactionId lxid = MyProc->lxid;
	TimestampTz stmt = GetCurrentStatementStartTimestamp();
	CommandId	cid;
	SubTransactionId subxid;

	if (lxid == members_subject_sync_lxid && stmt == members_subject_sync_stmt && statement_number == sync_statement)
	{
		/*
		 * The same statement.  Only this transaction's own writes to the
		 * watched tables take effect before it ends: from the next command
		 * on, and at once when a subtransaction rolls back.
		 */
		if (likely(members_subject_wrote_lxid != lxid))
			return;
		cid = GetCurrentCommandId(false);
		subxid = GetCurrentSubTransactionId();
		if (cid == sync_cid && subxid == sync_subxid)
			return;
	}
	else
	{
		AcceptInvalidationMessages();
		members_subject_sync_lxid = lxid;
		members_subject_sync_stmt = stmt;
		sync_statement = statement_number;
		cid = GetCurrentCommandId(false);
		subxid = GetCurrentSubTransactionId();
		/* a finished transaction's own changes: committed or undone */
		if (own_ntargets > 0 && own_lxid != lxid)
			own_drop_all();
	}
	sync_cid = cid;
	sync_subxid = subxid;
	apply_pending();
}

/*
 * Store s once per build (identical sets shared).  *last is the set this
 * call site stored last: consecutive organizations mostly hold the same
 * sets, which a comparison finds without hashing.
 */
static const MembersPermSet *
intern_set(HTAB *interned, const MembersPermSet *s, MemoryContext cxt,
		   const MembersPermSet **last)
{
	InternEntry *e;
	bool		found;

	if (*last != NULL && memcmp(*last, s, sizeof(MembersPermSet)) == 0)
		return *last;

	e = hash_search(interned, s, HASH_ENTER, &found);
	if (!found)
	{
		e->stored = MemoryContextAlloc(cxt, sizeof(MembersPermSet));
		memcpy(e->stored, s, sizeof(MembersPermSet));
	}
	*last = e->stored;
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
 * Parsed custom roles, kept per backend across builds, keyed by
 * (organization, name) and checked against the row version they were
 * parsed from (xmin, ctid): a changed role row is parsed again, an
 * unchanged one never.  Emptied when it holds more than
 * ROLE_CACHE_MAX entries or when the whole subject cache is invalidated.
 */
#define ROLE_CACHE_MAX 20000

typedef struct RoleCacheEntry
{
	CustomKey	key;			/* hash key */
	TransactionId xmin;
	ItemPointerData ctid;
	MembersPermList *perms;		/* in RoleCacheContext */
	MembersPermSet set;
	char	   *display_name;
} RoleCacheEntry;

static MemoryContext RoleCacheContext = NULL;
static HTAB *role_cache = NULL;

/* Forget every parsed custom role. */
static void
role_cache_reset(void)
{
	if (RoleCacheContext != NULL)
		MemoryContextReset(RoleCacheContext);
	role_cache = NULL;
}

/*
 * Make room for nrows more parsed roles: the cache is emptied here, before
 * the lookups of one build, never during them, so that the entries one
 * build points to stay where they are until it ends.
 */
static void
role_cache_prepare(uint64 nrows)
{
	if (role_cache == NULL ||
		(uint64) hash_get_num_entries(role_cache) + nrows > ROLE_CACHE_MAX)
	{
		if (RoleCacheContext == NULL)
			RoleCacheContext = AllocSetContextCreate(CacheMemoryContext,
													 "members custom role cache",
													 ALLOCSET_DEFAULT_SIZES);
		role_cache_reset();
		role_cache = blob_hash("members custom roles", 256, sizeof(CustomKey),
							   sizeof(RoleCacheEntry), RoleCacheContext);
	}
}

/*
 * The parsed custom role in slot (a members.custom_roles row version with
 * the given key), parsed now only if this row version was not parsed
 * before.  role_cache_prepare must have made room for it.
 */
static RoleCacheEntry *
role_cache_lookup(const CustomKey *key, TupleTableSlot *slot)
{
	RoleCacheEntry *e;
	bool		found;
	bool		isnull;
	TransactionId xmin;
	Datum		d;

	Assert(role_cache != NULL);
	xmin = DatumGetTransactionId(slot_getsysattr(slot, MinTransactionIdAttributeNumber,
												 &isnull));
	e = hash_search(role_cache, key, HASH_ENTER, &found);
	if (found && e->xmin == xmin && ItemPointerEquals(&e->ctid, &slot->tts_tid))
		return e;
	if (!found)
	{
		e->perms = NULL;
		e->display_name = NULL;
	}
	/* (re)parse; stored permissions were validated on the way in */
	{
		MembersPermList *perms;
		MemoryContext old;

		d = slot_getattr(slot, build_rels.role_perms_att, &isnull);
		perms = members_parse_permissions(isnull ? NULL : DatumGetJsonbP(d),
										  "org_permissions", false);
		old = MemoryContextSwitchTo(RoleCacheContext);
		e->perms = members_permlist_copy(RoleCacheContext, perms);
		d = slot_getattr(slot, build_rels.role_display_att, &isnull);
		e->display_name = isnull ? pstrdup("") : TextDatumGetCString(d);
		MemoryContextSwitchTo(old);
		members_permset_clear(&e->set);
		members_permset_add_list(&e->set, e->perms);
		e->xmin = xmin;
		e->ctid = slot->tts_tid;
	}
	return e;
}

/*
 * A role set expanded once per build: the stored role names of a
 * membership (in order) and the sharing switch, with the pooled
 * permissions and the held roles they give.  Organizations holding the
 * same set (the common case: none, or the same built-in roles) share it.
 */
typedef struct RoleSetEntry
{
	uint32		hash;			/* hash key: of names and switch */
	struct RoleSetEntry *next;	/* same hash */
	char	   *names;			/* NUL-separated names, then the switch */
	int			names_len;
	const MembersPermSet *org;
	const MembersPermSet *member;
	MembersPermSet *site_extra; /* site and user permissions the set adds; */
	MembersPermSet *user_extra; /* NULL when none (build memory) */
	int			nroles;
	MembersHeldRole *roles;
} RoleSetEntry;

typedef struct RoleSetBucket
{
	uint32		hash;
	RoleSetEntry *first;
} RoleSetBucket;

/*
 * Learn the indexes and column numbers a build reads (catalog access; the
 * watched tables' oids must be known).  False without a members schema.
 */
static bool
learn_build_rels(void)
{
	Oid			nsp = get_namespace_oid("members", true);

	build_rels.known = false;
	if (!OidIsValid(nsp))
		return false;
	build_rels.users_pkey = get_relname_relid("users_pkey", nsp);
	build_rels.members_by_user = get_relname_relid("organization_members_user_id_idx", nsp);
	build_rels.orgs_pkey = get_relname_relid("organizations_pkey", nsp);
	build_rels.roles_by_name = get_relname_relid("custom_roles_name_org_idx", nsp);
	if (!OidIsValid(build_rels.users_pkey) || !OidIsValid(build_rels.members_by_user) ||
		!OidIsValid(build_rels.orgs_pkey) || !OidIsValid(build_rels.roles_by_name))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("an index of the members tables is missing"),
				 errdetail("Permission checks read users_pkey, organization_members_user_id_idx, organizations_pkey and custom_roles_name_org_idx."),
				 errhint("Create the missing index again as the extension script defines it.")));
#define ATT(field, table, col) \
	do { \
		build_rels.field = get_attnum(watched_oids[table], col); \
		if (build_rels.field == InvalidAttrNumber) \
			elog(ERROR, "column %s of members.%s not found", col, watched_tables[table]); \
	} while (0)
	ATT(user_status_att, WATCHED_USERS, "status");
	ATT(user_deleted_att, WATCHED_USERS, "deleted");
	ATT(user_roles_att, WATCHED_USERS, "rbac_roles");
	ATT(member_org_att, WATCHED_MEMBERS, "organization_id");
	ATT(member_roles_att, WATCHED_MEMBERS, "roles");
	ATT(org_id_att, WATCHED_ORGS, "id");
	ATT(org_deleted_att, WATCHED_ORGS, "deleted");
	ATT(org_sharing_att, WATCHED_ORGS, "workspace_sharing_disabled");
	ATT(role_org_att, WATCHED_ROLES, "organization_id");
	ATT(role_name_att, WATCHED_ROLES, "name");
	ATT(role_display_att, WATCHED_ROLES, "display_name");
	ATT(role_perms_att, WATCHED_ROLES, "org_permissions");
#undef ATT
	build_rels.known = true;
	return true;
}

/* An open table, one of its indexes, a scan and a slot. */
typedef struct BuildScan
{
	MembersIndexRead r;
	BlockNumber nblocks;		/* the table's size when first needed */
} BuildScan;

/* Open a scan of table relid through index indexid with nkeys keys. */
static void
build_scan_open(BuildScan *b, Oid relid, Oid indexid, Snapshot snap, int nkeys)
{
	members_index_read_begin(&b->r, table_open(relid, AccessShareLock),
							 index_open(indexid, AccessShareLock), snap, nkeys);
	b->nblocks = InvalidBlockNumber;
}

/*
 * Fetch into b->r.slot the row version at tid, a position remembered from an
 * earlier build, if it is visible to the build's snapshot.  The position
 * may be stale in any way (pruned, reused, past the end after a TRUNCATE or
 * a VACUUM truncation), so the caller must check that the row found is the
 * one it wants; the table cannot shrink while the build holds its lock.
 */
static bool
build_fetch_tid(BuildScan *b, ItemPointer tid)
{
	if (!ItemPointerIsValid(tid))
		return false;
	if (b->nblocks == InvalidBlockNumber)
		b->nblocks = RelationGetNumberOfBlocks(b->r.heap);
	if (ItemPointerGetBlockNumber(tid) >= b->nblocks)
		return false;
	return table_tuple_fetch_row_version(b->r.heap, tid, b->r.snap, b->r.slot);
}

/* End the scan and close what build_scan_open opened. */
static void
build_scan_close(BuildScan *b)
{
	if (b->r.heap == NULL)
		return;
	members_index_read_end(&b->r);
	index_close(b->r.index, AccessShareLock);
	table_close(b->r.heap, AccessShareLock);
	b->r.heap = NULL;
}

/*
 * Where each organization's row was last found (org id -> tid), kept per
 * backend across builds so that a build fetches an organization by its
 * position instead of searching its primary key.  A position is only a
 * hint: the row fetched there counts only if it is visible to the build's
 * snapshot and carries that id, and then it is the organization's current
 * version (a snapshot sees at most one row per primary key).  Emptied when
 * it holds more than ORG_TID_CACHE_MAX entries.
 */
#define ORG_TID_CACHE_MAX 50000

typedef struct OrgTidEntry
{
	pg_uuid_t	org_id;			/* hash key */
	ItemPointerData tid;
} OrgTidEntry;

static MemoryContext OrgTidContext = NULL;
static HTAB *org_tid_cache = NULL;

/* Make room for one more organization. */
static void
org_tid_prepare(void)
{
	if (org_tid_cache == NULL || hash_get_num_entries(org_tid_cache) >= ORG_TID_CACHE_MAX)
	{
		if (OrgTidContext == NULL)
			OrgTidContext = AllocSetContextCreate(CacheMemoryContext,
												  "members organization positions",
												  ALLOCSET_DEFAULT_SIZES);
		MemoryContextReset(OrgTidContext);
		org_tid_cache = blob_hash("members organization positions", 256, sizeof(pg_uuid_t),
								  sizeof(OrgTidEntry), OrgTidContext);
	}
}

/*
 * Put organization org_id's current row (visible to the build's snapshot)
 * into orgs->r.slot: at its remembered position if it is still there, else
 * through the primary key (remembering where).  False if there is none.
 */
static bool
build_fetch_org(BuildScan *orgs, const pg_uuid_t *org_id)
{
	OrgTidEntry *e;
	bool		found;
	bool		isnull;

	org_tid_prepare();
	e = hash_search(org_tid_cache, org_id, HASH_ENTER, &found);
	if (found && build_fetch_tid(orgs, &e->tid))
	{
		Datum		d = slot_getattr(orgs->r.slot, build_rels.org_id_att, &isnull);

		if (!isnull && members_uuid_equal(DatumGetUUIDP(d), org_id))
			return true;
	}
	if (!members_index_read_uuid(&orgs->r, org_id))
	{
		ItemPointerSetInvalid(&e->tid);
		return false;
	}
	e->tid = orgs->r.slot->tts_tid;
	return true;
}

/*
 * Put the custom role (org, name) of key into roles->r.slot: at the position
 * the role cache remembers if that row is still visible there, else through
 * (organization_id, name).  False if the role does not exist.
 */
static bool
build_fetch_role(BuildScan *roles, const CustomKey *key)
{
	RoleCacheEntry *e = hash_search(role_cache, key, HASH_FIND, NULL);
	ScanKeyData rkeys[2];
	bool		isnull;

	if (e != NULL && build_fetch_tid(roles, &e->ctid))
	{
		Datum		org = slot_getattr(roles->r.slot, build_rels.role_org_att, &isnull);
		Datum		name;

		if (!isnull && members_uuid_equal(DatumGetUUIDP(org), &key->org_id))
		{
			name = slot_getattr(roles->r.slot, build_rels.role_name_att, &isnull);
			if (!isnull && strcmp(TextDatumGetCString(name), key->name) == 0)
				return true;
		}
	}
	ScanKeyInit(&rkeys[0], 1, BTEqualStrategyNumber, F_UUID_EQ,
				UUIDPGetDatum(&key->org_id));
	ScanKeyEntryInitialize(&rkeys[1], 0, 2, BTEqualStrategyNumber, InvalidOid,
						   roles->r.index->rd_indcollation[1], F_TEXTEQ,
						   CStringGetTextDatum(key->name));
	index_rescan(roles->r.scan, rkeys, 2, NULL, 0);
	return index_getnext_slot(roles->r.scan, ForwardScanDirection, roles->r.slot);
}

/* The stored text[] at attno of the slot's row, as names in build memory. */
static char **
slot_names(TupleTableSlot *slot, AttrNumber attno, const char *what, int *n)
{
	bool		isnull;
	Datum		d = slot_getattr(slot, attno, &isnull);
	ArrayType  *arr;

	*n = 0;
	if (isnull)
		return NULL;
	arr = DatumGetArrayTypeP(d);
	if (ArrayGetNItems(ARR_NDIM(arr), ARR_DIMS(arr)) == 0)
		return NULL;
	return members_text_array(arr, what, n);
}

/* One membership read by a build (build memory). */
typedef struct BuildMembership
{
	pg_uuid_t	org_id;
	bool		sharing_disabled;
	char	  **names;
	int			nnames;
	bool		has_custom;		/* names a role that is not built in */
} BuildMembership;

/*
 * Read one user and expand it into a subject allocated in cxt, with direct
 * index scans under the latest snapshot (read_snapshot): the user by its
 * primary key, its memberships through (user_id, organization_id), so in
 * organization order, each organization by its primary key (deleted ones
 * skipped), and each custom role a membership names through
 * (organization_id, name), parsed only if the role cache does not hold
 * that row version.  No SPI; the build's scratch memory is freed on return.
 */
static MembersSubject *
subject_build(const pg_uuid_t *user_id, MemoryContext cxt)
{
	MembersSubject *s;
	Snapshot	snap;
	MemoryContext scratch;
	MemoryContext oldcxt;
	HTAB	   *interned;
	HTAB	   *rolesets;
	StringInfoData key;
	BuildScan	users = {0};
	BuildScan	members = {0};
	BuildScan	orgs = {0};
	BuildScan	roles = {0};
	BuildMembership *ms;
	int			nms = 0;
	int			mssize = 8;
	int			ncustom = 0;
	const MembersPermSet *last_org = NULL;
	const MembersPermSet *last_member = NULL;
	bool		exists;
	bool		isnull;

	s = MemoryContextAllocZero(cxt, sizeof(MembersSubject));
	s->user_id = *user_id;

	if (!watched_oids_known)
		learn_watched_oids();
	if (!build_rels.known && (!watched_oids_known || !learn_build_rels()))
		elog(ERROR, "permission cache used without the members schema");

	scratch = AllocSetContextCreate(CurrentMemoryContext, "members subject build",
									ALLOCSET_DEFAULT_SIZES);
	oldcxt = MemoryContextSwitchTo(scratch);
	snap = read_snapshot();

	/* the user */
	build_scan_open(&users, watched_oids[WATCHED_USERS], build_rels.users_pkey, snap, 1);
	exists = members_index_read_uuid(&users.r, user_id);
	if (!exists ||
		DatumGetBool(slot_getattr(users.r.slot, build_rels.user_deleted_att, &isnull)))
	{
		s->found = false;
		strlcpy(s->status, exists ? "deleted" : "", sizeof(s->status));
		build_scan_close(&users);
		UnregisterSnapshot(snap);
		MemoryContextSwitchTo(oldcxt);
		MemoryContextDelete(scratch);
		return s;
	}
	s->found = true;
	text_to_cstring_buffer(DatumGetTextPP(slot_getattr(users.r.slot, build_rels.user_status_att,
													   &isnull)),
						   s->status, sizeof(s->status));
	s->active = strcmp(s->status, "active") == 0;
	{
		char	  **names;
		int			n;

		names = slot_names(users.r.slot, build_rels.user_roles_att, "rbac_roles", &n);
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
	build_scan_close(&users);

	/* the memberships of non-deleted organizations, in organization order */
	ms = palloc(sizeof(BuildMembership) * mssize);
	build_scan_open(&members, watched_oids[WATCHED_MEMBERS], build_rels.members_by_user, snap, 1);
	build_scan_open(&orgs, watched_oids[WATCHED_ORGS], build_rels.orgs_pkey, snap, 1);
	for (bool more = members_index_read_uuid(&members.r, user_id); more;
		 more = members_index_read_next(&members.r))
	{
		BuildMembership *m;
		pg_uuid_t	org_id;

		CHECK_FOR_INTERRUPTS();
		org_id = *DatumGetUUIDP(slot_getattr(members.r.slot, build_rels.member_org_att, &isnull));
		if (!build_fetch_org(&orgs, &org_id) ||
			DatumGetBool(slot_getattr(orgs.r.slot, build_rels.org_deleted_att, &isnull)))
			continue;
		if (nms == mssize)
		{
			mssize *= 2;
			ms = repalloc(ms, sizeof(BuildMembership) * mssize);
		}
		m = &ms[nms++];
		m->org_id = org_id;
		m->sharing_disabled = DatumGetBool(slot_getattr(orgs.r.slot, build_rels.org_sharing_att,
														&isnull));
		m->names = slot_names(members.r.slot, build_rels.member_roles_att, "roles", &m->nnames);
		m->has_custom = false;
		for (int j = 0; j < m->nnames; j++)
			if (members_builtin_role(m->names[j], MEMBERS_SCOPE_ORG, false) == NULL)
			{
				m->has_custom = true;
				ncustom++;
			}
	}
	build_scan_close(&orgs);
	build_scan_close(&members);

	/* custom roles are looked up as the role sets naming them are expanded */
	if (ncustom > 0)
	{
		build_scan_open(&roles, watched_oids[WATCHED_ROLES], build_rels.roles_by_name, snap, 2);
		role_cache_prepare(ncustom);
	}

	interned = blob_hash("members interned permission sets (build)", 64,
						 sizeof(MembersPermSet), sizeof(InternEntry), scratch);
	rolesets = blob_hash("members role sets (build)", 64, sizeof(uint32),
						 sizeof(RoleSetBucket), scratch);

	s->orgs = MemoryContextAllocZero(cxt, sizeof(MembersSubjectOrg) * Max(nms, 1));
	initStringInfo(&key);
	for (int i = 0; i < nms; i++)
	{
		MembersSubjectOrg *o = &s->orgs[s->norgs];
		char	  **names = ms[i].names;
		int			n = ms[i].nnames;
		uint32		h;
		RoleSetBucket *bucket;
		RoleSetEntry *rs;
		bool		found;

		CHECK_FOR_INTERRUPTS();
		o->org_id = ms[i].org_id;
		o->sharing_disabled = ms[i].sharing_disabled;

		/*
		 * The role set's key: the names and the switch, and for custom
		 * roles the organization (the same name is another role elsewhere).
		 */
		resetStringInfo(&key);
		for (int j = 0; j < n; j++)
		{
			appendStringInfoString(&key, names[j]);
			appendStringInfoChar(&key, '\0');
			if (ms[i].has_custom && members_builtin_role(names[j], MEMBERS_SCOPE_ORG, false) == NULL)
				appendBinaryStringInfo(&key, (const char *) o->org_id.data, UUID_LEN);
		}
		appendStringInfoChar(&key, o->sharing_disabled ? 'd' : 'e');
		h = hash_bytes((const unsigned char *) key.data, key.len);
		bucket = hash_search(rolesets, &h, HASH_ENTER, &found);
		if (!found)
			bucket->first = NULL;
		for (rs = bucket->first; rs != NULL; rs = rs->next)
			if (rs->names_len == key.len && memcmp(rs->names, key.data, key.len) == 0)
				break;

		if (rs == NULL)
		{
			MembersPermSet orgset;
			MembersPermSet memberset;
			MembersPermSet site_extra;
			MembersPermSet user_extra;

			rs = palloc(sizeof(RoleSetEntry));
			rs->hash = h;
			rs->names = palloc(key.len);
			memcpy(rs->names, key.data, key.len);
			rs->names_len = key.len;
			rs->next = bucket->first;
			bucket->first = rs;
			rs->nroles = 0;
			members_permset_clear(&orgset);
			members_permset_clear(&memberset);
			members_permset_clear(&site_extra);
			members_permset_clear(&user_extra);
			rs->roles = MemoryContextAllocZero(cxt, sizeof(MembersHeldRole) * (n + 1));
			for (int j = 0; j <= n; j++)
			{
				const char *name = (j < n) ? names[j] : MEMBERS_ROLE_ORG_MEMBER;
				const MembersBuiltinRole *b;
				MembersHeldRole *hr = &rs->roles[rs->nroles];

				if (held_contains(rs->roles, rs->nroles, name))
					continue;
				b = members_builtin_role(name, MEMBERS_SCOPE_ORG, o->sharing_disabled);
				if (b != NULL)
				{
					members_permset_add_list(&orgset, &b->org);
					members_permset_add_list(&memberset, &b->member);
					/* organization-admin and -user-admin carry site user:read */
					members_permset_add_list(&site_extra, &b->site);
					members_permset_add_list(&user_extra, &b->user);
					hr->name = b->name;
					hr->builtin = b;
					hr->display_name = b->display_name;
				}
				else
				{
					CustomKey	ckey;
					RoleCacheEntry *r;

					/* custom role of this organization, if it exists */
					memset(&ckey, 0, sizeof(ckey));
					ckey.org_id = o->org_id;
					strlcpy(ckey.name, name, sizeof(ckey.name));
					if (!build_fetch_role(&roles, &ckey))
						continue;	/* deleted or unknown custom role: dropped */
					r = role_cache_lookup(&ckey, roles.r.slot);
					members_permset_union(&orgset, &r->set);
					hr->name = MemoryContextStrdup(cxt, name);
					hr->custom_org = members_permlist_copy(cxt, r->perms);
					hr->display_name = MemoryContextStrdup(cxt, r->display_name);
				}
				rs->nroles++;
			}
			rs->org = intern_set(interned, &orgset, cxt, &last_org);
			rs->member = intern_set(interned, &memberset, cxt, &last_member);
			rs->site_extra = NULL;
			rs->user_extra = NULL;
			if (!members_permset_is_empty(&site_extra))
			{
				rs->site_extra = palloc(sizeof(MembersPermSet));
				*rs->site_extra = site_extra;
			}
			if (!members_permset_is_empty(&user_extra))
			{
				rs->user_extra = palloc(sizeof(MembersPermSet));
				*rs->user_extra = user_extra;
			}
		}

		if (rs->site_extra != NULL)
			members_permset_union(&s->site, rs->site_extra);
		if (rs->user_extra != NULL)
			members_permset_union(&s->user, rs->user_extra);
		o->org = rs->org;
		o->member = rs->member;
		o->nroles = rs->nroles;
		o->roles = rs->roles;
		s->norgs++;
	}
	build_scan_close(&roles);

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
	MemoryContextSwitchTo(oldcxt);
	MemoryContextDelete(scratch);
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
		subject_hash = blob_hash("members subjects", 128, sizeof(pg_uuid_t),
								 sizeof(SubjectEntry), SubjectCacheContext);
	e = hash_search(subject_hash, &s->user_id, HASH_ENTER, NULL);
	e->subject = s;
	members_subject_stamp++;
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
	int64		pos = log_pos;

	MemoryContextSetParent(cxt, TopMemoryContext);
	members_subject_cache_reset();
	MemoryContextSetParent(cxt, SubjectCacheContext);
	cache_valid = valid;
	log_pos = pos;
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
	{
		stats.hits++;
		return last_subject;
	}
	if (subject_hash != NULL)
	{
		e = hash_search(subject_hash, user_id, HASH_FIND, NULL);
		if (e != NULL)
		{
			stats.hits++;
			last_subject = e->subject;
			return last_subject;
		}
	}
	stats.misses++;

	/* an empty cache first takes its position in the change log */
	if (log_pos < 0)
		log_take_position();

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

		instr_time	start;
		instr_time	duration;

		cxt = AllocSetContextCreate(SubjectCacheContext, "members subject",
									ALLOCSET_SMALL_SIZES);
		INSTR_TIME_SET_CURRENT(start);
		s = subject_build(user_id, cxt);
		INSTR_TIME_SET_CURRENT(duration);
		INSTR_TIME_SUBTRACT(duration, start);
		stats.builds++;
		stats.build_us += INSTR_TIME_GET_MICROSEC(duration);
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
	/* built from this transaction's own uncommitted writes: see own_note */
	if (members_subject_wrote_lxid == MyProc->lxid)
		own_note(user_id);
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
 * Trigger function of members 1.0 (members.invalidate_subject_cache(), FOR
 * EACH STATEMENT; members--1.0.sql names this symbol): a relcache
 * invalidation of the changed table, which drops every backend's whole
 * cache once the transaction commits.  Version 1.1 logs changes row by row
 * instead (members_log_subject_change).
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
	members_subject_wrote_lxid = MyProc->lxid;
	return PointerGetDatum(NULL);
}

/* What a watched table's row names in the change log, and what matters. */
typedef struct LogShape
{
	const char *table;
	char		kind;			/* 'u' user, 'o' organization, 'r' custom role */
	const char *user_col;
	const char *org_col;
	const char *name_col;
	const char *key[3];			/* the columns named in the log */
	const char *relevant[5];	/* columns a subject depends on */
} LogShape;

static const LogShape log_shapes[] = {
	{"users", 'u', "id", NULL, NULL, {"id", NULL},
	{"id", "status", "deleted", "rbac_roles", NULL}},
	{"organization_members", 'u', "user_id", NULL, NULL, {"user_id", NULL},
	{"user_id", "organization_id", "roles", NULL}},
	{"organizations", 'o', NULL, "id", NULL, {"id", NULL},
	{"id", "workspace_sharing_disabled", "deleted", NULL}},
	{"custom_roles", 'r', NULL, "organization_id", "name", {"organization_id", "name", NULL},
	{"organization_id", "name", "display_name", "org_permissions", NULL}},
};

/* The value of column col of tup (a column the table must have). */
static Datum
shape_col(Relation rel, HeapTuple tup, const char *col, bool *isnull)
{
	int			attno = SPI_fnumber(RelationGetDescr(rel), col);

	if (attno <= 0)
		elog(ERROR, "members.%s has no column %s", RelationGetRelationName(rel), col);
	return heap_getattr(tup, attno, RelationGetDescr(rel), isnull);
}

/* Do old and new agree on every column in cols? */
static bool
shape_same(Relation rel, HeapTuple oldtup, HeapTuple newtup, const char *const *cols)
{
	TupleDesc	desc = RelationGetDescr(rel);

	for (int i = 0; cols[i] != NULL; i++)
	{
		int			attno = SPI_fnumber(desc, cols[i]);
		Form_pg_attribute att;
		bool		n1;
		bool		n2;
		Datum		d1;
		Datum		d2;

		if (attno <= 0)
			elog(ERROR, "members.%s has no column %s", RelationGetRelationName(rel), cols[i]);
		att = TupleDescAttr(desc, attno - 1);
		d1 = heap_getattr(oldtup, attno, desc, &n1);
		d2 = heap_getattr(newtup, attno, desc, &n2);
		if (n1 != n2)
			return false;
		if (!n1 && !datum_image_eq(d1, d2, att->attbyval, att->attlen))
			return false;
	}
	return true;
}

/* Append one change log entry for tup (connected to SPI, as the owner). */
static int64
log_insert(Relation rel, const LogShape *shape, HeapTuple tup)
{
	Oid			argtypes[4] = {CHAROID, UUIDOID, UUIDOID, TEXTOID};
	Datum		values[4];
	char		nulls[4] = {' ', 'n', 'n', 'n'};
	bool		isnull;

	values[0] = CharGetDatum(shape->kind);
	if (shape->user_col)
	{
		values[1] = shape_col(rel, tup, shape->user_col, &isnull);
		nulls[1] = isnull ? 'n' : ' ';
	}
	if (shape->org_col)
	{
		values[2] = shape_col(rel, tup, shape->org_col, &isnull);
		nulls[2] = isnull ? 'n' : ' ';
	}
	if (shape->name_col)
	{
		values[3] = shape_col(rel, tup, shape->name_col, &isnull);
		nulls[3] = isnull ? 'n' : ' ';
	}
	members_plan(&plan_log_insert,
				 "INSERT INTO members.subject_changes (kind, user_id, organization_id, role_name) "
				 "VALUES ($1, $2, $3, $4) RETURNING seq",
				 4, argtypes);
	if (SPI_execute_plan(plan_log_insert, values, nulls, false, 1) != SPI_OK_INSERT_RETURNING ||
		SPI_processed != 1)
		elog(ERROR, "could not write the subject change log");
	return DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
}

/*
 * Prune the change log (connected to SPI, as the owner): entries that every
 * reader has had SUBJECT_LOG_RETENTION_S to read go; entries not yet marked
 * are marked as seen now (they are committed and visible to every new
 * snapshot).  One pruner at a time (an advisory lock; others skip).
 */
static void
log_prune(void)
{
	members_plan(&plan_log_lock,
				 "SELECT pg_catalog.pg_try_advisory_xact_lock(1835363682, 1)", 0, NULL);
	if (SPI_execute_plan(plan_log_lock, NULL, NULL, false, 1) != SPI_OK_SELECT ||
		SPI_processed != 1)
		elog(ERROR, "could not lock the subject change log for pruning");
	{
		bool		isnull;

		if (!DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull)))
			return;
	}
	members_plan(&plan_log_prune,
				 "DELETE FROM members.subject_changes c "
				 "WHERE c.seen_at OPERATOR(pg_catalog.<) (pg_catalog.clock_timestamp() "
				 "OPERATOR(pg_catalog.-) pg_catalog.make_interval(secs => " CppAsString2(SUBJECT_LOG_RETENTION_S) "))",
				 0, NULL);
	if (SPI_execute_plan(plan_log_prune, NULL, NULL, false, 0) != SPI_OK_DELETE)
		elog(ERROR, "could not prune the subject change log");
	members_plan(&plan_log_mark,
				 "UPDATE members.subject_changes c SET seen_at = pg_catalog.clock_timestamp() "
				 "WHERE c.seen_at IS NULL AND c.xid OPERATOR(pg_catalog.<>) pg_catalog.pg_current_xact_id()",
				 0, NULL);
	if (SPI_execute_plan(plan_log_mark, NULL, NULL, false, 0) != SPI_OK_UPDATE)
		elog(ERROR, "could not mark the subject change log");
}

/*
 * Trigger: members.log_subject_change(), AFTER INSERT OR UPDATE OR DELETE
 * FOR EACH ROW on the watched tables, enabled ALWAYS (so that a logical
 * replication apply worker fires it too).  Appends what the row names (a
 * user; an organization; a custom role of an organization) to
 * members.subject_changes, unless an UPDATE left every column a subject
 * depends on as it was, and registers a relcache invalidation of the log's
 * signal relation (log_signal_oid), which every backend acts on once the
 * transaction commits (and this one at its next command, and again when a
 * subtransaction rolls back).
 */
Datum
members_log_subject_change(PG_FUNCTION_ARGS)
{
	TriggerData *td = (TriggerData *) fcinfo->context;
	Relation	rel;
	const LogShape *shape = NULL;
	HeapTuple	oldtup = NULL;
	HeapTuple	newtup = NULL;
	MembersUserSwitch sw;
	int64		seq = 0;
	Oid			logrel;

	if (!CALLED_AS_TRIGGER(fcinfo) || !TRIGGER_FIRED_FOR_ROW(td->tg_event) ||
		!TRIGGER_FIRED_AFTER(td->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("members.log_subject_change() must be called as an AFTER ... FOR EACH ROW trigger")));
	rel = td->tg_relation;
	for (int i = 0; i < lengthof(log_shapes); i++)
		if (strcmp(RelationGetRelationName(rel), log_shapes[i].table) == 0)
			shape = &log_shapes[i];
	if (shape == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("members.log_subject_change() cannot log changes of table \"%s\"",
						RelationGetRelationName(rel))));

	if (TRIGGER_FIRED_BY_INSERT(td->tg_event))
		newtup = td->tg_trigtuple;
	else if (TRIGGER_FIRED_BY_DELETE(td->tg_event))
		oldtup = td->tg_trigtuple;
	else
	{
		oldtup = td->tg_trigtuple;
		newtup = td->tg_newtuple;
		if (shape_same(rel, oldtup, newtup, shape->relevant))
			return PointerGetDatum(NULL);
	}

	logrel = get_relname_relid("subject_changes", RelationGetNamespace(rel));
	if (!OidIsValid(logrel))
		elog(ERROR, "members.subject_changes does not exist");

	SPI_connect();
	members_become_owner(&sw);
	if (oldtup != NULL)
		seq = log_insert(rel, shape, oldtup);
	/* an UPDATE that moved the row names the new key too */
	if (newtup != NULL &&
		(oldtup == NULL || !shape_same(rel, oldtup, newtup, shape->key)))
		seq = log_insert(rel, shape, newtup);
	if (seq % SUBJECT_LOG_PRUNE_EVERY == 0)
		log_prune();
	members_restore_user(&sw);
	SPI_finish();

	/* the log is locked now: its signal relation cannot change under us */
	CacheInvalidateRelcacheByRelid(signal_relation(logrel));
	members_subject_wrote_lxid = MyProc->lxid;
	return PointerGetDatum(NULL);
}

/*
 * SQL: members.subject_cache_info(): the size of this backend's subject
 * cache and its counters since the backend started.
 */
Datum
members_subject_cache_info(PG_FUNCTION_ARGS)
{
	TupleDesc	desc;
	Datum		values[10];
	bool		nulls[10];
	int64		subjects;
	int64		bytes;

	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	members_subject_cache_sync();
	if (!cache_valid)
		members_subject_cache_reset();
	members_subject_cache_stats(&subjects, &bytes);
	memset(nulls, 0, sizeof(nulls));
	values[0] = Int64GetDatum(subjects);
	values[1] = Int64GetDatum(bytes);
	if (desc->natts >= 10)
	{
		values[2] = Int64GetDatum(stats.hits);
		values[3] = Int64GetDatum(stats.misses);
		values[4] = Int64GetDatum(stats.builds);
		values[5] = Float8GetDatum(stats.build_us / 1000.0);
		values[6] = Int64GetDatum(stats.targeted);
		values[7] = Int64GetDatum(stats.full);
		values[8] = Int64GetDatum(stats.log_reads);
		values[9] = Int64GetDatum(log_pos);
		nulls[9] = log_pos < 0;
	}
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(desc), values, nulls)));
}

/* SQL: members.subject_cache_clear() drops this backend's subject cache. */
Datum
members_subject_cache_clear(PG_FUNCTION_ARGS)
{
	members_subject_cache_reset();
	PG_RETURN_VOID();
}
