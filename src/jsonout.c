/*-------------------------------------------------------------------------
 *
 * jsonout.c
 *		Writing Coder-shaped JSON: strings, RFC 3339 timestamps, uuids.
 *
 * IDENTIFICATION
 *		src/jsonout.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "pgtime.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/json.h"
#include "utils/memutils.h"
#include "utils/numeric.h"

#include "ids.h"
#include "jsonout.h"

/* Open an object or array. */
void
members_json_open(StringInfo buf, char bracket, bool *first)
{
	appendStringInfoChar(buf, bracket);
	*first = true;
}

/* Close an object or array. */
void
members_json_close(StringInfo buf, char bracket)
{
	appendStringInfoChar(buf, bracket);
}

/* Separator and key. */
void
members_json_key(StringInfo buf, bool *first, const char *key)
{
	if (!*first)
		appendStringInfoString(buf, ", ");
	*first = false;
	escape_json(buf, key);
	appendStringInfoString(buf, ": ");
}

/* Separator before an array element. */
void
members_json_elem(StringInfo buf, bool *first)
{
	if (!*first)
		appendStringInfoString(buf, ", ");
	*first = false;
}

/* A JSON string, escaped. */
void
members_json_string(StringInfo buf, const char *s)
{
	escape_json(buf, s);
}

/* See jsonout.h. */
char *
members_json_string_text(const char *s)
{
	StringInfoData b;

	initStringInfo(&b);
	escape_json(&b, s);
	return b.data;
}

/* A uuid as a JSON string. */
void
members_json_uuid(StringInfo buf, const pg_uuid_t *u)
{
	char		txt[37];

	members_uuid_to_cstring(u, txt);
	appendStringInfoChar(buf, '"');
	appendStringInfoString(buf, txt);
	appendStringInfoChar(buf, '"');
}

/* true or false. */
void
members_json_bool(StringInfo buf, bool b)
{
	appendStringInfoString(buf, b ? "true" : "false");
}

/* A JSON number. */
void
members_json_int64(StringInfo buf, int64 v)
{
	appendStringInfo(buf, INT64_FORMAT, v);
}

/* RFC 3339 in UTC with a Z, Go's RFC3339Nano trimming. */
void
members_json_timestamp(StringInfo buf, TimestampTz ts)
{
	char		txt[MEMBERS_TIMESTAMP_LEN];
	int			len = members_format_timestamp(txt, ts);

	enlargeStringInfo(buf, len + 2);
	appendStringInfoChar(buf, '"');
	appendBinaryStringInfo(buf, txt, len);
	appendStringInfoChar(buf, '"');
}

/* Write v as n decimal digits, zero-padded, at out. */
static inline void
put_digits(char *out, int v, int n)
{
	for (int i = n - 1; i >= 0; i--)
	{
		out[i] = (char) ('0' + v % 10);
		v /= 10;
	}
}

/* See jsonout.h. */
int
members_format_timestamp(char *out, TimestampTz ts)
{
	struct pg_tm tm;
	fsec_t		fsec;
	int			len;

	if (TIMESTAMP_NOT_FINITE(ts) ||
		timestamp2tm(ts, NULL, &tm, &fsec, NULL, NULL) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("timestamp out of range for JSON output")));

	if (tm.tm_year >= 0 && tm.tm_year <= 9999)
	{
		/* what "%04d-%02d-%02dT%02d:%02d:%02d" writes, without snprintf */
		put_digits(out, tm.tm_year, 4);
		out[4] = '-';
		put_digits(out + 5, tm.tm_mon, 2);
		out[7] = '-';
		put_digits(out + 8, tm.tm_mday, 2);
		out[10] = 'T';
		put_digits(out + 11, tm.tm_hour, 2);
		out[13] = ':';
		put_digits(out + 14, tm.tm_min, 2);
		out[16] = ':';
		put_digits(out + 17, tm.tm_sec, 2);
		len = 19;
	}
	else
		len = snprintf(out, MEMBERS_TIMESTAMP_LEN, "%04d-%02d-%02dT%02d:%02d:%02d",
					   tm.tm_year, tm.tm_mon, tm.tm_mday,
					   tm.tm_hour, tm.tm_min, tm.tm_sec);
	if (fsec != 0)
	{
		/* members_append_go_fraction's ".%s" of the trimmed "%06d" */
		int			digits = 6;

		out[len] = '.';
		put_digits(out + len + 1, (int) fsec, 6);
		while (digits > 0 && out[len + digits] == '0')
			digits--;
		len += 1 + digits;
	}
	out[len++] = 'Z';
	out[len] = '\0';
	return len;
}

