/*-------------------------------------------------------------------------
 *
 * audit.c
 *		The audit log (spec section 9): writing members.audit_log rows, in
 *		the caller's transaction or autonomously, and reading them back.
 *
 * A successful mutation writes its row with members_audit_write, in the
 * same transaction as the change, so the row exists exactly when the change
 * does.
 *
 * A refused attempt (Coder audits refused deletes and role changes whose
 * target was resolved) is followed by an ERROR that aborts the caller's
 * transaction, and with it anything written there.  Such rows are written
 * by members_audit_write_autonomous through a dynamic background worker
 * (RegisterDynamicBackgroundWorker needs no shared_preload_libraries):
 *
 *	1. the caller copies the row into a new DSM segment and pins the
 *	   segment, so that it outlives the caller's mapping should the caller
 *	   fail while waiting;
 *	2. it registers a worker (BGW_NEVER_RESTART, notify = the caller) whose
 *	   argument is the segment's handle, and waits for the worker to exit
 *	   (WaitForBackgroundWorkerShutdown, interruptible);
 *	3. the worker attaches, claims the segment (state PENDING -> CLAIMED),
 *	   connects to the caller's database as the extension owner (or the
 *	   bootstrap superuser if the owner may not log in), inserts the row in
 *	   its own transaction with a lock_timeout, commits, records DONE (or
 *	   FAILED with the error text), unpins the segment and exits;
 *	4. the caller reads the outcome, detaches, and only then raises its own
 *	   error, so the row is committed before the client sees the refusal.
 *
 * Exactly one side unpins the segment: whoever moves the state away from
 * PENDING (the worker by claiming it, or the caller by abandoning it when
 * the worker never started or the wait was interrupted).
 *
 * Refused attempts are never failed because of auditing: when no worker
 * slot or DSM segment is free, in recovery, when this transaction holds a
 * lock on members.audit_log that would block the worker, or when the
 * worker fails, a WARNING says that the attempt could not be audited and
 * the caller raises its own error as usual.
 *
 * IDENTIFICATION
 *		src/audit.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "access/xlog.h"
#include "catalog/namespace.h"
#include "catalog/pg_authid.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "port/atomics.h"
#include "postmaster/bgworker.h"
#include "storage/dsm.h"
#include "storage/ipc.h"
#include "storage/lock.h"
#include "tcop/tcopprot.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/resowner.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"

#include "audit.h"
#include "authz.h"
#include "ids.h"
#include "jsonout.h"
#include "registry.h"
#include "resolve.h"
#include "subject.h"
#include "util.h"

PG_FUNCTION_INFO_V1(members_audit_log_entries);

/* Entry point of the autonomous audit worker (found by name by the postmaster). */
PGDLLEXPORT void members_audit_worker_main(Datum main_arg);

/* How long the worker waits for a lock before giving up (milliseconds). */
#define AUDIT_WORKER_LOCK_TIMEOUT_MS 10000

/* States of the shared segment. */
#define AUDIT_PENDING	0		/* written by the caller, nobody owns it yet */
#define AUDIT_CLAIMED	1		/* the worker owns it (and will unpin it) */
#define AUDIT_DONE		2		/* the row is committed */
#define AUDIT_FAILED	3		/* the worker failed; errmsg says why */
#define AUDIT_ABANDONED 4		/* the caller gave up before the worker
								 * claimed it (the caller unpinned it) */

#define AUDIT_ERRMSG_LEN 512

/*
 * The row as passed to the worker.  Variable-length strings follow the
 * struct, at the given offsets from its start, each NUL-terminated.
 */
typedef struct AuditShared
{
	pg_atomic_uint32 state;
	Oid			dboid;
	Oid			roleid;
	bool		has_user;
	bool		has_org;
	pg_uuid_t	user_id;
	pg_uuid_t	organization_id;
	pg_uuid_t	resource_id;
	TimestampTz time;
	int32		status_code;
	Size		off_action;
	Size		off_resource_type;
	Size		off_target;
	Size		off_diff;
	char		errmsg[AUDIT_ERRMSG_LEN];
} AuditShared;

