/*-------------------------------------------------------------------------
 *
 * worker.c
 *		The extension's one background worker and its queue: every write
 *		that must not happen in the request's own transaction goes through
 *		here.  Two kinds exist: the audit row of a refused attempt (the
 *		request's transaction is about to abort, and Coder audits refusals;
 *		src/audit.c) and the last_used of a session token presented in a
 *		read-only transaction (PostgREST runs GET requests READ ONLY;
 *		src/apikey.c).
 *
 * Why one long-lived worker and not one per event: a process start costs
 * milliseconds and a slot of max_worker_processes, which a member can
 * exhaust by sending refused requests or presenting many tokens; rows were
 * then lost and parallel queries got fewer workers.  Here a database has at
 * most one worker, whatever the load, and a burst is written in batches.
 *
 * No shared_preload_libraries is needed:
 *	- a small control struct lives in the main shared memory segment,
 *	  allocated on first use with ShmemInitStruct from the segment's spare
 *	  space (as contrib/pg_prewarm/autoprewarm.c does when started by hand);
 *	  it holds, per database, the worker's state and the queue's counters;
 *	- each database's queue is a ring of fixed-size records in a dynamic
 *	  shared memory segment, created by the first backend that needs it and
 *	  pinned until the server stops; backends map it once per session;
 *	- the worker is a dynamic background worker (RegisterDynamicBackgroundWorker),
 *	  started by the backend that queues into an empty slot with no worker,
 *	  and exits after members.worker_idle_timeout without work (so that
 *	  DROP DATABASE, which waits 5 s for other sessions, is not blocked).
 *
 * A record's life: a backend takes the slot's lock, copies the record into
 * the ring at sequence number next (refusing when the ring is full; token
 * uses are refused already when it is half full), wakes the worker through
 * its latch, and, when it must wait (audit rows), sleeps on the slot's
 * condition variable until the worker's done counter passes its number.
 * The worker takes every record in [done, next), applies them in one
 * transaction (falling back to one transaction per record when the batch
 * fails, so that one bad record does not sink the others), records each
 * outcome in the ring, advances done and wakes the waiters.  So a refused
 * request is answered after its audit row is committed, as before, but
 * without a process start, and concurrent refusals share one commit.
 *
 * When no worker slot is free the record stays queued; the waiting backend
 * retries the start a few times over about two seconds and then returns
 * QUEUED (the caller says so in a WARNING); any later submission in that
 * database starts the worker, which writes everything queued.  Only a
 * server restart before that loses queued records.
 *
 * The launcher (worker_launch) fixes, in one place, what every start needs:
 * the library name, the role the worker logs in as (the extension owner,
 * or the bootstrap superuser when the owner may not log in; the worker then
 * switches to the owner for its writes, looked up per batch so that
 * REASSIGN OWNED is followed), and the settings it overrides whatever the
 * database or role sets for new sessions: search_path, statement_timeout,
 * lock_timeout, idle_in_transaction_session_timeout and the default
 * transaction mode (a non-superuser database owner can set these with
 * ALTER DATABASE ... SET and would otherwise make every write fail).  A
 * record the worker fails on is logged (WARNING in the server log) and its
 * outcome carries the error text back to a waiting caller.
 *
 * IDENTIFICATION
 *		src/worker.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/pg_authid.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "postmaster/interrupt.h"
#include "storage/condition_variable.h"
#include "storage/dsm.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "storage/lwlock.h"
#include "storage/proc.h"
#include "storage/shmem.h"
#include "tcop/tcopprot.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/resowner.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"

#include "apikey.h"
#include "audit.h"
#include "util.h"
#include "worker.h"

PG_FUNCTION_INFO_V1(members_worker_stats);

/* Databases that can have a queue at the same time. */
#define WORKER_SLOTS		16
/* Records per database queue, and the size of one record. */
#define QUEUE_LEN			1024
#define RECORD_SIZE			1024
/* How long a caller keeps trying to start a worker that is not running. */
#define START_RETRY_MS		2000
#define START_RETRY_STEP_MS	100
/* A start not confirmed by the worker within this time is presumed failed. */
#define START_STALE_MS		10000
/* Overrides applied in the worker (see the file header). */
#define WORKER_LOCK_TIMEOUT "10s"
#define WORKER_STATEMENT_TIMEOUT "60s"