/* See jsonout.h. */
void
members_append_go_fraction(StringInfo buf, fsec_t fsec)
{
	char		frac[8];
	int			len;

	if (fsec == 0)
		return;
	snprintf(frac, sizeof(frac), "%06d", (int) fsec);
	len = 6;
	while (len > 0 && frac[len - 1] == '0')
		len--;
	frac[len] = '\0';
	appendStringInfo(buf, ".%s", frac);
}

/* "key": "string" */
void
members_json_kv_string(StringInfo buf, bool *first, const char *key, const char *s)
{
	members_json_key(buf, first, key);
	members_json_string(buf, s);
}

/* "key": "uuid" */
void
members_json_kv_uuid(StringInfo buf, bool *first, const char *key, const pg_uuid_t *u)
{
	members_json_key(buf, first, key);
	members_json_uuid(buf, u);
}

/* "key": bool */
void
members_json_kv_bool(StringInfo buf, bool *first, const char *key, bool b)
{
	members_json_key(buf, first, key);
	members_json_bool(buf, b);
}

/* "key": "timestamp" */
void
members_json_kv_timestamp(StringInfo buf, bool *first, const char *key, TimestampTz ts)
{
	members_json_key(buf, first, key);
	members_json_timestamp(buf, ts);
}

/* Turn the finished text into jsonb. */
Jsonb *
members_jsonb_finish(StringInfo buf)
{
	return DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(buf->data)));
}

/*---- the jsonb writer ----*/

/* See jsonout.h. */
void
members_jsonb_init(MembersJsonb *b)
{
	b->state = NULL;
	b->result = NULL;
	b->cxt = CurrentMemoryContext;
	b->caller = CurrentMemoryContext;
	b->reused = false;
}

/* The kept context, and whether a builder uses it. */
static MemoryContext kept_cxt = NULL;
static bool kept_busy = false;
static uint64 kept_generation = 0;

/*
 * Reset callback of the memory context of a builder that uses the kept
 * context: frees it for the next builder when the call ends by an error
 * (the normal end frees it in members_jsonb_result).
 */
static void
kept_release(void *arg)
{
	uint64		gen = *(uint64 *) arg;

	if (kept_busy && gen == kept_generation)
	{
		kept_busy = false;
		MemoryContextReset(kept_cxt);
	}
}

/* See jsonout.h. */
void
members_jsonb_init_kept(MembersJsonb *b)
{
	MemoryContextCallback *cb;
	uint64	   *gen;

	members_jsonb_init(b);
	if (kept_busy)
		return;
	if (kept_cxt == NULL)
		kept_cxt = AllocSetContextCreate(TopMemoryContext, "members jsonb writer",
										 256 * 1024, 256 * 1024, ALLOCSET_DEFAULT_MAXSIZE);
	kept_busy = true;
	kept_generation++;
	gen = palloc(sizeof(uint64));
	*gen = kept_generation;
	cb = palloc(sizeof(MemoryContextCallback));
	cb->func = kept_release;
	cb->arg = gen;
	MemoryContextRegisterResetCallback(CurrentMemoryContext, cb);
	b->cxt = kept_cxt;
	b->reused = true;
}

/* Push one token in b's context; keeps the result when the top closes. */
static void
jsonb_push(MembersJsonb *b, JsonbIteratorToken tok, JsonbValue *v)
{
	MemoryContext old = MemoryContextSwitchTo(b->cxt);
	JsonbValue *r = pushJsonbValue(&b->state, tok, v);

	if (b->state == NULL)
		b->result = r;
	MemoryContextSwitchTo(old);
}

/* Push a scalar as an object member's value or an array element. */
static void
jsonb_push_scalar(MembersJsonb *b, JsonbValue *v)
{
	if (b->state == NULL)
		elog(ERROR, "a jsonb scalar must be inside an object or an array");
	jsonb_push(b, b->state->contVal.type == jbvObject ? WJB_VALUE : WJB_ELEM, v);
}

/* A jbvString of len bytes of s, copied into b's context. */
static void
jsonb_string_value(MembersJsonb *b, JsonbValue *v, const char *s, int len)
{
	v->type = jbvString;
	v->val.string.len = len;
	v->val.string.val = MemoryContextAlloc(b->cxt, len + 1);
	memcpy(v->val.string.val, s, len);
	v->val.string.val[len] = '\0';
}

/* See jsonout.h. */
void
members_jsonb_begin_object(MembersJsonb *b)
{
	jsonb_push(b, WJB_BEGIN_OBJECT, NULL);
}

/* See jsonout.h. */
void
members_jsonb_end_object(MembersJsonb *b)
{
	jsonb_push(b, WJB_END_OBJECT, NULL);
}