static SPIPlanPtr plan_insert_audit = NULL;
static SPIPlanPtr plan_read_audit = NULL;

#define AUDIT_INSERT_SQL \
	"INSERT INTO members.audit_log " \
	"(\"time\", user_id, organization_id, action, resource_type, resource_id, " \
	" resource_target, diff, status_code) " \
	"VALUES (COALESCE($1, pg_catalog.clock_timestamp()), $2, $3, $4, $5, $6, $7, $8, $9)"
#define AUDIT_INSERT_NARGS 9
static const Oid audit_insert_types[AUDIT_INSERT_NARGS] = {
	TIMESTAMPTZOID, UUIDOID, UUIDOID, TEXTOID, TEXTOID, UUIDOID, TEXTOID, JSONBOID, INT4OID
};

/* Parse JSON text as a jsonb datum. */
static Datum
json_datum(const char *json)
{
	return DirectFunctionCall1(jsonb_in, CStringGetDatum(json));
}

/*
 * Fill the insert arguments.  time_or_null is NULL for "now"
 * (clock_timestamp at insert).
 */
static void
audit_insert_args(Datum *values, char *nulls, const TimestampTz *time_or_null,
				  const pg_uuid_t *user_id, const pg_uuid_t *org_id,
				  const char *action, const char *resource_type,
				  const pg_uuid_t *resource_id, const char *target,
				  const char *diff, int status_code)
{
	memset(nulls, ' ', AUDIT_INSERT_NARGS);
	if (time_or_null)
		values[0] = TimestampTzGetDatum(*time_or_null);
	else
		nulls[0] = 'n';
	if (user_id)
		values[1] = UUIDPGetDatum(user_id);
	else
		nulls[1] = 'n';
	if (org_id)
		values[2] = UUIDPGetDatum(org_id);
	else
		nulls[2] = 'n';
	values[3] = CStringGetTextDatum(action);
	values[4] = CStringGetTextDatum(resource_type);
	values[5] = UUIDPGetDatum(resource_id);
	values[6] = CStringGetTextDatum(target ? target : "");
	values[7] = json_datum(diff ? diff : "{}");
	values[8] = Int32GetDatum(status_code);
}

/* See audit.h. */
void
members_audit_write(const MembersAuditEntry *e)
{
	Datum		values[AUDIT_INSERT_NARGS];
	char		nulls[AUDIT_INSERT_NARGS];
	SPIPlanPtr	plan;

	plan = members_plan(&plan_insert_audit, AUDIT_INSERT_SQL,
						AUDIT_INSERT_NARGS, audit_insert_types);
	audit_insert_args(values, nulls, NULL,
					  e->actor->is_system ? NULL : &e->actor->user_id,
					  e->organization_id, e->action, e->resource_type,
					  &e->resource_id, e->resource_target, e->diff, e->status_code);
	if (SPI_execute_plan(plan, values, nulls, false, 0) != SPI_OK_INSERT)
		elog(ERROR, "could not write the audit row");
}

/* WARNING that a refused attempt goes unaudited, with the reason. */
static void
audit_not_written(const MembersAuditEntry *e, const char *reason)
{
	ereport(WARNING,
			(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
			 errmsg("refused attempt could not be audited"),
			 errdetail("The %s of %s \"%s\" (status %d) was not written to members.audit_log: %s.",
					   e->action, e->resource_type,
					   e->resource_target ? e->resource_target : "", e->status_code,
					   reason)));
}

/*
 * Does this transaction hold a lock on members.audit_log that conflicts
 * with the worker's RowExclusiveLock (SHARE or stronger)?  The worker would
 * then wait for us while we wait for it.
 */
static bool
audit_table_blocked_by_me(void)
{
	Oid			nsp = get_namespace_oid("members", true);
	Oid			relid;
	LOCKTAG		tag;

	if (!OidIsValid(nsp))
		return false;
	relid = get_relname_relid("audit_log", nsp);
	if (!OidIsValid(relid))
		return false;
	SET_LOCKTAG_RELATION(tag, MyDatabaseId, relid);
	for (LOCKMODE m = ShareLock; m <= AccessExclusiveLock; m++)
		if (LockHeldByMe(&tag, m))
			return true;
	return false;
}

