/*-------------------------------------------------------------------------
 *
 * jsonout.h
 *		Writing Coder-shaped JSON: strings, RFC 3339 timestamps, uuids.
 *
 * Two writers.  The text writer (members_json_*) appends JSON text to a
 * StringInfo, which is turned into jsonb once at the end
 * (members_jsonb_finish); a bool *first tracks whether a comma is needed
 * before the next member or element.  The jsonb writer (members_jsonb_*,
 * a MembersJsonb) builds the jsonb value directly with pushJsonbValue, with
 * no text to escape and parse back: the listings use it.  Both give the
 * same jsonb for the same calls (jsonb orders an object's keys itself).
 *
 * IDENTIFICATION
 *		src/jsonout.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef MEMBERS_JSONOUT_H
#define MEMBERS_JSONOUT_H

#include "lib/stringinfo.h"
#include "utils/jsonb.h"
#include "utils/timestamp.h"
#include "utils/uuid.h"

/* Open "{" or "[" on buf and remember that nothing was written yet. */
extern void members_json_open(StringInfo buf, char bracket, bool *first);
/* Close with "}" or "]". */
extern void members_json_close(StringInfo buf, char bracket);
/* Write the separator (if needed) and "key": before a value. */
extern void members_json_key(StringInfo buf, bool *first, const char *key);
/* Write the separator before an array element. */
extern void members_json_elem(StringInfo buf, bool *first);

/* Values. */
extern void members_json_string(StringInfo buf, const char *s);
/* The JSON string literal of s as palloc'd text (audit diff values). */
extern char *members_json_string_text(const char *s);
extern void members_json_uuid(StringInfo buf, const pg_uuid_t *u);
extern void members_json_bool(StringInfo buf, bool b);
extern void members_json_int64(StringInfo buf, int64 v);

/*
 * A timestamp in Go's RFC 3339 form for UTC: 2006-01-02T15:04:05.999999Z,
 * trailing zeros of the fraction dropped (time.RFC3339Nano).
 */
extern void members_json_timestamp(StringInfo buf, TimestampTz ts);

/*
 * Go's fractional seconds as its time formats print them: "." and the
 * microseconds without trailing zeros; nothing when fsec is 0.
 */
extern void members_append_go_fraction(StringInfo buf, fsec_t fsec);

/* Shorthands for "key": value. */
extern void members_json_kv_string(StringInfo buf, bool *first, const char *key, const char *s);
extern void members_json_kv_uuid(StringInfo buf, bool *first, const char *key, const pg_uuid_t *u);
extern void members_json_kv_bool(StringInfo buf, bool *first, const char *key, bool b);
extern void members_json_kv_timestamp(StringInfo buf, bool *first, const char *key, TimestampTz ts);

/* Parse the text written into buf as jsonb. */
extern Jsonb *members_jsonb_finish(StringInfo buf);

/*
 * Format a timestamp as members_json_timestamp writes it, without the
 * quotes, into out (at least MEMBERS_TIMESTAMP_LEN bytes); returns the
 * length.
 */
#define MEMBERS_TIMESTAMP_LEN 32
extern int	members_format_timestamp(char *out, TimestampTz ts);

/*---- the jsonb writer ----*/

/*
 * A jsonb value being built.  Everything it holds is allocated in cxt (the
 * memory context current at members_jsonb_init), whatever context is
 * current when values are added, so that it outlives SPI_finish and
 * per-row context resets.  A value added inside an object must follow
 * members_jsonb_key; inside an array it is the next element.
 */
typedef struct MembersJsonb
{
	JsonbParseState *state;
	JsonbValue *result;			/* the finished top-level value */
	MemoryContext cxt;			/* where the value is built */
	MemoryContext caller;		/* where the finished jsonb goes */
	bool		reused;			/* cxt is the backend's kept context */
} MembersJsonb;

extern void members_jsonb_init(MembersJsonb *b);

/*
 * As members_jsonb_init, but build in a context kept for the backend's
 * life (its first 256 kB are never given back), so that a listing's many
 * small allocations neither grow nor shrink the process heap on each call;
 * only the finished jsonb is allocated in the current context.  A builder
 * opened while another one uses that context (a nested call) builds in the
 * current context instead.
 */
