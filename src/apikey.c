/*-------------------------------------------------------------------------
 *
 * apikey.c
 *		Session tokens in Coder's format: members.create_api_key, and the
 *		check of a presented token used by the HTTP pre-request
 *		(members.authenticate_api_key).
 *
 * Creating: the token is "<id>-<secret>", 10 and 22 characters drawn
 * uniformly from [a-zA-Z0-9] with pg_strong_random (rejection sampling, so
 * no character is favoured).  Only the SHA-256 of the secret is stored;
 * expires_at is now() + lifetime and lifetime_seconds the same span.
 *
 * Checking follows Coder's API-key middleware (coderd/httpmw/apikey.go):
 * the same split rules, lookup by id, constant-time comparison of the
 * secret's hash, expiry, and Coder's detail texts (raised as 28000 with the
 * text in errdetail).  A token of a deleted user is unknown, as Coder
 * deletes those keys; a user who is not active cannot act.
 *
 * Recording use (last_used), at most once an hour per token as Coder does,
 * through one statement (record_use, which skips a row another transaction
 * holds locked: it never waits):
 *	- in a read-write transaction it runs in place, in the request's
 *	  transaction;
 *	- in a read-only transaction (PostgREST runs GET requests READ ONLY,
 *	  where nothing may be written) the use is queued for the extension's
 *	  one background worker (src/worker.c), which runs the same statement
 *	  for every queued use in a transaction of its own.  The request does not
 *	  wait.  No process is started per use: a member who presents many
 *	  tokens adds records to a queue that one long-lived worker drains in
 *	  batches.  Uses are dropped (recorded by a later request) when the
 *	  queue is half full, so that they never crowd out audit rows;
 *	- on a hot standby nothing is recorded.
 * The request's own transaction therefore stays read-only: GET requests
 * never write.  A backend queues a given token at most once a minute.
 *
 * A user may hold at most members.max_api_keys_per_user unexpired tokens
 * (default 1000; Coder has no limit, but every token is a row and a
 * last_used to record): creating one more is refused with 22023.
 *
 * IDENTIFICATION
 *		src/apikey.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "access/xlog.h"
#include "catalog/pg_type.h"
#include "common/cryptohash.h"
#include "common/sha2.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "storage/ipc.h"
#include "storage/proc.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/guc.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"

#include "actor.h"
#include "apikey.h"
#include "authz.h"
#include "endpoint.h"
#include "ids.h"
#include "jsonout.h"
#include "registry.h"
#include "resolve.h"
#include "util.h"
#include "worker.h"

PG_FUNCTION_INFO_V1(members_create_api_key);
PG_FUNCTION_INFO_V1(members_authenticate_api_key);
PG_FUNCTION_INFO_V1(members_http_establish_actor);
PG_FUNCTION_INFO_V1(members_http_require_actor);

/*---- prepared plans ----*/
static SPIPlanPtr plan_user_status = NULL;
static SPIPlanPtr plan_insert_key = NULL;
static SPIPlanPtr plan_lookup_key = NULL;
static SPIPlanPtr plan_touch_key = NULL;
static SPIPlanPtr plan_count_keys = NULL;

/* The 62 characters of ids and secrets (Coder's cryptorand alphanumerics). */
static const char token_alphabet[] =
"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

#define TOKEN_ALPHABET_LEN 62

/* A use queued for the worker. */
typedef struct TouchRequest
{
	char		key_id[MEMBERS_APIKEY_ID_LEN + 1];
	pg_uuid_t	user_id;
	TimestampTz used_at;
} TouchRequest;

/* members.max_api_keys_per_user */
static int	max_api_keys_per_user = 1000;

/*
 * Tokens whose use this backend queued recently, so that a burst of
 * read-only requests queues one record, not one per request.
 */
#define TOUCH_MEMO_SIZE 16
#define TOUCH_MEMO_SECS 60

typedef struct TouchMemo
{
	char		key_id[MEMBERS_APIKEY_ID_LEN + 1];
	TimestampTz at;
} TouchMemo;

