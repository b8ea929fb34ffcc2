/*-------------------------------------------------------------------------
 *
 * bootstrap.h
 *		Creating organizations and users, and their Coder JSON shapes.
 *
 * IDENTIFICATION
 *		src/bootstrap.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef MEMBERS_BOOTSTRAP_H
#define MEMBERS_BOOTSTRAP_H

#include "executor/spi.h"
#include "lib/stringinfo.h"
#include "utils/uuid.h"

/*
 * Append Coder's Organization object (plus workspace_sharing_disabled) for
 * an organizations row from SPI.
 */
extern void members_organization_json(StringInfo buf, HeapTuple row, TupleDesc desc);

/*
 * Append Coder's User object for the user with this id (must be connected
 * to SPI as the owner).  Raises P0002 if there is no such user.  read_only
 * false makes rows written earlier in the same function visible.
 */
extern void members_user_json(StringInfo buf, const pg_uuid_t *user_id,
							  bool read_only);

/*
 * Append a JSON array of SlimRoles for role names; org_id NULL means site
 * roles (organization_id omitted).
 */
extern void members_slim_roles_json(StringInfo buf, char **names, int n,
									const pg_uuid_t *org_id);

#endif							/* MEMBERS_BOOTSTRAP_H */
