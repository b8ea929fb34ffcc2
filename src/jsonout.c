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
	struct pg_tm tm;
	fsec_t		fsec;

	if (TIMESTAMP_NOT_FINITE(ts) ||
		timestamp2tm(ts, NULL, &tm, &fsec, NULL, NULL) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("timestamp out of range for JSON output")));

	appendStringInfo(buf, "\"%04d-%02d-%02dT%02d:%02d:%02d",
					 tm.tm_year, tm.tm_mon, tm.tm_mday,
					 tm.tm_hour, tm.tm_min, tm.tm_sec);
	members_append_go_fraction(buf, fsec);
	appendStringInfoString(buf, "Z\"");
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
