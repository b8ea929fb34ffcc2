/*==== section: read endpoints (src/endpoints_read.c) ====*/

/*
 * GET endpoints of Coder's members API.  STABLE (they only read, and each
 * sees one snapshot), not STRICT (a NULL organization is "must be
 * provided", NULL limit/offset are 0).  They run their queries as the
 * extension owner after checking the actor, so callers need only EXECUTE.
 */
CREATE FUNCTION @extschema@.organization_members(organization text) RETURNS jsonb
	AS 'MODULE_PATHNAME', 'members_organization_members'
	LANGUAGE C STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.organization_members(text) IS
	'GET /organizations/{organization}/members: JSON array of OrganizationMemberWithUserData ordered by lower(username); deleted users hidden, members the actor may not read silently left out.';

CREATE FUNCTION @extschema@.paginated_organization_members(
	organization text,
	"limit" integer DEFAULT 0,
	"offset" integer DEFAULT 0) RETURNS jsonb
	AS 'MODULE_PATHNAME', 'members_paginated_organization_members'
	LANGUAGE C STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.paginated_organization_members(text, integer, integer) IS
	'GET /organizations/{organization}/paginated-members: {"members": [...], "count": total} ordered by lower(username); limit 0 = all; needs read on every member of the organization (else P0002); negative limit or offset: 22023.';

CREATE FUNCTION @extschema@.organization_roles(organization text) RETURNS jsonb
	AS 'MODULE_PATHNAME', 'members_organization_roles'
	LANGUAGE C STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.organization_roles(text) IS
	'GET /organizations/{organization}/members/roles: the organization''s built-in roles by name, then its custom roles by name, as AssignableRoles (Role fields plus assignable and built_in); needs read on assign_org_role in the organization (else P0002).';

CREATE FUNCTION @extschema@.site_roles() RETURNS jsonb
	AS 'MODULE_PATHNAME', 'members_site_roles'
	LANGUAGE C STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.site_roles() IS
	'GET /users/roles: the site built-in roles auditor, owner, template-admin and user-admin (by name), as AssignableRoles; needs read on assign_role (else 42501).';

/*==== end of section: read endpoints ====*/

/*==== section: write endpoints (src/endpoints_write.c, src/audit.c) ====*/
/*
 * Members (src/endpoints_write.c): Coder's POST, DELETE
 * /organizations/{organization}/members/{user}, PUT .../{user}/roles and
 * PUT /users/{user}/roles.  Not STRICT: a NULL path value is an empty one
 * (22023), NULL roles are an invalid body (22023).  Each writes one
 * members.audit_log row (src/audit.c).
 */
CREATE FUNCTION @extschema@.add_organization_member(organization text, "user" text) RETURNS jsonb
	AS 'MODULE_PATHNAME', 'members_add_organization_member'
	LANGUAGE C VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.add_organization_member(text, text) IS
	'POST /organizations/{organization}/members/{user}: add the user (uuid, username or me; the actor must be able to read it) as a member with no roles; returns the OrganizationMember object. Needs assign on assign_org_role and create on organization_member in the organization (else P0002); already a member: 23505. Audited (create) on success only.';

CREATE FUNCTION @extschema@.remove_organization_member(organization text, "user" text) RETURNS void
	AS 'MODULE_PATHNAME', 'members_remove_organization_member'
	LANGUAGE C VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.remove_organization_member(text, text) IS
	'DELETE /organizations/{organization}/members/{user}: remove a member (204). Not a member or not readable: P0002; removing yourself: 22023; needs delete on the member (else P0002). Audited (delete), refusals included.';

CREATE FUNCTION @extschema@.update_organization_member_roles(organization text, "user" text, roles text[]) RETURNS jsonb
	AS 'MODULE_PATHNAME', 'members_update_organization_member_roles'
	LANGUAGE C VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.update_organization_member_roles(text, text, text[]) IS
	'PUT /organizations/{organization}/members/{user}/roles: replace a member''s organization roles (bare names, lower-cased, de-duplicated); returns the OrganizationMember object. Yourself, unknown role, name:org suffix, role the static table refuses: 22023; missing assign/unassign: 42501; not a member: P0002. Audited (write), refusals included.';

CREATE FUNCTION @extschema@.update_user_site_roles("user" text, roles text[]) RETURNS jsonb
	AS 'MODULE_PATHNAME', 'members_update_user_site_roles'
	LANGUAGE C VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.update_user_site_roles(text, text[]) IS
	'PUT /users/{user}/roles: replace a user''s site roles (lower-cased, de-duplicated; member is implied); returns the User object. User not readable: P0002; yourself, unknown role, role the static table refuses: 22023; missing assign/unassign on assign_role: 42501. Audited (write), refusals included.';

CREATE FUNCTION @extschema@.audit_log_entries(organization text DEFAULT NULL, "limit" integer DEFAULT 100) RETURNS jsonb
	AS 'MODULE_PATHNAME', 'members_audit_log_entries'
	LANGUAGE C STABLE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.audit_log_entries(text, integer) IS
	'Audit rows, newest first (time, then id, descending), as a JSON array; "limit" 0 = all. Without an organization needs site-wide read on audit_log (owner, auditor); with one, read on audit_log in it (also organization-admin, organization-auditor); else 42501.';

/*
 * Custom organization roles (src/custom_roles.c): Coder's POST, PUT and
 * DELETE /organizations/{organization}/members/roles.  Not STRICT: a NULL
 * body is an empty body (400), a NULL role name an empty one.
 */
CREATE FUNCTION @extschema@.insert_custom_role(organization text, role jsonb) RETURNS jsonb
	AS 'MODULE_PATHNAME', 'members_insert_custom_role'
	LANGUAGE C VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.insert_custom_role(text, jsonb) IS
	'POST /organizations/{organization}/members/roles: create a custom role from a CustomRoleRequest body (name lower-cased; organization_permissions only, each one the actor itself holds in the organization, no negatives or wildcards); returns the Role object. Needs create on assign_org_role in the organization (else P0002); invalid input 22023, name taken 23505.';

CREATE FUNCTION @extschema@.update_custom_role(organization text, role jsonb) RETURNS jsonb
	AS 'MODULE_PATHNAME', 'members_update_custom_role'
	LANGUAGE C VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.update_custom_role(text, jsonb) IS
	'PUT /organizations/{organization}/members/roles: replace the display name and permissions of the existing custom role named in the body (no upsert; omitted lists become empty), with the same rules as insert_custom_role; returns the Role object. Needs update on assign_org_role in the organization; unknown role or refused: P0002.';

CREATE FUNCTION @extschema@.delete_custom_role(organization text, role_name text) RETURNS void
	AS 'MODULE_PATHNAME', 'members_delete_custom_role'
	LANGUAGE C VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.delete_custom_role(text, text) IS
	'DELETE /organizations/{organization}/members/roles/{roleName}: delete a custom role (name case-insensitive) and remove it from every member of the organization in the same statement. Unknown role: P0002; needs delete on assign_org_role in the organization (else 42501); reserved or invalid name: 22023.';

/*==== end of section: write endpoints ====*/