/* The role the worker connects as: the extension owner, if it may log in. */
static Oid
audit_worker_role(void)
{
	Oid			owner = members_owner_oid();
	HeapTuple	tup;
	bool		canlogin = false;

	tup = SearchSysCache1(AUTHOID, ObjectIdGetDatum(owner));
	if (HeapTupleIsValid(tup))
	{
		canlogin = ((Form_pg_authid) GETSTRUCT(tup))->rolcanlogin;
		ReleaseSysCache(tup);
	}
	return canlogin ? owner : BOOTSTRAP_SUPERUSERID;
}

/* Copy s into the segment at *off, advancing it. */
static Size
put_string(char *base, Size *off, const char *s)
{
	Size		at = *off;
	Size		len = strlen(s ? s : "") + 1;

	memcpy(base + at, s ? s : "", len);
	*off += len;
	return at;
}

/*
 * Take the segment back from PENDING; true if the caller now owns it
 * (the worker never claimed it).
 */
static bool
audit_abandon(AuditShared *sh)
{
	uint32		expected = AUDIT_PENDING;

	return pg_atomic_compare_exchange_u32(&sh->state, &expected, AUDIT_ABANDONED);
}

/* See audit.h and the file header. */
void
members_audit_write_autonomous(const MembersAuditEntry *e)
{
	dsm_segment *seg;
	dsm_handle	handle;
	AuditShared *sh;
	char	   *base;
	Size		size;
	Size		off;
	BackgroundWorker worker;
	BackgroundWorkerHandle *bgw;
	BgwHandleStatus status;
	uint32		outcome;
	const char *diff = e->diff ? e->diff : "{}";
	const char *target = e->resource_target ? e->resource_target : "";

	if (RecoveryInProgress())
	{
		audit_not_written(e, "the server is in recovery");
		return;
	}
	if (audit_table_blocked_by_me())
	{
		audit_not_written(e, "this transaction holds a lock on members.audit_log that would block the audit worker");
		return;
	}

	size = MAXALIGN(sizeof(AuditShared)) + strlen(e->action) + 1 +
		strlen(e->resource_type) + 1 + strlen(target) + 1 + strlen(diff) + 1;
	seg = dsm_create(size, DSM_CREATE_NULL_IF_MAXSEGMENTS);
	if (seg == NULL)
	{
		audit_not_written(e, "no dynamic shared memory segment is free");
		return;
	}
	handle = dsm_segment_handle(seg);
	base = dsm_segment_address(seg);
	sh = (AuditShared *) base;
	memset(sh, 0, sizeof(AuditShared));
	pg_atomic_init_u32(&sh->state, AUDIT_PENDING);
	sh->dboid = MyDatabaseId;
	sh->roleid = audit_worker_role();
	sh->has_user = !e->actor->is_system;
	if (sh->has_user)
		sh->user_id = e->actor->user_id;
	sh->has_org = e->organization_id != NULL;
	if (sh->has_org)
		sh->organization_id = *e->organization_id;
	sh->resource_id = e->resource_id;
	sh->time = GetCurrentTimestamp();
	sh->status_code = e->status_code;
	off = MAXALIGN(sizeof(AuditShared));
	sh->off_action = put_string(base, &off, e->action);
	sh->off_resource_type = put_string(base, &off, e->resource_type);
	sh->off_target = put_string(base, &off, target);
	sh->off_diff = put_string(base, &off, diff);

	/* keep the segment alive until the worker (or we) unpin it */
	dsm_pin_segment(seg);

	memset(&worker, 0, sizeof(worker));
	worker.bgw_flags = BGWORKER_SHMEM_ACCESS | BGWORKER_BACKEND_DATABASE_CONNECTION;
	worker.bgw_start_time = BgWorkerStart_RecoveryFinished;
	worker.bgw_restart_time = BGW_NEVER_RESTART;
	snprintf(worker.bgw_library_name, BGW_MAXLEN, "$libdir/members");
	snprintf(worker.bgw_function_name, BGW_MAXLEN, "members_audit_worker_main");
	snprintf(worker.bgw_name, BGW_MAXLEN, "members audit writer for PID %d", MyProcPid);
	snprintf(worker.bgw_type, BGW_MAXLEN, "members audit writer");
	worker.bgw_main_arg = UInt32GetDatum(handle);
	worker.bgw_notify_pid = MyProcPid;

	if (!RegisterDynamicBackgroundWorker(&worker, &bgw))
	{
		if (audit_abandon(sh))
			dsm_unpin_segment(handle);
		dsm_detach(seg);
		audit_not_written(e, "no background worker slot is free (max_worker_processes)");
		return;
	}

	PG_TRY();
	{
		status = WaitForBackgroundWorkerShutdown(bgw);
	}
	PG_CATCH();
	{
		/*
		 * Interrupted (query cancel, termination): if the worker has not
		 * claimed the row yet, withdraw it; otherwise the worker finishes
		 * and unpins on its own.  Our mapping goes with the abort.
		 */
		if (audit_abandon(sh))
			dsm_unpin_segment(handle);
		PG_RE_THROW();
	}
	PG_END_TRY();

	/* the worker is gone; if it never claimed the segment, free it */
	if (audit_abandon(sh))
		dsm_unpin_segment(handle);
	outcome = pg_atomic_read_u32(&sh->state);
	if (outcome != AUDIT_DONE)
	{
		char		reason[AUDIT_ERRMSG_LEN + 64];

		if (status == BGWH_POSTMASTER_DIED)
			snprintf(reason, sizeof(reason), "the postmaster died");
		else if (outcome == AUDIT_FAILED)
			snprintf(reason, sizeof(reason), "the audit worker failed: %s", sh->errmsg);
		else
			snprintf(reason, sizeof(reason), "the audit worker did not start");
		dsm_detach(seg);
		audit_not_written(e, reason);
		return;
	}
	dsm_detach(seg);
}