/* Worker states of a slot. */
#define WS_NONE		0
#define WS_STARTING 1
#define WS_RUNNING	2

/* Outcomes recorded in a record. */
#define RS_PENDING	0
#define RS_DONE		1
#define RS_FAILED	2

#define RECORD_MSG_LEN (RECORD_SIZE - MEMBERS_WORK_PAYLOAD_MAX - 16)

/* One queued record (fixed size; RECORD_SIZE bytes in the ring). */
typedef struct QueueRecord
{
	uint64		seq;
	uint16		kind;
	uint16		status;
	uint16		len;
	char		msg[RECORD_MSG_LEN];
	char		payload[MEMBERS_WORK_PAYLOAD_MAX];
} QueueRecord;

StaticAssertDecl(sizeof(QueueRecord) <= RECORD_SIZE, "QueueRecord must fit in RECORD_SIZE");

/* One database's worker and queue counters. */
typedef struct WorkerSlot
{
	Oid			dboid;			/* InvalidOid: free */
	dsm_handle	queue;			/* its ring (DSM_HANDLE_INVALID: none yet) */
	int			state;			/* WS_* */
	pid_t		pid;			/* the running worker */
	int			procno;			/* its PGPROC, for the latch */
	TimestampTz state_since;
	uint64		next;			/* sequence number of the next record */
	uint64		done;			/* every record before it is applied */
	uint64		starts;			/* worker starts (statistics) */
	uint64		written;		/* records applied (statistics) */
	uint64		failed;			/* records failed (statistics) */
	uint64		refused;		/* submissions not queued (statistics) */
	uint64		batches;		/* transactions committed (statistics) */
	char		last_error[MEMBERS_WORK_WHY_LEN];
	ConditionVariable cv;		/* broadcast when done advances or the
								 * worker exits */
} WorkerSlot;

typedef struct WorkerControl
{
	int			tranche_id;
	LWLock		lock;
	WorkerSlot	slots[WORKER_SLOTS];
} WorkerControl;

/* What the launcher passes to the worker in bgw_extra. */
typedef struct WorkerStart
{
	Oid			dboid;
	Oid			login_role;
} WorkerStart;

StaticAssertDecl(sizeof(WorkerStart) <= BGW_EXTRALEN, "WorkerStart must fit in bgw_extra");

/* members.worker_idle_timeout, in milliseconds */
static int	worker_idle_timeout_ms = 3000;

/* Backend-local: the control struct, and this database's slot and ring. */
static WorkerControl *control = NULL;
static int	my_slot = -1;
static Oid	my_slot_db = InvalidOid;
static dsm_segment *my_seg = NULL;
static dsm_handle my_seg_handle = DSM_HANDLE_INVALID;

/* See worker.h. */
void
members_worker_init(void)
{
	DefineCustomIntVariable("members.worker_idle_timeout",
							"How long the members background worker waits for work before it exits.",
							"It is started again by the next request that needs it.",
							&worker_idle_timeout_ms,
							3000, 100, 3600 * 1000,
							PGC_SIGHUP, GUC_UNIT_MS,
							NULL, NULL, NULL);
}

/*
 * Map the control struct, creating it in the main segment's spare space on
 * first use in the cluster.  Raises when that space is exhausted.
 */
static WorkerControl *
control_attach(void)
{
	bool		found;

	if (control != NULL)
		return control;
	LWLockAcquire(AddinShmemInitLock, LW_EXCLUSIVE);
	control = ShmemInitStruct("members worker control v1", sizeof(WorkerControl), &found);
	if (!found)
	{
		memset(control, 0, sizeof(WorkerControl));
		control->tranche_id = LWLockNewTrancheId();
		LWLockInitialize(&control->lock, control->tranche_id);
		for (int i = 0; i < WORKER_SLOTS; i++)
		{
			control->slots[i].queue = DSM_HANDLE_INVALID;
			ConditionVariableInit(&control->slots[i].cv);
		}
	}
	LWLockRelease(AddinShmemInitLock);
	LWLockRegisterTranche(control->tranche_id, "members_worker");
	return control;
}