static TouchMemo touch_memo[TOUCH_MEMO_SIZE];
static int	touch_memo_next = 0;

/*
 * The acting user the HTTP pre-request established, and in which top-level
 * transaction (see members_http_require_actor).  Cleared at transaction end.
 */
static LocalTransactionId http_actor_lxid = InvalidLocalTransactionId;
static pg_uuid_t http_actor_id;
static bool http_xact_callback_registered = false;

/*
 * Fill buf[0..len-1] with characters drawn uniformly from token_alphabet.
 * Bytes >= 248 (= 4 * 62) are rejected so that every character is equally
 * likely.
 */
static void
random_token_chars(char *buf, int len)
{
	uint8		rnd[64];
	int			filled = 0;

	while (filled < len)
	{
		if (!pg_strong_random(rnd, sizeof(rnd)))
			ereport(ERROR,
					(errcode(ERRCODE_INTERNAL_ERROR),
					 errmsg("could not generate a random session token")));
		for (int i = 0; i < (int) sizeof(rnd) && filled < len; i++)
		{
			if (rnd[i] >= 4 * TOKEN_ALPHABET_LEN)
				continue;
			buf[filled++] = token_alphabet[rnd[i] % TOKEN_ALPHABET_LEN];
		}
	}
	explicit_bzero(rnd, sizeof(rnd));
}

/* SHA-256 of len bytes at data into out[PG_SHA256_DIGEST_LENGTH]. */
static void
sha256_bytes(const char *data, size_t len, uint8 *out)
{
	pg_cryptohash_ctx *ctx = pg_cryptohash_create(PG_SHA256);

	if (ctx == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory")));
	if (pg_cryptohash_init(ctx) < 0 ||
		pg_cryptohash_update(ctx, (const uint8 *) data, len) < 0 ||
		pg_cryptohash_final(ctx, out, PG_SHA256_DIGEST_LENGTH) < 0)
	{
		const char *why = pg_cryptohash_error(ctx);

		pg_cryptohash_free(ctx);
		elog(ERROR, "could not compute SHA-256: %s", why);
	}
	pg_cryptohash_free(ctx);
}

/* Compare two byte strings of equal length in time independent of content. */
static bool
equal_constant_time(const uint8 *a, const uint8 *b, size_t len)
{
	uint8		diff = 0;

	for (size_t i = 0; i < len; i++)
		diff |= a[i] ^ b[i];
	return diff == 0;
}

/*
 * Total length of an interval with interval_cmp's conventions (a month is
 * 30 days, a day 24 hours), in microseconds; saturates instead of
 * overflowing.
 */
static int64
interval_usecs_approx(const Interval *iv)
{
	int64		days = (int64) iv->month * DAYS_PER_MONTH + iv->day;
	int64		limit = PG_INT64_MAX / USECS_PER_DAY - 1;

	if (days > limit)
		return PG_INT64_MAX;
	if (days < -limit)
		return PG_INT64_MIN;
	days *= USECS_PER_DAY;
	if (iv->time > 0 && days > PG_INT64_MAX - iv->time)
		return PG_INT64_MAX;
	if (iv->time < 0 && days < PG_INT64_MIN - iv->time)
		return PG_INT64_MIN;
	return days + iv->time;
}

/* Raise 22023 for a lifetime outside (0, 365 days]. */
static void bad_lifetime(const char *detail) pg_attribute_noreturn();

static void
bad_lifetime(const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid session token lifetime"),
			 errdetail("%s", detail)));
}

/*
 * SQL: members.create_api_key("user" text, lifetime interval DEFAULT
 * '7 days') returns text.  A new session token for the user, shown once.
 * The actor needs create on api_key owned by that user (the system may
 * create keys for anyone); the user must exist, be readable by the actor,
 * not be deleted and be active.
 */
