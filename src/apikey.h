/*-------------------------------------------------------------------------
 *
 * apikey.h
 *		Session tokens in Coder's format: creating them, and checking a
 *		presented token (the HTTP pre-request's work).
 *
 * A token is "<id>-<secret>": a 10-character id and a 22-character secret,
 * both from [a-zA-Z0-9], drawn with pg_strong_random.  members.api_keys
 * keeps the id, the SHA-256 of the secret, the owner, the lifetime and
 * last_used; the secret itself is shown once and never stored.
 *
 * IDENTIFICATION
 *		src/apikey.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef MEMBERS_APIKEY_H
#define MEMBERS_APIKEY_H

#include "fmgr.h"
#include "utils/uuid.h"

#define MEMBERS_APIKEY_ID_LEN		10
#define MEMBERS_APIKEY_SECRET_LEN	22
/* "<id>-<secret>" */
#define MEMBERS_APIKEY_TOKEN_LEN	(MEMBERS_APIKEY_ID_LEN + 1 + MEMBERS_APIKEY_SECRET_LEN)

/* The longest lifetime members.create_api_key accepts. */
#define MEMBERS_APIKEY_MAX_LIFETIME_DAYS 365

/*
 * last_used is written at most once per this many seconds per token (as
 * Coder does: "only update LastUsed once an hour").
 */
#define MEMBERS_APIKEY_LAST_USED_INTERVAL_SECS 3600

/*
 * Check a presented token and return the id of the user it acts for, or
 * raise 28000 (Coder's reasons in errdetail): missing, malformed, unknown
 * id, wrong secret, expired, deleted user; a user who is not active gets
 * 28000 "user is not active".  Records the use in last_used (see apikey.c
 * for how, in read-only transactions too).  Must not be connected to SPI.
 */
extern void members_apikey_authenticate(const char *token, pg_uuid_t *user_id);

/*
 * Record one use queued by a read-only transaction (in the worker's
 * transaction, as the owner, connected to SPI); raises on failure.
 */
extern void members_apikey_apply_queued(const char *payload, Size len);

/* Register members.max_api_keys_per_user; called from _PG_init. */
extern void members_apikey_init(void);

#endif							/* MEMBERS_APIKEY_H */
