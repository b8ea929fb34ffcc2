/*-------------------------------------------------------------------------
 *
 * member_rows.h
 *		An organization's members read by index scans, without SPI, for the
 *		listings of small organizations.
 *
 * members.organization_members and members.paginated_organization_members
 * read an organization of at most a few hundred memberships with this: its
 * memberships through organization_members_pkey, each user through
 * users_pkey, under the calling statement's snapshot (what their SPI query
 * would see), sorted here into the listing order.  It answers the same rows
 * in the same order as the listings' SPI query (MEMBER_SELECT MEMBER_ORDER in
 * endpoints_read.c), without the executor's per-call start, hash, sort and
 * copies; larger organizations keep that query.
 *
 * IDENTIFICATION
 *		src/member_rows.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef MEMBERS_MEMBER_ROWS_H
#define MEMBERS_MEMBER_ROWS_H

#include "utils/uuid.h"

#include "coder_json.h"

/*
 * Read the members of organization org_id whose users are not deleted, in
 * the listing order: lower(username) in the username column's collation,
 * then user id (docs/read-endpoints.md).  Sets *n and returns the array
 * (allocated in the current memory context), or returns NULL, having read
 * at most max + 1 memberships, when the organization has more than max
 * memberships (of deleted users too) or an index the scans need is missing:
 * the caller then uses its query.  The caller runs as the extension owner
 * (it reads the tables without privilege checks, as the owner may).
 */
extern MembersMemberValues *members_member_rows_read(const pg_uuid_t *org_id,
													 int max, int *n);

/*
 * The names and display names of organization org_id's custom roles, sorted
 * by name bytewise (the order of ORDER BY name COLLATE "C"), read through
 * custom_roles_name_org_idx under the active snapshot, as a read-only SPI
 * query would see them; allocated in the current memory context.  False,
 * having read nothing, when that index is missing.
 */
extern bool members_custom_role_names_read(const pg_uuid_t *org_id, int *n,
										   char ***names, char ***display_names);

#endif							/* MEMBERS_MEMBER_ROWS_H */