Datum
members_create_api_key(PG_FUNCTION_ARGS)
{
	MembersCall c;
	char	   *user_value;
	Interval   *lifetime;
	int64		approx;
	TimestampTz now;
	TimestampTz expires_at;
	int64		span;
	MembersUserRef ref;
	SPIPlanPtr	plan;
	char	   *status;
	char		token[MEMBERS_APIKEY_TOKEN_LEN + 1];
	uint8		digest[PG_SHA256_DIGEST_LENGTH];
	bytea	   *hashed;
	text	   *result;

	members_require_arg(fcinfo, 0, "user");
	members_require_arg(fcinfo, 1, "lifetime");
	user_value = text_to_cstring(PG_GETARG_TEXT_PP(0));
	lifetime = PG_GETARG_INTERVAL_P(1);

	members_call_begin(&c, MEMBERS_CALL_SPI);

	/* the user param: not readable or not there is "not found" */
	members_resolve_user(&c.actor, user_value, true, &ref);
	if (ref.deleted)
		members_not_found();

	if (!members_actor_allowed(&c.actor, MEMBERS_ACT_CREATE, MEMBERS_RES_API_KEY,
							   NULL, &ref.id))
		members_forbidden();

	/*
	 * Bounds first on the calendar-free length (so that a huge interval
	 * gets this message, not an overflow), then on the real span.
	 */
	approx = interval_usecs_approx(lifetime);
	if (approx < USECS_PER_SEC)
		bad_lifetime("The lifetime must be positive (at least one second).");
	if (approx > (int64) (MEMBERS_APIKEY_MAX_LIFETIME_DAYS + 2) * USECS_PER_DAY)
		bad_lifetime("The lifetime must be at most 365 days.");
	now = GetCurrentTransactionStartTimestamp();
	expires_at = DatumGetTimestampTz(DirectFunctionCall2(timestamptz_pl_interval,
														 TimestampTzGetDatum(now),
														 IntervalPGetDatum(lifetime)));
	span = expires_at - now;
	if (span < USECS_PER_SEC)
		bad_lifetime("The lifetime must be positive (at least one second).");
	if (span > (int64) MEMBERS_APIKEY_MAX_LIFETIME_DAYS * USECS_PER_DAY)
		bad_lifetime("The lifetime must be at most 365 days.");

	/* the owner must be able to act */
	{
		Oid			argtypes[1] = {UUIDOID};
		Datum		values[1];

		plan = members_plan(&plan_user_status,
							"SELECT u.status FROM members.users u "
							"WHERE u.id OPERATOR(pg_catalog.=) $1 FOR NO KEY UPDATE",
							1, argtypes);
		values[0] = UUIDPGetDatum(&ref.id);
		if (SPI_execute_plan(plan, values, NULL, false, 1) != SPI_OK_SELECT)
			elog(ERROR, "could not read user status");
		if (SPI_processed == 0)
			members_not_found();
		status = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
		if (status == NULL || strcmp(status, "active") != 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("cannot create a session token for an inactive user"),
					 errdetail("User \"%s\" has status \"%s\"; only active users can have session tokens.",
							   ref.username, status ? status : "")));
	}

	/*
	 * At most max_api_keys_per_user unexpired tokens; the user row locked
	 * above serializes concurrent creations for one user.
	 */
	{
		Oid			argtypes[3] = {UUIDOID, TIMESTAMPTZOID, INT8OID};
		Datum		values[3];
		int64		active;
		bool		isnull;

		plan = members_plan(&plan_count_keys,
							"SELECT pg_catalog.count(*) FROM (SELECT 1 FROM members.api_keys k "
							"WHERE k.user_id OPERATOR(pg_catalog.=) $1 "
							"AND k.expires_at OPERATOR(pg_catalog.>) $2 LIMIT $3) AS x",
							3, argtypes);
		values[0] = UUIDPGetDatum(&ref.id);
		values[1] = TimestampTzGetDatum(now);
		values[2] = Int64GetDatum((int64) max_api_keys_per_user);
		if (SPI_execute_plan(plan, values, NULL, true, 1) != SPI_OK_SELECT)
			elog(ERROR, "could not count session tokens");
		active = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
		if (active >= max_api_keys_per_user)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("too many session tokens for user \"%s\"", ref.username),
					 errdetail("A user may hold at most %d unexpired session tokens (members.max_api_keys_per_user).",
							   max_api_keys_per_user),
					 errhint("Wait for a token to expire or delete one from members.api_keys.")));
	}

	random_token_chars(token, MEMBERS_APIKEY_ID_LEN);
	token[MEMBERS_APIKEY_ID_LEN] = '-';
	random_token_chars(token + MEMBERS_APIKEY_ID_LEN + 1, MEMBERS_APIKEY_SECRET_LEN);
	token[MEMBERS_APIKEY_TOKEN_LEN] = '\0';
	sha256_bytes(token + MEMBERS_APIKEY_ID_LEN + 1, MEMBERS_APIKEY_SECRET_LEN, digest);

	hashed = (bytea *) palloc(VARHDRSZ + PG_SHA256_DIGEST_LENGTH);
	SET_VARSIZE(hashed, VARHDRSZ + PG_SHA256_DIGEST_LENGTH);
	memcpy(VARDATA(hashed), digest, PG_SHA256_DIGEST_LENGTH);
	explicit_bzero(digest, sizeof(digest));

	{
		Oid			argtypes[5] = {TEXTOID, BYTEAOID, UUIDOID, INT8OID, TIMESTAMPTZOID};
		Datum		values[5];

		plan = members_plan(&plan_insert_key,
							"INSERT INTO members.api_keys "
							"(id, hashed_secret, user_id, lifetime_seconds, expires_at) "
							"VALUES ($1, $2, $3, $4, $5)",
							5, argtypes);
		values[0] = PointerGetDatum(cstring_to_text_with_len(token, MEMBERS_APIKEY_ID_LEN));
		values[1] = PointerGetDatum(hashed);
		values[2] = UUIDPGetDatum(&ref.id);
		values[3] = Int64GetDatum(span / USECS_PER_SEC);
		values[4] = TimestampTzGetDatum(expires_at);
		if (SPI_execute_plan(plan, values, NULL, false, 0) != SPI_OK_INSERT)
			elog(ERROR, "could not insert session token");
	}

	members_call_end(&c);

	result = cstring_to_text_with_len(token, MEMBERS_APIKEY_TOKEN_LEN);
	explicit_bzero(token, sizeof(token));
	PG_RETURN_TEXT_P(result);
}

