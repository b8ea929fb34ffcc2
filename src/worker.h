/*-------------------------------------------------------------------------
 *
 * worker.h
 *		The one background worker of the extension: a long-lived process per
 *		database, started on demand and reused, that writes what a request
 *		cannot write in its own transaction (the audit rows of refused
 *		attempts, the last_used of session tokens presented in read-only
 *		transactions).  Requests hand it work through a queue in dynamic
 *		shared memory; see worker.c for the design.
 *
 * IDENTIFICATION
 *		src/worker.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef MEMBERS_WORKER_H
#define MEMBERS_WORKER_H

#include "fmgr.h"

/* Kinds of queued work; each kind's module applies its records. */
typedef enum MembersWorkKind
{
	MEMBERS_WORK_AUDIT = 1,		/* an audit row (src/audit.c) */
	MEMBERS_WORK_TOUCH = 2		/* a session token's use (src/apikey.c) */
} MembersWorkKind;

/* The largest payload of one queued record, in bytes. */
#define MEMBERS_WORK_PAYLOAD_MAX 768

/* Room for the reason returned with an outcome other than DONE. */
#define MEMBERS_WORK_WHY_LEN 256

/* What became of a submitted record. */
typedef enum MembersWorkOutcome
{
	MEMBERS_WORK_DONE,			/* the worker committed it */
	MEMBERS_WORK_QUEUED,		/* queued; not waited for, or the worker could
								 * not start in time: written once it runs */
	MEMBERS_WORK_FAILED,		/* the worker applied it and failed (why) */
	MEMBERS_WORK_NOT_QUEUED		/* no room in the queue, or no queue (why) */
} MembersWorkOutcome;

/*
 * Register the worker's settings (members.worker_idle_timeout); called
 * from _PG_init.
 */
extern void members_worker_init(void);

/*
 * Queue one record of this database for the worker, starting the worker if
 * it is not running.  With wait, return once the worker has committed the
 * record (DONE), failed on it (FAILED), or could not be started within a
 * bounded wait (QUEUED: the record stays queued and is written when a later
 * submission starts the worker).  Without wait, return QUEUED at once.
 * Records of kind MEMBERS_WORK_TOUCH are refused (NOT_QUEUED) once the queue
 * is half full, so that they never crowd out audit rows.  Does not raise
 * because of the queue or the worker (only if the main shared memory
 * segment has no room left for the worker's 6 kB control struct, or no
 * dynamic shared memory can be created at all); an interrupt while waiting
 * propagates (the record stays queued).  why receives the reason for
 * anything but DONE.
 */
extern MembersWorkOutcome members_worker_submit(MembersWorkKind kind,
												const void *payload, Size len,
												bool wait, char *why);

/* Entry point of the worker process (found by name by the postmaster). */
extern PGDLLEXPORT void members_worker_main(Datum main_arg);

#endif							/* MEMBERS_WORKER_H */