/* The record with sequence number seq in a mapped ring. */
static inline QueueRecord *
ring_record(dsm_segment *seg, uint64 seq)
{
	return (QueueRecord *) ((char *) dsm_segment_address(seg) +
							(seq % QUEUE_LEN) * RECORD_SIZE);
}

/*
 * Map the ring with this handle for the rest of the session (remapping
 * when the slot's ring changed).  NULL if it cannot be attached.
 */
static dsm_segment *
ring_map(dsm_handle h)
{
	if (my_seg != NULL && my_seg_handle == h)
		return my_seg;
	if (my_seg != NULL)
	{
		dsm_detach(my_seg);
		my_seg = NULL;
	}
	my_seg = dsm_find_mapping(h);
	if (my_seg == NULL)
	{
		my_seg = dsm_attach(h);
		if (my_seg == NULL)
			return NULL;
		dsm_pin_mapping(my_seg);
	}
	my_seg_handle = h;
	return my_seg;
}

/*
 * This database's slot, taking a free one (or one of a database whose queue
 * is empty and whose worker is gone) and creating its ring if needed.  -1
 * when every slot is busy or no DSM segment is free.  Caller holds the
 * control lock exclusively.
 */
static int
slot_for_database(void)
{
	int			free_slot = -1;
	WorkerSlot *s;

	if (my_slot >= 0 && my_slot_db == MyDatabaseId &&
		control->slots[my_slot].dboid == MyDatabaseId)
		return my_slot;
	for (int i = 0; i < WORKER_SLOTS; i++)
	{
		s = &control->slots[i];
		if (s->dboid == MyDatabaseId)
		{
			my_slot = i;
			my_slot_db = MyDatabaseId;
			return i;
		}
		if (free_slot < 0 &&
			(s->dboid == InvalidOid ||
			 (s->state == WS_NONE && s->done == s->next)))
			free_slot = i;
	}
	if (free_slot < 0)
		return -1;
	s = &control->slots[free_slot];
	if (s->queue == DSM_HANDLE_INVALID)
	{
		dsm_segment *seg = dsm_create((Size) QUEUE_LEN * RECORD_SIZE,
									  DSM_CREATE_NULL_IF_MAXSEGMENTS);

		if (seg == NULL)
			return -1;
		memset(dsm_segment_address(seg), 0, (Size) QUEUE_LEN * RECORD_SIZE);
		dsm_pin_segment(seg);
		dsm_pin_mapping(seg);
		s->queue = dsm_segment_handle(seg);
		if (my_seg != NULL)
			dsm_detach(my_seg);
		my_seg = seg;
		my_seg_handle = s->queue;
	}
	/* a reused slot keeps its ring and sequence numbers */
	if (s->dboid != MyDatabaseId)
		s->starts = s->written = s->failed = s->refused = s->batches = 0;
	s->dboid = MyDatabaseId;
	s->state = WS_NONE;
	s->pid = 0;
	s->last_error[0] = '\0';
	my_slot = free_slot;
	my_slot_db = MyDatabaseId;
	return free_slot;
}

/*
 * The role the worker logs in as: the extension owner if it may log in,
 * else the bootstrap superuser (the worker switches to the owner for its
 * writes either way).
 */
static Oid
worker_login_role(void)
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

/*
 * The launcher: register the worker for slot idx.  False when no worker
 * slot is free (max_worker_processes).  The caller has set the slot to
 * WS_STARTING.
 */