/* See jsonout.h. */
void
members_jsonb_begin_array(MembersJsonb *b)
{
	jsonb_push(b, WJB_BEGIN_ARRAY, NULL);
}

/* See jsonout.h. */
void
members_jsonb_end_array(MembersJsonb *b)
{
	jsonb_push(b, WJB_END_ARRAY, NULL);
}

/* See jsonout.h. */
void
members_jsonb_key(MembersJsonb *b, const char *key)
{
	JsonbValue	v;

	v.type = jbvString;
	v.val.string.len = strlen(key);
	v.val.string.val = unconstify(char *, key);
	jsonb_push(b, WJB_KEY, &v);
}

/* See jsonout.h. */
void
members_jsonb_const_string(MembersJsonb *b, const char *s)
{
	JsonbValue	v;

	v.type = jbvString;
	v.val.string.len = strlen(s);
	v.val.string.val = unconstify(char *, s);
	jsonb_push_scalar(b, &v);
}

/* See jsonout.h. */
void
members_jsonb_string(MembersJsonb *b, const char *s)
{
	JsonbValue	v;

	jsonb_string_value(b, &v, s, strlen(s));
	jsonb_push_scalar(b, &v);
}

/* See jsonout.h. */
void
members_jsonb_string_len(MembersJsonb *b, const char *s, int len)
{
	JsonbValue	v;

	jsonb_string_value(b, &v, s, len);
	jsonb_push_scalar(b, &v);
}

/* See jsonout.h. */
void
members_jsonb_uuid(MembersJsonb *b, const pg_uuid_t *u)
{
	char		txt[37];
	JsonbValue	v;

	members_uuid_to_cstring(u, txt);
	jsonb_string_value(b, &v, txt, 36);
	jsonb_push_scalar(b, &v);
}

/* See jsonout.h. */
void
members_jsonb_bool(MembersJsonb *b, bool val)
{
	JsonbValue	v;

	v.type = jbvBool;
	v.val.boolean = val;
	jsonb_push_scalar(b, &v);
}

/* See jsonout.h. */
void
members_jsonb_int64(MembersJsonb *b, int64 val)
{
	JsonbValue	v;
	MemoryContext old = MemoryContextSwitchTo(b->cxt);

	v.type = jbvNumeric;
	v.val.numeric = int64_to_numeric(val);
	MemoryContextSwitchTo(old);
	jsonb_push_scalar(b, &v);
}

/* See jsonout.h. */
void
members_jsonb_null(MembersJsonb *b)
{
	JsonbValue	v;

	v.type = jbvNull;
	jsonb_push_scalar(b, &v);
}

/* See jsonout.h. */
void
members_jsonb_timestamp(MembersJsonb *b, TimestampTz ts)
{
	char		txt[MEMBERS_TIMESTAMP_LEN];
	int			len = members_format_timestamp(txt, ts);
	JsonbValue	v;

	jsonb_string_value(b, &v, txt, len);
	jsonb_push_scalar(b, &v);
}

/* See jsonout.h. */
void
members_jsonb_kv_string(MembersJsonb *b, const char *key, const char *s)
{
	members_jsonb_key(b, key);
	members_jsonb_string(b, s);
}

/* See jsonout.h. */
void
members_jsonb_kv_uuid(MembersJsonb *b, const char *key, const pg_uuid_t *u)
{
	members_jsonb_key(b, key);
	members_jsonb_uuid(b, u);
}

/* See jsonout.h. */
void
members_jsonb_kv_bool(MembersJsonb *b, const char *key, bool v)
{
	members_jsonb_key(b, key);
	members_jsonb_bool(b, v);
}

/* See jsonout.h. */
void
members_jsonb_kv_timestamp(MembersJsonb *b, const char *key, TimestampTz ts)
{
	members_jsonb_key(b, key);
	members_jsonb_timestamp(b, ts);
}

/* See jsonout.h. */
Jsonb *
members_jsonb_result(MembersJsonb *b)
{
	Jsonb	   *j;
	MemoryContext old;

	if (b->state != NULL || b->result == NULL)
		elog(ERROR, "jsonb value is not finished");
	old = MemoryContextSwitchTo(b->caller);
	j = JsonbValueToJsonb(b->result);
	MemoryContextSwitchTo(old);
	if (b->reused)
	{
		b->reused = false;
		b->result = NULL;
		kept_busy = false;
		MemoryContextReset(kept_cxt);
	}
	return j;
}

/*---- the tree writer ----*/

