/*-------------------------------------------------------------------------
 *
 * http.c
 *		Settings of the HTTP layer (members_api, served by PostgREST), and
 *		members.http_header, which every adapter reads its path values with.
 *
 * members.http_trust_jwt says whether members_api.authenticate() may take
 * the acting user from the "sub" claim of request.jwt.claims.  PostgREST
 * sets that value from a JWT it verified only when it has a jwt-secret;
 * without one, whoever logs in as the authenticator role can set it to
 * anything.  So it is off unless a superuser turns it on together with
 * PostgREST's jwt-secret (README, postgrest/members.conf).
 *
 * IDENTIFICATION
 *		src/http.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/guc.h"

#include "http.h"

PG_FUNCTION_INFO_V1(members_http_trusts_jwt);
PG_FUNCTION_INFO_V1(members_http_header);

static bool http_trust_jwt = false;

/*
 * Define members.http_trust_jwt (PGC_SUSET: only superusers, or roles
 * granted SET on it, may change it; a value a non-superuser set before the
 * library loaded is discarded when the setting is defined).
 */
void
members_http_init(void)
{
	DefineCustomBoolVariable("members.http_trust_jwt",
							 gettext_noop("Whether members_api.authenticate() takes the acting user from the \"sub\" claim of request.jwt.claims."),
							 gettext_noop("Turn on only together with PostgREST's jwt-secret: without it, the authenticator login can set request.jwt.claims itself."),
							 &http_trust_jwt,
							 false,
							 PGC_SUSET,
							 0,
							 NULL,
							 NULL,
							 NULL);
}

/*
 * SQL: members.http_trusts_jwt() returns boolean.  The current value of
 * members.http_trust_jwt, read from the defined setting (never from a
 * placeholder set before the library loaded).
 */
Datum
members_http_trusts_jwt(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(http_trust_jwt);
}

/*
 * SQL: members.http_header(name text) returns text.  The value of a request
 * header as PostgREST passes it in request.headers (a JSON object whose keys
 * are the lower-case names), '' when the setting is unset or empty, the header
 * is absent or its value is JSON null.  It is exactly
 *   coalesce(nullif(current_setting('request.headers', true), '')::json
 *            ->> lower(name), '')
 * (the SQL function it replaces): lower() in the call's collation, and the
 * field read by the json ->> operator itself (json_object_field_text, which
 * parses the whole object, so a malformed value fails with json's 22P02 as
 * the cast did).  Written in C because every adapter reads its path values
 * through it: a SQL function with a SET clause is planned again on each call.
 */
Datum
members_http_header(PG_FUNCTION_ARGS)
{
	char	   *headers = GetConfigOptionByName("request.headers", NULL, true);
	text	   *key;
	LOCAL_FCINFO(field, 2);
	Datum		value;

	if (headers == NULL || headers[0] == '\0')
		PG_RETURN_TEXT_P(cstring_to_text(""));
	if (PG_ARGISNULL(0))
	{
		/* json ->> NULL is NULL, once the value has been read as json */
		(void) DirectFunctionCall1(json_in, CStringGetDatum(headers));
		PG_RETURN_TEXT_P(cstring_to_text(""));
	}
	key = DatumGetTextPP(DirectFunctionCall1Coll(lower, PG_GET_COLLATION(),
												 PG_GETARG_DATUM(0)));
	InitFunctionCallInfoData(*field, NULL, 2, InvalidOid, NULL, NULL);
	field->args[0].value = PointerGetDatum(cstring_to_text(headers));
	field->args[0].isnull = false;
	field->args[1].value = PointerGetDatum(key);
	field->args[1].isnull = false;
	value = json_object_field_text(field);
	if (field->isnull)
		PG_RETURN_TEXT_P(cstring_to_text(""));
	PG_RETURN_DATUM(value);
}
