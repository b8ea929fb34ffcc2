/*-------------------------------------------------------------------------
 *
 * http.c
 *		Settings of the HTTP layer (members_api, served by PostgREST).
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
#include "utils/guc.h"

#include "http.h"

PG_FUNCTION_INFO_V1(members_http_trusts_jwt);

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