/*
 * Raise 28000 for a refused token; detail is Coder's reason, word for word
 * (the HTTP layer shows it under Coder's "You are signed out ..." message).
 */
static void refuse_token(const char *msg, const char *detail) pg_attribute_noreturn();

static void
refuse_token(const char *msg, const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
			 errmsg("%s", msg),
			 errdetail("%s", detail)));
}

/*
 * Go's time.Time.String() of a UTC instant, as Coder prints expiry times:
 * "2006-01-02 15:04:05.999999999 +0000 UTC" (fraction without trailing
 * zeros, omitted when zero).
 */
static char *
go_time_string(TimestampTz ts)
{
	struct pg_tm tm;
	fsec_t		fsec;
	StringInfoData buf;

	if (timestamp2tm(ts, NULL, &tm, &fsec, NULL, NULL) != 0)
		return pstrdup("(out of range)");
	initStringInfo(&buf);
	appendStringInfo(&buf, "%04d-%02d-%02d %02d:%02d:%02d",
					 tm.tm_year, tm.tm_mon, tm.tm_mday,
					 tm.tm_hour, tm.tm_min, tm.tm_sec);
	members_append_go_fraction(&buf, fsec);
	appendStringInfoString(&buf, " +0000 UTC");
	return buf.data;
}

/* Has this backend handed key_id's use to a worker in the last minute? */
static bool
touch_recently_requested(const char *key_id, TimestampTz now)
{
	for (int i = 0; i < TOUCH_MEMO_SIZE; i++)
		if (touch_memo[i].at != 0 &&
			strcmp(touch_memo[i].key_id, key_id) == 0 &&
			now - touch_memo[i].at < (int64) TOUCH_MEMO_SECS * USECS_PER_SEC &&
			now >= touch_memo[i].at)
			return true;
	return false;
}

