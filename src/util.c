/*-------------------------------------------------------------------------
 *
 * util.c
 *		Running SPI as the extension's owner, with plans prepared once;
 *		reading SPI result columns and SQL function arguments.
 *
 * The SQL functions are not SECURITY DEFINER: each checks who is acting
 * first, then switches to the extension owner around its SPI calls (the
 * pg_cron pattern), so that callers need EXECUTE on the functions but no
 * privilege on any table.
 *
 * IDENTIFICATION
 *		src/util.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/indexing.h"
#include "catalog/pg_extension.h"
#include "commands/extension.h"
#include "miscadmin.h"
#include "catalog/pg_type.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/inval.h"
#include "utils/rel.h"

#include "subject.h"
#include "util.h"

/*
 * Owner of the extension, cached until the next relcache invalidation
 * (InvalidOid = unknown).  REASSIGN OWNED and dropping and re-creating the
 * extension change the owner of the extension's tables too, which
 * invalidates their relcache entries in every session; any relcache
 * invalidation (they are rare: DDL) forgets the owner, and the next use
 * reads pg_extension again.
 */
static Oid	cached_owner = InvalidOid;
static bool owner_callback_registered = false;

/*
 * Relcache invalidation callback: forget the cached owner, except on the
 * change log and its signal, which every write to a members table
 * invalidates (an owner change also invalidates the other tables).
 */
static void
owner_relcache_callback(Datum arg, Oid relid)
{
	if (members_subject_is_log_relation(relid))
		return;
	members_util_reset();
}

/*
 * Look up pg_extension.extowner of "members".
 */
Oid
members_owner_oid(void)
{
	Oid			extoid;
	Relation	rel;
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tup;
	Oid			owner = InvalidOid;

	if (!owner_callback_registered)
	{
		CacheRegisterRelcacheCallback(owner_relcache_callback, (Datum) 0);
		owner_callback_registered = true;
	}
	if (OidIsValid(cached_owner))
		return cached_owner;

	extoid = get_extension_oid("members", true);
	if (!OidIsValid(extoid))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("extension \"members\" is not installed in this database"),
				 errhint("Run CREATE EXTENSION members.")));

	rel = table_open(ExtensionRelationId, AccessShareLock);
	ScanKeyInit(&key, Anum_pg_extension_oid, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(extoid));
	scan = systable_beginscan(rel, ExtensionOidIndexId, true, NULL, 1, &key);
	tup = systable_getnext(scan);
	if (HeapTupleIsValid(tup))
		owner = ((Form_pg_extension) GETSTRUCT(tup))->extowner;
	systable_endscan(scan);
	table_close(rel, AccessShareLock);

	if (!OidIsValid(owner))
		elog(ERROR, "could not find the owner of extension \"members\"");
	cached_owner = owner;
	return owner;
}

/* Become the extension owner; see util.h. */
void
members_become_owner(MembersUserSwitch *sw)
{
	Oid			owner = members_owner_oid();

	GetUserIdAndSecContext(&sw->saved_userid, &sw->saved_sec_context);
	SetUserIdAndSecContext(owner,
						   sw->saved_sec_context | SECURITY_LOCAL_USERID_CHANGE);
}

/* Return to the identity saved by members_become_owner. */
void
members_restore_user(const MembersUserSwitch *sw)
{
	SetUserIdAndSecContext(sw->saved_userid, sw->saved_sec_context);
}

/* Prepare-once plan cache; see util.h. */
SPIPlanPtr
members_plan(SPIPlanPtr *slot, const char *sql, int nargs, const Oid *argtypes)
{
	return members_plan_opts(slot, sql, nargs, argtypes, 0);
}

/* See util.h. */
SPIPlanPtr
members_plan_opts(SPIPlanPtr *slot, const char *sql, int nargs, const Oid *argtypes,
				  int cursor_options)
{
	SPIPlanPtr	plan;

	if (*slot != NULL)
		return *slot;

	plan = SPI_prepare_cursor(sql, nargs, (Oid *) argtypes, cursor_options);
	if (plan == NULL)
		elog(ERROR, "SPI_prepare failed for \"%s\": %s",
			 sql, SPI_result_code_string(SPI_result));
	if (SPI_keepplan(plan) != 0)
		elog(ERROR, "SPI_keepplan failed");
	*slot = plan;
	return plan;
}

/* Forget the cached owner. */
void
members_util_reset(void)
{
	cached_owner = InvalidOid;
}

/* See util.h. */
int
members_col_number(TupleDesc desc, const char *col)
{
	int			n = SPI_fnumber(desc, col);

	if (n <= 0)
		elog(ERROR, "column \"%s\" missing from query result", col);
	return n;
}

/* See util.h. */
Datum
members_colno_datum(HeapTuple row, TupleDesc desc, int n, bool *isnull)
{
	return SPI_getbinval(row, desc, n, isnull);
}

/* See util.h. */
bool
members_colno_isnull(HeapTuple row, TupleDesc desc, int n)
{
	bool		isnull;

	(void) SPI_getbinval(row, desc, n, &isnull);
	return isnull;
}

/* See util.h. */
char *
members_colno_text(HeapTuple row, TupleDesc desc, int n)
{
	char	   *v = SPI_getvalue(row, desc, n);

	return v ? v : pstrdup("");
}

