/*-------------------------------------------------------------------------
 *
 * util.h
 *		Running SPI as the extension's owner, with plans prepared once;
 *		reading SPI result columns and SQL function arguments.
 *
 * IDENTIFICATION
 *		src/util.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef MEMBERS_UTIL_H
#define MEMBERS_UTIL_H

#include "executor/spi.h"
#include "fmgr.h"
#include "utils/array.h"
#include "utils/timestamp.h"
#include "utils/uuid.h"

/* Saved identity while running as the extension owner. */
typedef struct MembersUserSwitch
{
	Oid			saved_userid;
	int			saved_sec_context;
} MembersUserSwitch;

/*
 * Oid of the role that owns the extension's tables, cached until the next
 * relcache invalidation (so REASSIGN OWNED or re-creating the extension is
 * followed by the next statement).  Raises if the extension is not
 * installed in this database.
 */
extern Oid	members_owner_oid(void);

/*
 * Switch the current user to the extension owner so that SPI may read and
 * write the extension's tables whatever the caller's grants; the caller's
 * authorization must have been checked before.  Undo with
 * members_restore_user.  An error raised in between restores the identity
 * through transaction abort.
 */
extern void members_become_owner(MembersUserSwitch *sw);
extern void members_restore_user(const MembersUserSwitch *sw);

/*
 * Return the saved plan in *slot, preparing and keeping it on first use.
 * Must be called while connected to SPI.
 */
extern SPIPlanPtr members_plan(SPIPlanPtr *slot, const char *sql, int nargs,
							   const Oid *argtypes);

/*
 * As members_plan, with SPI_prepare_cursor's options (CURSOR_OPT_NO_SCROLL,
 * CURSOR_OPT_CUSTOM_PLAN, ...); members_plan is this with 0.
 */
extern SPIPlanPtr members_plan_opts(SPIPlanPtr *slot, const char *sql, int nargs,
									const Oid *argtypes, int cursor_options);

/* Forget the cached owner (called from util.c's relcache invalidation callback). */
extern void members_util_reset(void);

/*
 * Column access on SPI_tuptable rows by column name.  Each raises on a
 * missing column (a can't-happen programming error).  members_col_text
 * returns a palloc'd string ("" for NULL); members_col_isnull reports NULL;
 * members_col_uuid gives the nil uuid for NULL; members_col_timestamptz
 * raises for NULL.
 */
extern bool members_col_isnull(HeapTuple row, TupleDesc desc, const char *col);
extern char *members_col_text(HeapTuple row, TupleDesc desc, const char *col);
extern bool members_col_bool(HeapTuple row, TupleDesc desc, const char *col);
extern pg_uuid_t members_col_uuid(HeapTuple row, TupleDesc desc, const char *col);
extern TimestampTz members_col_timestamptz(HeapTuple row, TupleDesc desc, const char *col);
extern Datum members_col_datum(HeapTuple row, TupleDesc desc, const char *col, bool *isnull);

/*
 * The same by column number, for loops over many rows: look each number up
 * once per result with members_col_number (raises on a missing column).
 */
extern int	members_col_number(TupleDesc desc, const char *col);
extern bool members_colno_isnull(HeapTuple row, TupleDesc desc, int n);
extern char *members_colno_text(HeapTuple row, TupleDesc desc, int n);
extern bool members_colno_bool(HeapTuple row, TupleDesc desc, int n);
extern pg_uuid_t members_colno_uuid(HeapTuple row, TupleDesc desc, int n);
extern TimestampTz members_colno_timestamptz(HeapTuple row, TupleDesc desc, int n);
extern Datum members_colno_datum(HeapTuple row, TupleDesc desc, int n, bool *isnull);

/*
 * Elements of a one-dimensional text[] as palloc'd C strings; NULL elements
 * raise 22004 naming what.  *n receives the count.
 */
extern char **members_text_array(ArrayType *arr, const char *what, int *n);

/* A one-dimensional text[] of names[0..n). */
extern ArrayType *members_text_array_build(char **names, int n);

/* What is wrong with a text[] argument. */
typedef enum MembersArrayProblem
{
	MEMBERS_ARRAY_OK,
	MEMBERS_ARRAY_MULTIDIM,
	MEMBERS_ARRAY_NULL_ELEMENT,
	MEMBERS_ARRAY_TOO_MANY,		/* more than max_items elements */
	MEMBERS_ARRAY_TOO_LONG		/* an element over max_item_bytes */
} MembersArrayProblem;

/*
 * As members_text_array, but report the problem instead of raising, so
 * that the caller can act first (audit a refusal); *out and *n are set
 * only for MEMBERS_ARRAY_OK.  max_items and max_item_bytes, when not 0,
 * bound the number of elements (checked before any is read) and each
 * element's length in bytes.  Checks in order: dimensions, count, then per
 * element null and length.
 */
extern MembersArrayProblem members_text_array_try(ArrayType *arr, int max_items,
												  int max_item_bytes,
												  char ***out, int *n);

/*
 * Raise members_text_array's error for a problem: "<what> must be a
 * one-dimensional array" or "<what> must not contain null elements", with
 * sqlstate, or for 0 the codes members_text_array uses (2202E, 22004).
 * Not for the limit problems, whose wording is the caller's.
 */
extern void members_text_array_raise(MembersArrayProblem p, const char *what,
									 int sqlstate) pg_attribute_noreturn();

/*
 * Raise 22004 "<what> must not be null" when argument n is SQL NULL.
 */
extern void members_require_arg(FunctionCallInfo fcinfo, int n, const char *what);

/*
 * Text argument n as a palloc'd C string; for SQL NULL a palloc'd copy of
 * dflt, or NULL when dflt is NULL.
 */
extern char *members_text_arg_or(FunctionCallInfo fcinfo, int n, const char *dflt);

#endif							/* MEMBERS_UTIL_H */