/* Remember that key_id's use was handed to a worker at now. */
static void
touch_remember(const char *key_id, TimestampTz now)
{
	TouchMemo  *m = &touch_memo[touch_memo_next];

	strlcpy(m->key_id, key_id, sizeof(m->key_id));
	m->at = now;
	touch_memo_next = (touch_memo_next + 1) % TOUCH_MEMO_SIZE;
}

/*
 * Record that key_id (of user_id) was used at used_at, and that its user
 * was seen then, unless last_used is already that recent or another
 * transaction holds the key's or the user's row (never waits).
 * The one statement for both the request's transaction and the worker.
 * Connected to SPI as the owner.
 */
static void
record_use(const char *key_id, const pg_uuid_t *user_id, TimestampTz used_at)
{
	Oid			argtypes[2] = {TEXTOID, TIMESTAMPTZOID};
	Datum		values[2];
	SPIPlanPtr	plan;

	/*
	 * With the key's last_used, its user's last_seen_at and updated_at, as
	 * Coder's API-key middleware does (coderd/httpmw/apikey.go: the key
	 * update, then UpdateUserLastSeenAt).
	 */
	plan = members_plan(&plan_touch_key,
						"WITH k AS (UPDATE members.api_keys k SET last_used = $2 "
						"WHERE k.id OPERATOR(pg_catalog.=) ("
						"  SELECT s.id FROM members.api_keys s "
						"  WHERE s.id OPERATOR(pg_catalog.=) $1 "
						"  AND s.last_used OPERATOR(pg_catalog.<) $2 "
						"  FOR UPDATE SKIP LOCKED) RETURNING k.user_id) "
						"UPDATE members.users u SET last_seen_at = $2, updated_at = $2 "
						"WHERE u.id OPERATOR(pg_catalog.=) ("
						"  SELECT s.id FROM members.users s JOIN k "
						"  ON s.id OPERATOR(pg_catalog.=) k.user_id "
						"  WHERE s.last_seen_at OPERATOR(pg_catalog.<) $2 "
						"  FOR UPDATE OF s SKIP LOCKED)",
						2, argtypes);
	values[0] = CStringGetTextDatum(key_id);
	values[1] = TimestampTzGetDatum(used_at);
	if (SPI_execute_plan(plan, values, NULL, false, 0) != SPI_OK_UPDATE)
		elog(ERROR, "could not record session token use");
}

/*
 * Queue the use of key_id at used_at for the worker (read-only
 * transactions); give up quietly when the queue has no room (a later
 * request records it).
 */
static void
touch_in_background(const char *key_id, const pg_uuid_t *user_id, TimestampTz used_at)
{
	TouchRequest req;
	char		why[MEMBERS_WORK_WHY_LEN];

	if (touch_recently_requested(key_id, used_at))
		return;

	memset(&req, 0, sizeof(req));
	strlcpy(req.key_id, key_id, sizeof(req.key_id));
	req.user_id = *user_id;
	req.used_at = used_at;
	if (members_worker_submit(MEMBERS_WORK_TOUCH, &req, sizeof(req), false, why) ==
		MEMBERS_WORK_NOT_QUEUED)
		ereport(DEBUG1,
				(errmsg("use of session token %s not recorded: %s", key_id, why)));
	else
		touch_remember(key_id, used_at);
}

/* See apikey.h. */
void
members_apikey_apply_queued(const char *payload, Size len)
{
	TouchRequest req;

	if (len != sizeof(req))
		elog(ERROR, "malformed queued session token use");
	memcpy(&req, payload, sizeof(req));
	req.key_id[MEMBERS_APIKEY_ID_LEN] = '\0';
	record_use(req.key_id, &req.user_id, req.used_at);
}

