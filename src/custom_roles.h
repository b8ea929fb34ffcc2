/*-------------------------------------------------------------------------
 *
 * custom_roles.h
 *		Custom organization roles: members.insert_custom_role,
 *		members.update_custom_role and members.delete_custom_role (Coder's
 *		POST, PUT and DELETE /organizations/{organization}/members/roles,
 *		docs/coder-behaviour.md 6).
 *
 * The three functions are SQL-callable only (fmgr V1).
 *
 * IDENTIFICATION
 *		src/custom_roles.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef MEMBERS_CUSTOM_ROLES_H
#define MEMBERS_CUSTOM_ROLES_H

#include "fmgr.h"

/* Audit resource type of a custom role (docs/coder-behaviour.md 9). */
#define MEMBERS_AUDIT_RESOURCE_CUSTOM_ROLE "custom_role"

/* SQL: members.insert_custom_role(organization text, role jsonb) -> jsonb */
extern Datum members_insert_custom_role(PG_FUNCTION_ARGS);

/* SQL: members.update_custom_role(organization text, role jsonb) -> jsonb */
extern Datum members_update_custom_role(PG_FUNCTION_ARGS);

/*
 * SQL: members.delete_custom_role(organization text, role_name text) -> void
 */
extern Datum members_delete_custom_role(PG_FUNCTION_ARGS);

#endif							/* MEMBERS_CUSTOM_ROLES_H */