static bool
worker_launch(int idx)
{
	BackgroundWorker worker;
	WorkerStart st;

	st.dboid = MyDatabaseId;
	st.login_role = worker_login_role();

	memset(&worker, 0, sizeof(worker));
	worker.bgw_flags = BGWORKER_SHMEM_ACCESS | BGWORKER_BACKEND_DATABASE_CONNECTION;
	worker.bgw_start_time = BgWorkerStart_RecoveryFinished;
	worker.bgw_restart_time = BGW_NEVER_RESTART;
	strlcpy(worker.bgw_library_name, "$libdir/members", BGW_MAXLEN);
	strlcpy(worker.bgw_function_name, "members_worker_main", BGW_MAXLEN);
	snprintf(worker.bgw_name, BGW_MAXLEN, "members worker for database %u", MyDatabaseId);
	strlcpy(worker.bgw_type, "members worker", BGW_MAXLEN);
	worker.bgw_main_arg = Int32GetDatum(idx);
	worker.bgw_notify_pid = 0;
	memcpy(worker.bgw_extra, &st, sizeof(st));
	return RegisterDynamicBackgroundWorker(&worker, NULL);
}

/*
 * Start the worker of slot idx unless one runs or is starting; caller holds
 * no lock.  False, with the reason in the slot, when it cannot start.
 */
static bool
worker_ensure(int idx)
{
	WorkerSlot *s = &control->slots[idx];
	TimestampTz now = GetCurrentTimestamp();
	bool		start = false;
	PGPROC	   *wake = NULL;

	LWLockAcquire(&control->lock, LW_EXCLUSIVE);
	if (s->state == WS_NONE ||
		(s->state == WS_STARTING &&
		 TimestampDifferenceExceeds(s->state_since, now, START_STALE_MS)))
	{
		s->state = WS_STARTING;
		s->state_since = now;
		start = true;
	}
	else if (s->state == WS_RUNNING)
		wake = GetPGProcByNumber(s->procno);
	LWLockRelease(&control->lock);

	if (wake != NULL)
		SetLatch(&wake->procLatch);
	if (!start)
		return true;
	if (worker_launch(idx))
		return true;

	LWLockAcquire(&control->lock, LW_EXCLUSIVE);
	if (s->state == WS_STARTING)
		s->state = WS_NONE;
	strlcpy(s->last_error, "no background worker slot is free (max_worker_processes)",
			sizeof(s->last_error));
	LWLockRelease(&control->lock);
	return false;
}

