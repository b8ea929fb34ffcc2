/*-------------------------------------------------------------------------
 *
 * http.h
 *		Settings and request helpers of the HTTP layer (members_api, served
 *		by PostgREST).
 *
 * IDENTIFICATION
 *		src/http.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef MEMBERS_HTTP_H
#define MEMBERS_HTTP_H

/* Define members.http_trust_jwt; called from _PG_init. */
extern void members_http_init(void);

#endif							/* MEMBERS_HTTP_H */