/* The worker's segment, for its exit callback. */
static AuditShared *worker_sh = NULL;
static dsm_handle worker_handle;

/*
 * Move the claimed segment to its final state (DONE or FAILED, with msg)
 * and unpin it; does nothing once that happened.
 */
static void
audit_worker_finish(uint32 final_state, const char *msg)
{
	/* only this process changes the state once it is CLAIMED */
	if (worker_sh == NULL || pg_atomic_read_u32(&worker_sh->state) != AUDIT_CLAIMED)
		return;
	if (msg)
		strlcpy(worker_sh->errmsg, msg, AUDIT_ERRMSG_LEN);
	pg_write_barrier();
	pg_atomic_write_u32(&worker_sh->state, final_state);
	dsm_unpin_segment(worker_handle);
}

/*
 * Exit callback: a worker leaving before it finished (FATAL while
 * connecting, SIGTERM) still reports and frees the segment.  Runs before
 * the DSM mappings are detached.
 */
static void
audit_worker_exit(int code, Datum arg)
{
	audit_worker_finish(AUDIT_FAILED, "the audit worker exited early (see the server log)");
}

/*
 * The autonomous audit worker: insert the row described by the segment
 * whose handle is main_arg, in a transaction of its own, then exit.
 */
void
members_audit_worker_main(Datum main_arg)
{
	dsm_handle	handle = DatumGetUInt32(main_arg);
	dsm_segment *seg;
	AuditShared *sh;
	char	   *base;
	uint32		expected = AUDIT_PENDING;

	pqsignal(SIGTERM, die);
	BackgroundWorkerUnblockSignals();

	CurrentResourceOwner = ResourceOwnerCreate(NULL, "members audit worker");
	seg = dsm_attach(handle);
	if (seg == NULL)
		proc_exit(0);			/* the caller gave up and freed it */
	base = dsm_segment_address(seg);
	sh = (AuditShared *) base;
	if (!pg_atomic_compare_exchange_u32(&sh->state, &expected, AUDIT_CLAIMED))
	{
		dsm_detach(seg);
		proc_exit(0);			/* abandoned by the caller */
	}
	worker_sh = sh;
	worker_handle = handle;
	before_shmem_exit(audit_worker_exit, (Datum) 0);

	PG_TRY();
	{
		Datum		values[AUDIT_INSERT_NARGS];
		char		nulls[AUDIT_INSERT_NARGS];
		char		timeout[32];

		BackgroundWorkerInitializeConnectionByOid(sh->dboid, sh->roleid,
												  BGWORKER_BYPASS_ALLOWCONN);
		snprintf(timeout, sizeof(timeout), "%d", AUDIT_WORKER_LOCK_TIMEOUT_MS);
		SetConfigOption("lock_timeout", timeout, PGC_SUSET, PGC_S_OVERRIDE);
		SetConfigOption("search_path", "pg_catalog, pg_temp", PGC_SUSET, PGC_S_OVERRIDE);

		SetCurrentStatementStartTimestamp();
		StartTransactionCommand();
		PushActiveSnapshot(GetTransactionSnapshot());
		pgstat_report_activity(STATE_RUNNING, "writing an audit row");
		if (SPI_connect() != SPI_OK_CONNECT)
			elog(ERROR, "SPI_connect failed");
		audit_insert_args(values, nulls, &sh->time,
						  sh->has_user ? &sh->user_id : NULL,
						  sh->has_org ? &sh->organization_id : NULL,
						  base + sh->off_action, base + sh->off_resource_type,
						  &sh->resource_id, base + sh->off_target,
						  base + sh->off_diff, sh->status_code);
		if (SPI_execute_with_args(AUDIT_INSERT_SQL, AUDIT_INSERT_NARGS,
								  (Oid *) audit_insert_types, values, nulls,
								  false, 0) != SPI_OK_INSERT)
			elog(ERROR, "could not write the audit row");
		SPI_finish();
		PopActiveSnapshot();
		CommitTransactionCommand();
		pgstat_report_activity(STATE_IDLE, NULL);
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		/* tell the caller why, free the segment, and exit through FATAL */
		MemoryContextSwitchTo(TopMemoryContext);
		edata = CopyErrorData();
		audit_worker_finish(AUDIT_FAILED, edata->message ? edata->message : "unknown error");
		PG_RE_THROW();
	}
	PG_END_TRY();

	audit_worker_finish(AUDIT_DONE, NULL);
	worker_sh = NULL;			/* the exit callback must not touch it now */
	dsm_detach(seg);
	proc_exit(0);
}