/* See worker.h and the file header. */
MembersWorkOutcome
members_worker_submit(MembersWorkKind kind, const void *payload, Size len,
					  bool wait, char *why)
{
	int			idx;
	WorkerSlot *s;
	dsm_segment *seg;
	QueueRecord *r;
	uint64		seq;
	TimestampTz deadline;
	MembersWorkOutcome outcome;

	why[0] = '\0';
	if (len > MEMBERS_WORK_PAYLOAD_MAX)
	{
		strlcpy(why, "the record is too large for the queue", MEMBERS_WORK_WHY_LEN);
		return MEMBERS_WORK_NOT_QUEUED;
	}
	control_attach();

	LWLockAcquire(&control->lock, LW_EXCLUSIVE);
	idx = slot_for_database();
	if (idx < 0)
	{
		LWLockRelease(&control->lock);
		strlcpy(why, "no queue is free for this database (too many databases use the members worker, or no dynamic shared memory segment is free)",
				MEMBERS_WORK_WHY_LEN);
		return MEMBERS_WORK_NOT_QUEUED;
	}
	s = &control->slots[idx];
	seg = ring_map(s->queue);
	if (seg == NULL ||
		s->next - s->done >= (kind == MEMBERS_WORK_TOUCH ? QUEUE_LEN / 2 : QUEUE_LEN))
	{
		s->refused++;
		LWLockRelease(&control->lock);
		strlcpy(why, seg == NULL ? "the queue could not be mapped" : "the queue is full",
				MEMBERS_WORK_WHY_LEN);
		return MEMBERS_WORK_NOT_QUEUED;
	}
	seq = s->next++;
	r = ring_record(seg, seq);
	r->seq = seq;
	r->kind = (uint16) kind;
	r->status = RS_PENDING;
	r->len = (uint16) len;
	r->msg[0] = '\0';
	memcpy(r->payload, payload, len);
	LWLockRelease(&control->lock);

	/* start or wake the worker */
	if (!worker_ensure(idx) && !wait)
	{
		strlcpy(why, s->last_error, MEMBERS_WORK_WHY_LEN);
		return MEMBERS_WORK_QUEUED;
	}
	if (!wait)
		return MEMBERS_WORK_QUEUED;

	/*
	 * Wait for the worker to pass seq.  While it is not running, try to
	 * start it again now and then, for a bounded time.
	 */
	deadline = TimestampTzPlusMilliseconds(GetCurrentTimestamp(), START_RETRY_MS);
	ConditionVariablePrepareToSleep(&s->cv);
	for (;;)
	{
		int			state;
		uint64		done;

		LWLockAcquire(&control->lock, LW_SHARED);
		state = s->state;
		done = s->done;
		LWLockRelease(&control->lock);
		if (done > seq)
			break;
		if (state == WS_RUNNING)
		{
			/* the worker is at it: wait as long as it takes (interruptible) */
			deadline = TimestampTzPlusMilliseconds(GetCurrentTimestamp(), START_RETRY_MS);
			(void) ConditionVariableTimedSleep(&s->cv, 1000, PG_WAIT_EXTENSION);
			continue;
		}
		if (GetCurrentTimestamp() >= deadline)
		{
			ConditionVariableCancelSleep();
			LWLockAcquire(&control->lock, LW_SHARED);
			snprintf(why, MEMBERS_WORK_WHY_LEN,
					 "the members worker could not be started (%s); the record stays queued and is written when a later request starts it",
					 s->last_error[0] ? s->last_error : "it did not start");
			LWLockRelease(&control->lock);
			return MEMBERS_WORK_QUEUED;
		}
		if (state == WS_NONE)
		{
			(void) worker_ensure(idx);
		}
		(void) ConditionVariableTimedSleep(&s->cv, START_RETRY_STEP_MS, PG_WAIT_EXTENSION);
	}
	ConditionVariableCancelSleep();

	/* the record's outcome, unless the ring has wrapped past it since */
	LWLockAcquire(&control->lock, LW_SHARED);
	r = ring_record(seg, seq);
	if (r->seq == seq && r->status == RS_FAILED)
	{
		strlcpy(why, r->msg, MEMBERS_WORK_WHY_LEN);
		outcome = MEMBERS_WORK_FAILED;
	}
	else
		outcome = MEMBERS_WORK_DONE;
	LWLockRelease(&control->lock);
	return outcome;
}

/*---- the worker process ----*/

static int	worker_idx = -1;

/*
 * Exit callback: give the slot back (state NONE) and wake waiters, so that
 * they restart a worker or report; runs on every exit, FATAL included.
 */
static void
worker_exit(int code, Datum arg)
{
	WorkerSlot *s;

	if (control == NULL || worker_idx < 0)
		return;
	s = &control->slots[worker_idx];
	LWLockAcquire(&control->lock, LW_EXCLUSIVE);
	if (s->pid == MyProcPid)
	{
		s->state = WS_NONE;
		s->pid = 0;
		if (code != 0)
			strlcpy(s->last_error, "the members worker exited with an error (see the server log)",
					sizeof(s->last_error));
	}
	LWLockRelease(&control->lock);
	ConditionVariableBroadcast(&s->cv);
}

/*
 * Override what a database or role may have set for new sessions (see the
 * file header).  PGC_S_OVERRIDE wins over every other source.
 */
static void
worker_pin_settings(void)
{
	SetConfigOption("search_path", "pg_catalog, pg_temp", PGC_SUSET, PGC_S_OVERRIDE);
	SetConfigOption("statement_timeout", WORKER_STATEMENT_TIMEOUT, PGC_SUSET, PGC_S_OVERRIDE);
	SetConfigOption("lock_timeout", WORKER_LOCK_TIMEOUT, PGC_SUSET, PGC_S_OVERRIDE);
	SetConfigOption("idle_in_transaction_session_timeout", "0", PGC_SUSET, PGC_S_OVERRIDE);
	SetConfigOption("default_transaction_read_only", "off", PGC_SUSET, PGC_S_OVERRIDE);
	SetConfigOption("default_transaction_isolation", "read committed", PGC_SUSET, PGC_S_OVERRIDE);
	SetConfigOption("default_transaction_deferrable", "off", PGC_SUSET, PGC_S_OVERRIDE);
}