/* See util.h. */
bool
members_colno_bool(HeapTuple row, TupleDesc desc, int n)
{
	bool		isnull;
	Datum		d = SPI_getbinval(row, desc, n, &isnull);

	return !isnull && DatumGetBool(d);
}

/* See util.h. */
pg_uuid_t
members_colno_uuid(HeapTuple row, TupleDesc desc, int n)
{
	bool		isnull;
	Datum		d = SPI_getbinval(row, desc, n, &isnull);
	pg_uuid_t	r;

	if (isnull)
		memset(&r, 0, sizeof(r));
	else
		r = *DatumGetUUIDP(d);
	return r;
}

/* See util.h. */
TimestampTz
members_colno_timestamptz(HeapTuple row, TupleDesc desc, int n)
{
	bool		isnull;
	Datum		d = SPI_getbinval(row, desc, n, &isnull);

	if (isnull)
		elog(ERROR, "column \"%s\" is unexpectedly null",
			 NameStr(TupleDescAttr(desc, n - 1)->attname));
	return DatumGetTimestampTz(d);
}

/* See util.h. */
Datum
members_col_datum(HeapTuple row, TupleDesc desc, const char *col, bool *isnull)
{
	return members_colno_datum(row, desc, members_col_number(desc, col), isnull);
}

/* See util.h. */
bool
members_col_isnull(HeapTuple row, TupleDesc desc, const char *col)
{
	return members_colno_isnull(row, desc, members_col_number(desc, col));
}

/* See util.h. */
char *
members_col_text(HeapTuple row, TupleDesc desc, const char *col)
{
	return members_colno_text(row, desc, members_col_number(desc, col));
}

/* See util.h. */
bool
members_col_bool(HeapTuple row, TupleDesc desc, const char *col)
{
	return members_colno_bool(row, desc, members_col_number(desc, col));
}

/* See util.h. */
pg_uuid_t
members_col_uuid(HeapTuple row, TupleDesc desc, const char *col)
{
	return members_colno_uuid(row, desc, members_col_number(desc, col));
}

/* See util.h. */
TimestampTz
members_col_timestamptz(HeapTuple row, TupleDesc desc, const char *col)
{
	return members_colno_timestamptz(row, desc, members_col_number(desc, col));
}

/* See util.h. */
ArrayType *
members_text_array_build(char **names, int n)
{
	Datum	   *d = palloc(sizeof(Datum) * Max(n, 1));

	for (int i = 0; i < n; i++)
		d[i] = CStringGetTextDatum(names[i]);
	return construct_array(d, n, TEXTOID, -1, false, TYPALIGN_INT);
}

/* See util.h. */
MembersArrayProblem
members_text_array_try(ArrayType *arr, int max_items, int max_item_bytes,
					   char ***out, int *n)
{
	Datum	   *elems;
	bool	   *nulls;
	int			count;
	char	  **result;

	if (ARR_NDIM(arr) > 1)
		return MEMBERS_ARRAY_MULTIDIM;
	if (max_items > 0 &&
		ArrayGetNItems(ARR_NDIM(arr), ARR_DIMS(arr)) > max_items)
		return MEMBERS_ARRAY_TOO_MANY;
	deconstruct_array(arr, TEXTOID, -1, false, TYPALIGN_INT,
					  &elems, &nulls, &count);
	result = palloc(sizeof(char *) * (count + 1));
	for (int i = 0; i < count; i++)
	{
		CHECK_FOR_INTERRUPTS();
		if (nulls[i])
			return MEMBERS_ARRAY_NULL_ELEMENT;
		if (max_item_bytes > 0 &&
			VARSIZE_ANY_EXHDR(DatumGetPointer(elems[i])) > max_item_bytes)
			return MEMBERS_ARRAY_TOO_LONG;
		result[i] = TextDatumGetCString(elems[i]);
	}
	result[count] = NULL;
	*out = result;
	*n = count;
	return MEMBERS_ARRAY_OK;
}

/* See util.h. */
void
members_text_array_raise(MembersArrayProblem p, const char *what, int sqlstate)
{
	if (p == MEMBERS_ARRAY_MULTIDIM)
		ereport(ERROR,
				(errcode(sqlstate ? sqlstate : ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("%s must be a one-dimensional array", what)));
	if (p != MEMBERS_ARRAY_NULL_ELEMENT)
		elog(ERROR, "unexpected text array problem %d", (int) p);
	ereport(ERROR,
			(errcode(sqlstate ? sqlstate : ERRCODE_NULL_VALUE_NOT_ALLOWED),
			 errmsg("%s must not contain null elements", what)));
}

/* See util.h. */
char	  **
members_text_array(ArrayType *arr, const char *what, int *n)
{
	char	  **result = NULL;
	MembersArrayProblem p = members_text_array_try(arr, 0, 0, &result, n);

	if (p != MEMBERS_ARRAY_OK)
		members_text_array_raise(p, what, 0);
	return result;
}

/* See util.h. */
void
members_require_arg(FunctionCallInfo fcinfo, int n, const char *what)
{
	if (PG_ARGISNULL(n))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s must not be null", what)));
}

/* See util.h. */
char *
members_text_arg_or(FunctionCallInfo fcinfo, int n, const char *dflt)
{
	if (PG_ARGISNULL(n))
		return dflt ? pstrdup(dflt) : NULL;
	return text_to_cstring(PG_GETARG_TEXT_PP(n));
}