/* Is this JSON text (NULL = absent, read as null) equal to that one? */
static bool
json_texts_equal(const char *a, const char *b)
{
	return DatumGetBool(DirectFunctionCall2(jsonb_eq,
											json_datum(a ? a : "null"),
											json_datum(b ? b : "null")));
}

/* See audit.h. */
void
members_audit_diff_field(StringInfo buf, bool *first, const char *field,
						 const char *old_json, const char *new_json)
{
	if (json_texts_equal(old_json, new_json))
		return;
	mj_key(buf, first, field);
	appendStringInfoString(buf, "{\"old\": ");
	appendStringInfoString(buf, old_json ? old_json : "null");
	appendStringInfoString(buf, ", \"new\": ");
	appendStringInfoString(buf, new_json ? new_json : "null");
	appendStringInfoString(buf, ", \"secret\": false}");
}

/*
 * "col": the text output of column col of row as a JSON string, or null.
 * For a uuid column that is what mj_uuid writes.
 */
static void
kv_text_or_null(StringInfo buf, bool *first, HeapTuple row, TupleDesc desc,
				const char *col)
{
	mj_key(buf, first, col);
	if (members_col_isnull(row, desc, col))
		appendStringInfoString(buf, "null");
	else
		mj_string(buf, members_col_text(row, desc, col));
}

/*
 * SQL: members.audit_log_entries(organization text DEFAULT NULL, "limit"
 * integer DEFAULT 100) returns jsonb.  Newest first (time, then id, both
 * descending).  Without an organization the actor needs site-wide read on
 * audit_log (owner, auditor); with one, read on audit_log in that
 * organization (also organization-admin and organization-auditor).
 * "limit" 0 means no limit.
 */