/* Apply one record in the current transaction (raises on failure). */
static void
apply_record(const QueueRecord *r)
{
	switch (r->kind)
	{
		case MEMBERS_WORK_AUDIT:
			members_audit_apply_queued(r->payload, r->len);
			break;
		case MEMBERS_WORK_TOUCH:
			members_apikey_apply_queued(r->payload, r->len);
			break;
		default:
			elog(ERROR, "unknown members work kind %d", r->kind);
	}
}

/*
 * Apply records [from, to) in one transaction; on failure, each record in
 * a transaction of its own.  Records their outcomes (under the lock).
 */
static void
apply_batch(dsm_segment *seg, uint64 from, uint64 to, MemoryContext cxt)
{
	WorkerSlot *s = &control->slots[worker_idx];
	volatile bool ok = false;
	char		msg[RECORD_MSG_LEN];

	msg[0] = '\0';
	PG_TRY();
	{
		MembersUserSwitch sw;

		SetCurrentStatementStartTimestamp();
		StartTransactionCommand();
		PushActiveSnapshot(GetTransactionSnapshot());
		if (SPI_connect() != SPI_OK_CONNECT)
			elog(ERROR, "SPI_connect failed");
		members_become_owner(&sw);
		for (uint64 seq = from; seq < to; seq++)
		{
			CHECK_FOR_INTERRUPTS();
			apply_record(ring_record(seg, seq));
		}
		members_restore_user(&sw);
		SPI_finish();
		PopActiveSnapshot();
		CommitTransactionCommand();
		ok = true;
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		MemoryContextSwitchTo(cxt);
		edata = CopyErrorData();
		FlushErrorState();
		AbortCurrentTransaction();
		strlcpy(msg, edata->message ? edata->message : "unknown error", sizeof(msg));
		FreeErrorData(edata);
	}
	PG_END_TRY();
	MemoryContextSwitchTo(cxt);

	if (!ok && to - from > 1)
	{
		for (uint64 seq = from; seq < to; seq++)
			apply_batch(seg, seq, seq + 1, cxt);
		return;
	}

	LWLockAcquire(&control->lock, LW_EXCLUSIVE);
	for (uint64 seq = from; seq < to; seq++)
	{
		QueueRecord *r = ring_record(seg, seq);

		r->status = ok ? RS_DONE : RS_FAILED;
		if (!ok)
			strlcpy(r->msg, msg, sizeof(r->msg));
	}
	if (ok)
	{
		s->written += to - from;
		s->batches++;
	}
	else
		s->failed += to - from;
	LWLockRelease(&control->lock);
	if (!ok)
		ereport(WARNING,
				(errmsg("members worker could not apply a queued record"),
				 errdetail("%s", msg)));
}