/* See jsonout.h. */
MembersJtree *
members_jtree_object(MembersJsonb *b, int max_pairs)
{
	MembersJtree *t = MemoryContextAlloc(b->cxt, sizeof(MembersJtree));

	t->v.type = jbvObject;
	t->v.val.object.nPairs = 0;
	t->v.val.object.pairs = MemoryContextAlloc(b->cxt, sizeof(JsonbPair) * Max(max_pairs, 1));
	t->capacity = max_pairs;
	return t;
}

/* See jsonout.h. */
MembersJtree *
members_jtree_array(MembersJsonb *b, int max_elems)
{
	MembersJtree *t = MemoryContextAlloc(b->cxt, sizeof(MembersJtree));

	t->v.type = jbvArray;
	t->v.val.array.nElems = 0;
	t->v.val.array.rawScalar = false;
	t->v.val.array.elems = MemoryContextAlloc(b->cxt, sizeof(JsonbValue) * Max(max_elems, 1));
	t->capacity = max_elems;
	return t;
}

/* See jsonout.h. */
JsonbValue *
members_jtree_put(MembersJtree *obj, const char *key, int keylen)
{
	JsonbPair  *pairs = obj->v.val.object.pairs;
	int			n = obj->v.val.object.nPairs;
	JsonbPair  *p;

	if (obj->v.type != jbvObject || n >= obj->capacity)
		elog(ERROR, "jsonb tree object is full");
	if (n > 0)
	{
		const JsonbValue *prev = &pairs[n - 1].key;

		/* jsonb's key order (lengthCompareJsonbStringValue), no duplicates */
		if (prev->val.string.len > keylen ||
			(prev->val.string.len == keylen &&
			 memcmp(prev->val.string.val, key, keylen) >= 0))
			elog(ERROR, "jsonb tree key \"%s\" is out of order", key);
	}
	p = &pairs[n];
	p->key.type = jbvString;
	p->key.val.string.len = keylen;
	p->key.val.string.val = unconstify(char *, key);
	p->order = (uint32) n;
	obj->v.val.object.nPairs = n + 1;
	return &p->value;
}

/* See jsonout.h. */
JsonbValue *
members_jtree_push(MembersJtree *arr)
{
	if (arr->v.type != jbvArray || arr->v.val.array.nElems >= arr->capacity)
		elog(ERROR, "jsonb tree array is full");
	return &arr->v.val.array.elems[arr->v.val.array.nElems++];
}

/* See jsonout.h. */
void
members_jtree_set(JsonbValue *v, const MembersJtree *t)
{
	*v = t->v;
}

/* See jsonout.h. */
void
members_jtree_string(JsonbValue *v, const char *s, int len)
{
	v->type = jbvString;
	v->val.string.len = len;
	v->val.string.val = unconstify(char *, s);
}

/* See jsonout.h. */
void
members_jtree_string_copy(MembersJsonb *b, JsonbValue *v, const char *s, int len)
{
	jsonb_string_value(b, v, s, len);
}

/* See jsonout.h. */
void
members_jtree_uuid(MembersJsonb *b, JsonbValue *v, const pg_uuid_t *u)
{
	char	   *txt = MemoryContextAlloc(b->cxt, 37);

	members_uuid_to_cstring(u, txt);
	members_jtree_string(v, txt, 36);
}

/* See jsonout.h. */
void
members_jtree_timestamp(MembersJsonb *b, JsonbValue *v, TimestampTz ts)
{
	char		txt[MEMBERS_TIMESTAMP_LEN];
	int			len = members_format_timestamp(txt, ts);

	jsonb_string_value(b, v, txt, len);
}

/* See jsonout.h. */
void
members_jtree_int64(MembersJsonb *b, JsonbValue *v, int64 n)
{
	MemoryContext old = MemoryContextSwitchTo(b->cxt);

	v->type = jbvNumeric;
	v->val.numeric = int64_to_numeric(n);
	MemoryContextSwitchTo(old);
}

/* See jsonout.h. */
void
members_jtree_bool(JsonbValue *v, bool val)
{
	v->type = jbvBool;
	v->val.boolean = val;
}

/* See jsonout.h. */
void
members_jtree_null(JsonbValue *v)
{
	v->type = jbvNull;
}

/* See jsonout.h. */
void
members_jsonb_set_result(MembersJsonb *b, MembersJtree *t)
{
	if (b->state != NULL || b->result != NULL)
		elog(ERROR, "jsonb value is already being built");
	b->result = &t->v;
}

/* See jsonout.h. */
void
members_json_append_jsonb(StringInfo buf, MembersJsonb *b)
{
	Jsonb	   *j = members_jsonb_result(b);

	(void) JsonbToCString(buf, &j->root, VARSIZE(j));
}
