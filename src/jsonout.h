/*-------------------------------------------------------------------------
 *
 * jsonout.h
 *		Writing Coder-shaped JSON: strings, RFC 3339 timestamps, uuids.
 *
 * Objects are written as text into a StringInfo and turned into jsonb once
 * at the end (members_jsonb_finish).  A MembersJson tracks whether a comma
 * is needed before the next member or element.
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

#endif							/* MEMBERS_JSONOUT_H */