/* See apikey.h. */
void
members_apikey_init(void)
{
	DefineCustomIntVariable("members.max_api_keys_per_user",
							"The most unexpired session tokens one user may hold.",
							"members.create_api_key refuses to create more (22023).",
							&max_api_keys_per_user,
							1000, 1, 1000000,
							PGC_SUSET, 0,
							NULL, NULL, NULL);
}

/* See apikey.h. */
void
members_apikey_authenticate(const char *token, pg_uuid_t *user_id)
{
	const char *dash;
	int			parts = 1;
	int			id_len;
	int			secret_len;
	char		key_id[MEMBERS_APIKEY_ID_LEN + 1];
	uint8		digest[PG_SHA256_DIGEST_LENGTH];
	MembersUserSwitch sw;
	SPIPlanPtr	plan;
	HeapTuple	row;
	TupleDesc	desc;
	bool		isnull;
	bytea	   *stored;
	TimestampTz now = GetCurrentTransactionStartTimestamp();
	TimestampTz expires_at;
	TimestampTz last_used;
	char	   *status;
	bool		deleted;
	bool		secret_ok;

	if (token == NULL || token[0] == '\0')
		refuse_token("no session token",
					 "Cookie \"coder_session_token\" or query parameter must be provided.");

	/* Coder's SplitAPIToken: exactly two parts of 10 and 22 characters */
	for (const char *p = token; *p; p++)
		if (*p == '-')
			parts++;
	if (parts != 2)
		refuse_token("malformed session token",
					 psprintf("Invalid API key format: incorrect amount of API key parts, expected 2 got %d",
							  parts));
	dash = strchr(token, '-');
	id_len = dash - token;
	secret_len = strlen(dash + 1);
	if (id_len != MEMBERS_APIKEY_ID_LEN)
		refuse_token("malformed session token",
					 psprintf("Invalid API key format: invalid API key ID length, expected %d got %d",
							  MEMBERS_APIKEY_ID_LEN, id_len));
	if (secret_len != MEMBERS_APIKEY_SECRET_LEN)
		refuse_token("malformed session token",
					 psprintf("Invalid API key format: invalid API key secret length, expected %d got %d",
							  MEMBERS_APIKEY_SECRET_LEN, secret_len));
	memcpy(key_id, token, MEMBERS_APIKEY_ID_LEN);
	key_id[MEMBERS_APIKEY_ID_LEN] = '\0';
	sha256_bytes(dash + 1, secret_len, digest);

	SPI_connect();
	members_become_owner(&sw);

	{
		Oid			argtypes[1] = {TEXTOID};
		Datum		values[1];

		plan = members_plan(&plan_lookup_key,
							"SELECT k.hashed_secret, k.user_id, k.expires_at, k.last_used, "
							"u.status, u.deleted "
							"FROM members.api_keys k JOIN members.users u "
							"ON u.id OPERATOR(pg_catalog.=) k.user_id "
							"WHERE k.id OPERATOR(pg_catalog.=) $1",
							1, argtypes);
		values[0] = CStringGetTextDatum(key_id);
		if (SPI_execute_plan(plan, values, NULL, true, 1) != SPI_OK_SELECT)
			elog(ERROR, "could not look up session token");
	}
	if (SPI_processed == 0)
		refuse_token("unknown session token", "API key is invalid.");

	row = SPI_tuptable->vals[0];
	desc = SPI_tuptable->tupdesc;
	stored = DatumGetByteaPP(members_col_datum(row, desc, "hashed_secret", &isnull));
	secret_ok = !isnull &&
		VARSIZE_ANY_EXHDR(stored) == PG_SHA256_DIGEST_LENGTH &&
		equal_constant_time((const uint8 *) VARDATA_ANY(stored), digest,
							PG_SHA256_DIGEST_LENGTH);
	explicit_bzero(digest, sizeof(digest));
	if (!secret_ok)
		refuse_token("invalid session token", "API key secret is invalid.");

	*user_id = members_col_uuid(row, desc, "user_id");
	expires_at = members_col_timestamptz(row, desc, "expires_at");
	last_used = members_col_timestamptz(row, desc, "last_used");
	status = members_col_text(row, desc, "status");
	deleted = members_col_bool(row, desc, "deleted");

	/* Coder deletes the keys of a deleted user: the key is unknown. */
	if (deleted)
		refuse_token("unknown session token", "API key is invalid.");
	if (expires_at < now)
		refuse_token("session token expired",
					 psprintf("API key expired at \"%s\".", go_time_string(expires_at)));
	if (strcmp(status, "active") != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
				 errmsg("user is not active (status = \"%s\")", status),
				 errdetail("Contact an admin to reactivate your account.")));

	/* record the use, at most once an hour */
	if (now - last_used > (int64) MEMBERS_APIKEY_LAST_USED_INTERVAL_SECS * USECS_PER_SEC &&
		!RecoveryInProgress())
	{
		if (!XactReadOnly)
			record_use(key_id, user_id, now);
		else
			touch_in_background(key_id, user_id, now);
	}

	members_restore_user(&sw);
	SPI_finish();
}