Datum
members_audit_log_entries(PG_FUNCTION_ARGS)
{
	MembersActor actor;
	MembersOrgRef org;
	bool		have_org = !PG_ARGISNULL(0);
	int32		limit = PG_ARGISNULL(1) ? 100 : PG_GETARG_INT32(1);
	MembersUserSwitch sw;
	StringInfoData buf;
	Oid			argtypes[2] = {UUIDOID, INT8OID};
	Datum		values[2];
	char		nulls[2] = {' ', ' '};
	SPIPlanPtr	plan;
	bool		first;

	members_subject_cache_sync();
	members_current_actor(&actor);
	if (limit < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("limit must not be negative"),
				 errdetail("Use 0 for every entry.")));

	initStringInfo(&buf);
	SPI_connect();
	members_become_owner(&sw);

	if (have_org)
	{
		members_resolve_organization(&actor, text_to_cstring(PG_GETARG_TEXT_PP(0)), &org);
		if (!members_actor_allowed(&actor, MEMBERS_ACT_READ, MEMBERS_RES_AUDIT_LOG, &org.id, NULL))
			members_forbidden();
		values[0] = UUIDPGetDatum(&org.id);
	}
	else
	{
		if (!members_actor_allowed(&actor, MEMBERS_ACT_READ, MEMBERS_RES_AUDIT_LOG, NULL, NULL))
			members_forbidden();
		nulls[0] = 'n';
	}
	if (limit == 0)
		nulls[1] = 'n';
	else
		values[1] = Int64GetDatum((int64) limit);

	plan = members_plan(&plan_read_audit,
						"SELECT a.id, a.\"time\", a.user_id, a.organization_id, a.action, "
						"a.resource_type, a.resource_id, a.resource_target, a.diff, "
						"a.status_code, a.ip, a.user_agent, a.request_id "
						"FROM members.audit_log a "
						"WHERE $1 IS NULL OR a.organization_id OPERATOR(pg_catalog.=) $1 "
						"ORDER BY a.\"time\" DESC, a.id DESC LIMIT $2",
						2, argtypes);
	if (SPI_execute_plan(plan, values, nulls, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read the audit log");

	mj_open(&buf, '[', &first);
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		HeapTuple	row = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		ofirst;
		pg_uuid_t	u;

		mj_elem(&buf, &first);
		mj_open(&buf, '{', &ofirst);
		u = members_col_uuid(row, desc, "id");
		mj_kv_uuid(&buf, &ofirst, "id", &u);
		mj_kv_timestamp(&buf, &ofirst, "time", members_col_timestamptz(row, desc, "time"));
		kv_text_or_null(&buf, &ofirst, row, desc, "user_id");
		kv_text_or_null(&buf, &ofirst, row, desc, "organization_id");
		mj_kv_string(&buf, &ofirst, "action", members_col_text(row, desc, "action"));
		mj_kv_string(&buf, &ofirst, "resource_type", members_col_text(row, desc, "resource_type"));
		u = members_col_uuid(row, desc, "resource_id");
		mj_kv_uuid(&buf, &ofirst, "resource_id", &u);
		mj_kv_string(&buf, &ofirst, "resource_target", members_col_text(row, desc, "resource_target"));
		mj_key(&buf, &ofirst, "diff");
		appendStringInfoString(&buf, members_col_text(row, desc, "diff"));
		mj_key(&buf, &ofirst, "status_code");
		appendStringInfoString(&buf, members_col_text(row, desc, "status_code"));
		kv_text_or_null(&buf, &ofirst, row, desc, "ip");
		kv_text_or_null(&buf, &ofirst, row, desc, "user_agent");
		kv_text_or_null(&buf, &ofirst, row, desc, "request_id");
		mj_close(&buf, '}');
	}
	mj_close(&buf, ']');

	members_restore_user(&sw);
	SPI_finish();
	PG_RETURN_JSONB_P(members_jsonb_finish(&buf));
}