/* See worker.h and the file header. */
void
members_worker_main(Datum main_arg)
{
	WorkerStart st;
	WorkerSlot *s;
	dsm_segment *seg;
	MemoryContext cxt;
	TimestampTz idle_since;

	memcpy(&st, MyBgworkerEntry->bgw_extra, sizeof(st));
	worker_idx = DatumGetInt32(main_arg);
	pqsignal(SIGTERM, die);
	pqsignal(SIGHUP, SignalHandlerForConfigReload);
	BackgroundWorkerUnblockSignals();

	control_attach();
	if (worker_idx < 0 || worker_idx >= WORKER_SLOTS)
		proc_exit(0);
	s = &control->slots[worker_idx];
	LWLockAcquire(&control->lock, LW_EXCLUSIVE);
	if (s->dboid != st.dboid || s->state == WS_RUNNING)
	{
		/* the slot changed hands, or another worker serves it */
		LWLockRelease(&control->lock);
		proc_exit(0);
	}
	s->state = WS_RUNNING;
	s->pid = MyProcPid;
	s->procno = MyProc->pgprocno;
	s->state_since = GetCurrentTimestamp();
	s->starts++;
	s->last_error[0] = '\0';
	LWLockRelease(&control->lock);
	before_shmem_exit(worker_exit, (Datum) 0);

	BackgroundWorkerInitializeConnectionByOid(st.dboid, st.login_role,
											  BGWORKER_BYPASS_ALLOWCONN);
	worker_pin_settings();
	pgstat_report_appname("members worker");

	CurrentResourceOwner = ResourceOwnerCreate(NULL, "members worker");
	seg = dsm_attach(s->queue);
	if (seg == NULL)
		ereport(FATAL,
				(errmsg("members worker could not attach its queue")));
	dsm_pin_mapping(seg);
	cxt = AllocSetContextCreate(TopMemoryContext, "members worker", ALLOCSET_DEFAULT_SIZES);
	MemoryContextSwitchTo(cxt);

	idle_since = GetCurrentTimestamp();
	for (;;)
	{
		uint64		from;
		uint64		to;

		ResetLatch(MyLatch);
		CHECK_FOR_INTERRUPTS();
		if (ConfigReloadPending)
		{
			ConfigReloadPending = false;
			ProcessConfigFile(PGC_SIGHUP);
		}

		LWLockAcquire(&control->lock, LW_SHARED);
		from = s->done;
		to = s->next;
		LWLockRelease(&control->lock);

		if (from == to)
		{
			long		left;
			TimestampTz now = GetCurrentTimestamp();

			if (TimestampDifferenceExceeds(idle_since, now, worker_idle_timeout_ms))
			{
				/* leave only if nothing arrived meanwhile */
				LWLockAcquire(&control->lock, LW_EXCLUSIVE);
				if (s->done == s->next)
				{
					s->state = WS_NONE;
					s->pid = 0;
					LWLockRelease(&control->lock);
					ConditionVariableBroadcast(&s->cv);
					proc_exit(0);
				}
				LWLockRelease(&control->lock);
				continue;
			}
			left = worker_idle_timeout_ms -
				(long) ((now - idle_since) / 1000);
			pgstat_report_activity(STATE_IDLE, NULL);
			(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH,
							 Max(left, 10), PG_WAIT_EXTENSION);
			continue;
		}

		pgstat_report_activity(STATE_RUNNING, "members: writing queued records");
		apply_batch(seg, from, to, cxt);
		MemoryContextReset(cxt);

		LWLockAcquire(&control->lock, LW_EXCLUSIVE);
		s->done = to;
		LWLockRelease(&control->lock);
		ConditionVariableBroadcast(&s->cv);
		idle_since = GetCurrentTimestamp();
	}
}

/*
 * SQL: members.worker_stats() returns jsonb.  This database's worker and
 * queue: state, records queued/written/failed/refused, transactions and
 * worker starts since the server started.  For administrators and tests
 * (execute is not granted to anyone).
 */
Datum
members_worker_stats(PG_FUNCTION_ARGS)
{
	StringInfoData buf;
	int			idx = -1;
	WorkerSlot	copy;
	static const char *const states[] = {"stopped", "starting", "running"};

	control_attach();
	memset(&copy, 0, sizeof(copy));
	LWLockAcquire(&control->lock, LW_SHARED);
	for (int i = 0; i < WORKER_SLOTS; i++)
		if (control->slots[i].dboid == MyDatabaseId)
		{
			idx = i;
			memcpy(&copy, &control->slots[i], offsetof(WorkerSlot, cv));
			break;
		}
	LWLockRelease(&control->lock);

	initStringInfo(&buf);
	appendStringInfo(&buf,
					 "{\"state\": \"%s\", \"queued\": " UINT64_FORMAT ", \"pending\": " UINT64_FORMAT
					 ", \"written\": " UINT64_FORMAT ", \"failed\": " UINT64_FORMAT
					 ", \"refused\": " UINT64_FORMAT ", \"transactions\": " UINT64_FORMAT
					 ", \"starts\": " UINT64_FORMAT ", \"last_error\": ",
					 idx < 0 ? "stopped" : states[copy.state],
					 copy.next, copy.next - copy.done, copy.written, copy.failed,
					 copy.refused, copy.batches, copy.starts);
	escape_json(&buf, copy.last_error);
	appendStringInfoChar(&buf, '}');
	PG_RETURN_DATUM(DirectFunctionCall1(jsonb_in, CStringGetDatum(buf.data)));
}