/*
 * SQL: members.authenticate_api_key(token text) returns uuid.  The user a
 * session token acts for, or 28000 with Coder's reason in errdetail.
 */
Datum
members_authenticate_api_key(PG_FUNCTION_ARGS)
{
	pg_uuid_t  *result = palloc(sizeof(pg_uuid_t));
	char	   *token = members_text_arg_or(fcinfo, 0, NULL);

	members_apikey_authenticate(token, result);
	if (token != NULL)
		explicit_bzero(token, strlen(token));
	PG_RETURN_UUID_P(result);
}

/* Forget the HTTP actor when the transaction ends. */
static void
http_actor_xact_callback(XactEvent event, void *arg)
{
	switch (event)
	{
		case XACT_EVENT_COMMIT:
		case XACT_EVENT_ABORT:
		case XACT_EVENT_PARALLEL_COMMIT:
		case XACT_EVENT_PARALLEL_ABORT:
		case XACT_EVENT_PREPARE:
			http_actor_lxid = InvalidLocalTransactionId;
			break;
		default:
			break;
	}
}

/*
 * SQL: members.http_establish_actor(user_id uuid) returns void.  Set
 * members.actor for the transaction, with the caller's privileges (so the
 * caller must be trusted: members_api.authenticate runs as the extension
 * owner), and remember that the HTTP layer established it.
 */
Datum
members_http_establish_actor(PG_FUNCTION_ARGS)
{
	pg_uuid_t  *id;
	char		buf[37];

	members_require_arg(fcinfo, 0, "user_id");
	id = PG_GETARG_UUID_P(0);
	members_uuid_to_cstring(id, buf);

	/* as set_config('members.actor', buf, true) would: the check hook decides */
	(void) set_config_option("members.actor", buf,
							 superuser() ? PGC_SUSET : PGC_USERSET,
							 PGC_S_SESSION, GUC_ACTION_LOCAL, true, 0, false);

	if (!http_xact_callback_registered)
	{
		RegisterXactCallback(http_actor_xact_callback, NULL);
		http_xact_callback_registered = true;
	}
	http_actor_id = *id;
	http_actor_lxid = MyProc->lxid;
	PG_RETURN_VOID();
}

/*
 * SQL: members.http_require_actor() returns void.  Raise 28000 unless
 * members.actor holds the user that members.http_establish_actor set in
 * this very transaction.  The members_api adapters run as the extension
 * owner, so they must not trust members.actor alone: a value set before
 * the library was loaded is only checked at load time, against whoever
 * loads it, and inside a SECURITY DEFINER adapter that is the owner.
 */
Datum
members_http_require_actor(PG_FUNCTION_ARGS)
{
	pg_uuid_t	current;

	if (http_actor_lxid == InvalidLocalTransactionId ||
		http_actor_lxid != MyProc->lxid ||
		!members_actor_setting(&current) ||
		memcmp(&current, &http_actor_id, sizeof(pg_uuid_t)) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
				 errmsg("no authenticated acting user"),
				 errdetail("Cookie \"coder_session_token\" or query parameter must be provided.")));
	PG_RETURN_VOID();
}