extern void members_jsonb_init_kept(MembersJsonb *b);
/* Open and close an object or an array. */
extern void members_jsonb_begin_object(MembersJsonb *b);
extern void members_jsonb_end_object(MembersJsonb *b);
extern void members_jsonb_begin_array(MembersJsonb *b);
extern void members_jsonb_end_array(MembersJsonb *b);
/* An object member's key: a string that outlives b (a literal). */
extern void members_jsonb_key(MembersJsonb *b, const char *key);
/* Values (strings are copied). */
extern void members_jsonb_string(MembersJsonb *b, const char *s);
/* len bytes of s (need not be NUL-terminated). */
extern void members_jsonb_string_len(MembersJsonb *b, const char *s, int len);
/* A string value that outlives b (a literal or a registry name): not copied. */
extern void members_jsonb_const_string(MembersJsonb *b, const char *s);
extern void members_jsonb_uuid(MembersJsonb *b, const pg_uuid_t *u);
extern void members_jsonb_bool(MembersJsonb *b, bool v);
extern void members_jsonb_int64(MembersJsonb *b, int64 v);
extern void members_jsonb_null(MembersJsonb *b);
/* As members_json_timestamp: Go's RFC3339Nano in UTC. */
extern void members_jsonb_timestamp(MembersJsonb *b, TimestampTz ts);
/* Shorthands for key and value. */
extern void members_jsonb_kv_string(MembersJsonb *b, const char *key, const char *s);
extern void members_jsonb_kv_uuid(MembersJsonb *b, const char *key, const pg_uuid_t *u);
extern void members_jsonb_kv_bool(MembersJsonb *b, const char *key, bool v);
extern void members_jsonb_kv_timestamp(MembersJsonb *b, const char *key, TimestampTz ts);
/* The finished value as jsonb, in b's context (after the last close). */
extern Jsonb *members_jsonb_result(MembersJsonb *b);

/*
 * The tree writer: a listing whose objects have keys known in advance
 * builds its value as a tree of JsonbValues in b's context and hands it to
 * b whole (members_jsonb_set_result), instead of pushing tokens: nothing
 * is sorted or copied per object.  The caller adds an object's keys in
 * jsonb's order (shorter keys first, then bytewise; checked) and gives each
 * object and array its size when it is made (at most that many entries).
 * Nodes are allocated in b's context; strings are referenced, not copied,
 * except by members_jtree_string_copy, so they must outlive b's result.
 */
typedef struct MembersJtree
{
	JsonbValue	v;				/* a jbvObject or jbvArray */
	int			capacity;		/* pairs or elements allocated */
} MembersJtree;

extern MembersJtree *members_jtree_object(MembersJsonb *b, int max_pairs);
extern MembersJtree *members_jtree_array(MembersJsonb *b, int max_elems);
/* The next pair of obj with key (a literal): returns its value to fill. */
extern JsonbValue *members_jtree_put(MembersJtree *obj, const char *key, int keylen);
/* The next element of arr: returns it to fill. */
extern JsonbValue *members_jtree_push(MembersJtree *arr);
/* Fill a value with a finished object or array. */
extern void members_jtree_set(JsonbValue *v, const MembersJtree *t);
/* Fill a value: len bytes of s, referenced / copied into b's context. */
extern void members_jtree_string(JsonbValue *v, const char *s, int len);
extern void members_jtree_string_copy(MembersJsonb *b, JsonbValue *v, const char *s, int len);
extern void members_jtree_uuid(MembersJsonb *b, JsonbValue *v, const pg_uuid_t *u);
extern void members_jtree_timestamp(MembersJsonb *b, JsonbValue *v, TimestampTz ts);
extern void members_jtree_int64(MembersJsonb *b, JsonbValue *v, int64 n);
extern void members_jtree_bool(JsonbValue *v, bool val);
extern void members_jtree_null(JsonbValue *v);
/* Make t, a finished object or array, b's value (b must hold nothing yet). */
extern void members_jsonb_set_result(MembersJsonb *b, MembersJtree *t);
/*
 * Append b's finished value as JSON text to buf (a text writer's value), so
 * that a shape written with the jsonb writer serves text writers too.
 */
extern void members_json_append_jsonb(StringInfo buf, MembersJsonb *b);

#endif							/* MEMBERS_JSONOUT_H */
