/*==== section: authorized listings (src/rls_support.c, docs/rls-index.md) ====*/

CREATE FUNCTION @extschema@.authorized_organizations(action text, resource_type text)
	RETURNS uuid[]
	AS 'MODULE_PATHNAME', 'members_authorized_organizations'
	LANGUAGE C STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.authorized_organizations(text, text) IS
	'The organizations where the current actor may do action on objects of resource_type (org-level +1, or member-level +1 on objects the actor owns), sorted. NULL when every object is allowed (the system, or a site-level permission): test IS NULL before using the array. ''{}'' when none is. Objects without an organization are not covered (only the site or user level can allow them).';

/*
 * The planner support function of authorize: estimates, and a lossy index
 * condition organization_id = ANY(<the actor's organizations>) that the
 * MembersListing custom scan fills at execution (docs/rls-index.md).
 */
CREATE FUNCTION @extschema@.authorize_support(internal) RETURNS internal
	AS 'MODULE_PATHNAME', 'members_authorize_support'
	LANGUAGE C STABLE STRICT PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.authorize_support(internal) IS
	'Planner support of members.authorize: selectivity and cost estimates, and the organization index condition of the MembersListing scan.';
ALTER FUNCTION @extschema@.authorize(text, text, uuid, uuid, boolean)
	SUPPORT @extschema@.authorize_support;

/*==== end of section: authorized listings ====*/
