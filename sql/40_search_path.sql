-- Hostile callers, part 1: search_path.  A role that owns a schema put
-- first on search_path, full of look-alike tables, functions, operators,
-- domains and a collation, and that creates temporary look-alikes too,
-- calls every members.* function (and the members_api adapters).  Each
-- answer must equal the answer under a clean search_path, cold (a fresh
-- session, so every SPI plan is prepared under the hostile search_path,
-- and an emptied subject cache) and warm, and no hostile object may ever
-- run: each one records its call, with current_user, in a log table and a
-- non-transactional sequence, and raises a WARNING.
--
-- Sessions (\c): postgres sets up; members_app (member of the service
-- role, owner of schema hostile) runs the same battery of calls with a
-- clean search_path, with "hostile, pg_catalog" (cold, then warm), with
-- "pg_temp, hostile, pg_catalog" and temporary look-alikes (cold, then
-- warm), and with plans prepared clean and then called hostile; postgres
-- compares.
\set VERBOSITY default

---------------------------------------------------------------------------
-- Fixtures (fixed ids, prefix 40)
---------------------------------------------------------------------------
\set org      '''40a00000-0000-4000-8000-000000000001'''
\set auditorg '''40a00000-0000-4000-8000-000000000002'''
\set owner    '''40b00000-0000-4000-8000-000000000001'''
\set admin    '''40b00000-0000-4000-8000-000000000002'''
\set member   '''40b00000-0000-4000-8000-000000000003'''
\set t1       '''40b00000-0000-4000-8000-000000000004'''
\set t2       '''40b00000-0000-4000-8000-000000000005'''
\set outsider '''40b00000-0000-4000-8000-000000000006'''

INSERT INTO members.organizations (id, name, display_name) VALUES
	(:org, 'sp-org', 'SP Org'),
	(:auditorg, 'sp-audit', 'SP Audit');
INSERT INTO members.users (id, username, email, rbac_roles) VALUES
	(:owner, 'sp-owner', 'owner@sp.example', '{owner}'),
	(:admin, 'sp-admin', 'admin@sp.example', '{}'),
	(:member, 'sp-member', 'member@sp.example', '{}'),
	(:t1, 'sp-t1', 't1@sp.example', '{}'),
	(:t2, 'SP-T2', 't2@sp.example', '{auditor}'),
	(:outsider, 'sp-outsider', 'outsider@sp.example', '{}');
INSERT INTO members.custom_roles (id, name, display_name, organization_id, org_permissions) VALUES
	('40c00000-0000-4000-8000-000000000001', 'sp-reviewer', 'Reviewer', :org,
	 '[{"negate": false, "resource_type": "template", "action": "read"}]'),
	('40c00000-0000-4000-8000-000000000002', 'r9', 'R9', :org,
	 '[{"negate": false, "resource_type": "workspace", "action": "read"}]'),
	('40c00000-0000-4000-8000-000000000003', 'r10', 'R10', :org, '[]');
INSERT INTO members.organization_members (organization_id, user_id, roles) VALUES
	(:org, :owner, '{}'),
	(:org, :admin, '{organization-admin}'),
	(:org, :member, '{}'),
	(:org, :t1, '{sp-reviewer,r9}'),
	(:org, :t2, '{r10}'),
	(:auditorg, :owner, '{}');
-- audit rows of an organization the battery never changes (refused
-- attempts in the battery add committed rows elsewhere)
INSERT INTO members.audit_log (id, "time", user_id, organization_id, action, resource_type,
	resource_id, resource_target, diff, status_code) VALUES
	('40d00000-0000-4000-8000-000000000001', '2025-02-01 10:00:00+00', :owner, :auditorg,
	 'create', 'organization_member', :owner, 'sp-owner', '{}', 200),
	('40d00000-0000-4000-8000-000000000002', '2025-02-01 11:00:00+00', NULL, :auditorg,
	 'write', 'organization_member', :owner, 'sp-owner', '{"roles": {"old": [], "new": []}}', 200);
-- a session token of sp-member: SPkey00001-abcdefghijklmnopqrstuv
INSERT INTO members.api_keys (id, hashed_secret, user_id, lifetime_seconds, last_used, expires_at) VALUES
	('SPkey00001', sha256('abcdefghijklmnopqrstuv'::bytea), :member, 86400,
	 now(), now() + interval '1 day');

---------------------------------------------------------------------------
-- The battery and its runner (schema sp, owned by postgres)
---------------------------------------------------------------------------
CREATE SCHEMA sp;
CREATE TABLE sp.battery (
	ord integer PRIMARY KEY,
	k text NOT NULL,
	actor uuid,				-- NULL: members_app acts as the system
	headers text,			-- request.headers for the members_api adapters
	stmt text NOT NULL);
CREATE TABLE sp.got (
	run text NOT NULL,
	ord integer NOT NULL,
	sqlstate text NOT NULL,
	result text,
	PRIMARY KEY (run, ord));

-- The runner resolves no name through search_path itself (every type,
-- function and operator qualified), so that only the members functions
-- meet the hostile search_path.  Each call runs in a subtransaction that is
-- rolled back, so every run starts from the same data.
CREATE FUNCTION sp.run_battery(run pg_catalog.text) RETURNS pg_catalog.int4
LANGUAGE plpgsql AS $$
DECLARE
	r record;
	res pg_catalog.text;
	st pg_catalog.text;
	n pg_catalog.int4 := 0;
BEGIN
	FOR r IN SELECT b.ord, b.actor, b.headers, b.stmt FROM sp.battery b ORDER BY b.ord LOOP
		res := NULL;
		st := NULL;
		BEGIN
			PERFORM pg_catalog.set_config('members.actor',
				CASE WHEN r.actor IS NULL THEN '' ELSE pg_catalog.uuid_out(r.actor)::pg_catalog.text END, true);
			IF r.headers IS NOT NULL THEN
				PERFORM pg_catalog.set_config('request.headers', r.headers, true);
			END IF;
			EXECUTE r.stmt INTO res;
			st := '00000';
			RAISE SQLSTATE 'SP000';
		EXCEPTION WHEN OTHERS THEN
			IF st IS NULL THEN
				GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE;
			END IF;
		END;
		INSERT INTO sp.got (run, ord, sqlstate, result) VALUES (run, r.ord, st, res);
		n := n OPERATOR(pg_catalog.+) 1;
	END LOOP;
	RETURN n;
END
$$;

-- Every members.* function and a sample of the members_api adapters, as
-- several actors; successes and refusals.  "cache" steps empty the subject
-- cache so that the next check is cold; the same check follows warm.
INSERT INTO sp.battery (ord, k, actor, headers, stmt) VALUES
	(1, 'current_actor (system)', NULL, NULL, $s$SELECT members.current_actor()$s$),
	(2, 'current_actor', :member, NULL, $s$SELECT members.current_actor()$s$),
	(3, 'new_id is a v4 uuid', NULL, NULL, $s$SELECT pg_catalog.substr(pg_catalog.uuid_out(members.new_id())::pg_catalog.text, 15, 1)$s$),
	(4, 'cache: clear', NULL, NULL, $s$SELECT members.subject_cache_clear()$s$),
	(5, 'authorize cold', :member, NULL, $s$SELECT members.authorize('read', 'organization_member', '40a00000-0000-4000-8000-000000000001')$s$),
	(6, 'authorize warm', :member, NULL, $s$SELECT members.authorize('read', 'organization_member', '40a00000-0000-4000-8000-000000000001')$s$),
	(7, 'authorize denied', :member, NULL, $s$SELECT members.authorize('delete', 'organization', '40a00000-0000-4000-8000-000000000001')$s$),
	(8, 'authorize org admin', :admin, NULL, $s$SELECT members.authorize('update', 'organization_member', '40a00000-0000-4000-8000-000000000001', '40b00000-0000-4000-8000-000000000004')$s$),
	(9, 'authorize custom role', :t1, NULL, $s$SELECT members.authorize('read', 'template', '40a00000-0000-4000-8000-000000000001')$s$),
	(10, 'authorize any_org', :owner, NULL, $s$SELECT members.authorize('read', 'workspace', NULL, NULL, true)$s$),
	(11, 'authorize owner-scoped', :member, NULL, $s$SELECT members.authorize('read', 'workspace', '40a00000-0000-4000-8000-000000000001', '40b00000-0000-4000-8000-000000000003')$s$),
	(12, 'authorize unknown type', :member, NULL, $s$SELECT members.authorize('read', 'no-such-type')$s$),
	(13, 'authorize system', NULL, NULL, $s$SELECT members.authorize('delete', 'organization', '40a00000-0000-4000-8000-000000000001')$s$),
	(14, 'cache: clear', NULL, NULL, $s$SELECT members.subject_cache_clear()$s$),
	(15, 'authorize_user cold', NULL, NULL, $s$SELECT members.authorize_user('40b00000-0000-4000-8000-000000000004', 'read', 'template', '40a00000-0000-4000-8000-000000000001')$s$),
	(16, 'authorize_user warm', NULL, NULL, $s$SELECT members.authorize_user('40b00000-0000-4000-8000-000000000004', 'read', 'template', '40a00000-0000-4000-8000-000000000001')$s$),
	(17, 'authorize_user denied', NULL, NULL, $s$SELECT members.authorize_user('40b00000-0000-4000-8000-000000000006', 'read', 'template', '40a00000-0000-4000-8000-000000000001')$s$),
	(18, 'authorize_user unknown user', NULL, NULL, $s$SELECT members.authorize_user('40b00000-0000-4000-8000-0000000000ff', 'read', 'template')$s$),
	(19, 'cache: info', NULL, NULL, $s$SELECT i.subjects FROM members.subject_cache_info() i$s$),
	(20, 'check_permissions', :t1, NULL, $s$SELECT members.check_permissions('{"a": {"object": {"resource_type": "template", "organization_id": "40a00000-0000-4000-8000-000000000001"}, "action": "read"}, "b": {"object": {"resource_type": "organization", "organization_id": "40a00000-0000-4000-8000-000000000001"}, "action": "delete"}, "c": {"object": {"resource_type": "workspace", "any_org": true}, "action": "read"}}')$s$),
	(21, 'explain_authorize', :t1, NULL, $s$SELECT members.explain_authorize('read', 'template', '40a00000-0000-4000-8000-000000000001')$s$),
	(22, 'rbac_resources', NULL, NULL, $s$SELECT pg_catalog.jsonb_agg(r) FROM members.rbac_resources() r$s$),
	(23, 'can_assign_role org', :admin, NULL, $s$SELECT members.can_assign_role('organization-auditor', '40a00000-0000-4000-8000-000000000001')$s$),
	(24, 'can_assign_role site', :admin, NULL, $s$SELECT members.can_assign_role('owner')$s$),
	(25, 'organization_members', :owner, NULL, $s$SELECT members.organization_members('SP-ORG')$s$),
	(26, 'organization_members (member)', :member, NULL, $s$SELECT members.organization_members('40a00000-0000-4000-8000-000000000001')$s$),
	(27, 'paginated_organization_members', :owner, NULL, $s$SELECT members.paginated_organization_members('sp-org', 2, 1)$s$),
	(28, 'paginated past the end', :owner, NULL, $s$SELECT members.paginated_organization_members('sp-org', 2, 10)$s$),
	(29, 'organization_roles', :admin, NULL, $s$SELECT members.organization_roles('sp-org')$s$),
	(30, 'organization_roles (member)', :member, NULL, $s$SELECT members.organization_roles('sp-org')$s$),
	(31, 'site_roles', :owner, NULL, $s$SELECT members.site_roles()$s$),
	(32, 'site_roles (member)', :member, NULL, $s$SELECT members.site_roles()$s$),
	(33, 'audit_log_entries', :owner, NULL, $s$SELECT members.audit_log_entries('sp-audit', 0)$s$),
	(34, 'create_organization', :owner, NULL, $s$SELECT members.create_organization('sp-new', 'SP New', 'made by the battery')$s$),
	(35, 'create_organization taken', :owner, NULL, $s$SELECT members.create_organization('SP-ORG')$s$),
	(36, 'create_user', :owner, NULL, $s$SELECT members.create_user('sp-new-user', 'new@sp.example', 'New', '', '{Auditor}')$s$),
	(37, 'create_user refused', :member, NULL, $s$SELECT members.create_user('sp-new-user', 'new@sp.example')$s$),
	(38, 'set_workspace_sharing', :owner, NULL, $s$SELECT members.set_workspace_sharing('sp-org', true)$s$),
	(39, 'add_organization_member', :owner, NULL, $s$SELECT members.add_organization_member('sp-org', 'sp-outsider')$s$),
	(40, 'add_organization_member exists', :owner, NULL, $s$SELECT members.add_organization_member('sp-org', 'SP-T1')$s$),
	(41, 'add_organization_member refused', :member, NULL, $s$SELECT members.add_organization_member('sp-org', 'sp-outsider')$s$),
	(42, 'remove_organization_member', :admin, NULL, $s$SELECT members.remove_organization_member('sp-org', 'sp-t1')$s$),
	(43, 'remove_organization_member refused', :member, NULL, $s$SELECT members.remove_organization_member('sp-org', 'sp-t1')$s$),
	(44, 'update_organization_member_roles', :admin, NULL, $s$SELECT members.update_organization_member_roles('sp-org', 'sp-t1', '{Organization-Auditor,sp-reviewer,r10}')$s$),
	(45, 'update_organization_member_roles refused', :member, NULL, $s$SELECT members.update_organization_member_roles('sp-org', 'sp-t1', '{organization-admin}')$s$),
	(46, 'update_organization_member_roles unknown role', :admin, NULL, $s$SELECT members.update_organization_member_roles('sp-org', 'sp-t1', '{nope}')$s$),
	(47, 'update_user_site_roles', :owner, NULL, $s$SELECT members.update_user_site_roles('sp-t1', '{Template-Admin,auditor}')$s$),
	(48, 'update_user_site_roles refused', :admin, NULL, $s$SELECT members.update_user_site_roles('sp-t1', '{owner}')$s$),
	(49, 'insert_custom_role', :owner, NULL, $s$SELECT members.insert_custom_role('sp-org', '{"name": "SP-New-Role", "display_name": "New role", "organization_permissions": [{"negate": false, "resource_type": "template", "action": "read"}, {"negate": false, "resource_type": "workspace", "action": "read"}]}')$s$),
	(50, 'insert_custom_role taken', :owner, NULL, $s$SELECT members.insert_custom_role('sp-org', '{"name": "sp-reviewer"}')$s$),
	(51, 'insert_custom_role invalid', :owner, NULL, $s$SELECT members.insert_custom_role('sp-org', '{"name": "x", "organization_permissions": [{"negate": false, "resource_type": "nope", "action": "read"}]}')$s$),
	(52, 'update_custom_role', :owner, NULL, $s$SELECT members.update_custom_role('sp-org', '{"name": "sp-reviewer", "display_name": "Reviewer 2", "organization_permissions": [{"negate": false, "resource_type": "template", "action": "update"}]}')$s$),
	(53, 'update_custom_role unknown', :owner, NULL, $s$SELECT members.update_custom_role('sp-org', '{"name": "no-such-role"}')$s$),
	(54, 'delete_custom_role', :owner, NULL, $s$WITH d AS MATERIALIZED (SELECT members.delete_custom_role('sp-org', 'SP-Reviewer')) SELECT members.organization_members('sp-org') FROM d$s$),
	(55, 'delete_custom_role unknown', :owner, NULL, $s$SELECT members.delete_custom_role('sp-org', 'no-such-role')$s$),
	(56, 'create_api_key', :owner, NULL, $s$SELECT members.create_api_key('sp-t1', '1 day')$s$),
	(57, 'create_api_key refused', :member, NULL, $s$SELECT members.create_api_key('sp-t1')$s$),
	(58, 'authenticate_api_key', NULL, NULL, $s$SELECT members.authenticate_api_key('SPkey00001-abcdefghijklmnopqrstuv')$s$),
	(59, 'authenticate_api_key wrong secret', NULL, NULL, $s$SELECT members.authenticate_api_key('SPkey00001-abcdefghijklmnopqrstuw')$s$),
	(60, 'http_coder_message', NULL, NULL, $s$SELECT members.http_coder_message('validation failed')$s$),
	(61, 'http_error body', NULL, NULL, $s$SELECT members.http_error('22023', 'invalid role name', 'Some detail.')$s$),
	(62, 'http_error raise', NULL, NULL, $s$SELECT members.http_error('P0002', 'not found', NULL, NULL, false)$s$),
	(63, 'http_pagination', NULL, NULL, $s$SELECT members.http_pagination('5', '2')$s$),
	(64, 'http_pagination invalid', NULL, NULL, $s$SELECT members.http_pagination('-1', 'x')$s$),
	(65, 'http_body_roles', NULL, NULL, $s$SELECT members.http_body_roles('{"roles": ["a", "B"]}')$s$),
	(66, 'http_header', NULL, '{"x-members-user": "sp-t1"}', $s$SELECT members.http_header('X-Members-User')$s$),
	(67, 'http_establish_actor, http_require_actor', NULL, NULL, $s$WITH e AS MATERIALIZED (SELECT members.http_establish_actor('40b00000-0000-4000-8000-000000000003')) SELECT members.http_require_actor()::pg_catalog.text OPERATOR(pg_catalog.||) members.current_actor()::pg_catalog.text FROM e$s$),
	(68, 'http_require_actor without authenticate', :t1, NULL, $s$SELECT members.http_require_actor()$s$),
	(69, 'members_api organization_members', NULL, '{"coder-session-token": "SPkey00001-abcdefghijklmnopqrstuv", "x-members-organization": "sp-org"}', $s$WITH a AS MATERIALIZED (SELECT members_api.authenticate()) SELECT members_api.organization_members() FROM a$s$),
	(70, 'members_api site_roles (403)', NULL, '{"coder-session-token": "SPkey00001-abcdefghijklmnopqrstuv"}', $s$WITH a AS MATERIALIZED (SELECT members_api.authenticate()) SELECT members_api.site_roles() FROM a$s$),
	(71, 'members_api add member (404)', NULL, '{"coder-session-token": "SPkey00001-abcdefghijklmnopqrstuv", "x-members-organization": "sp-org", "x-members-user": "sp-outsider"}', $s$WITH a AS MATERIALIZED (SELECT members_api.authenticate()) SELECT members_api.add_organization_member() FROM a$s$),
	(72, 'members_api bad token', NULL, '{"coder-session-token": "nope"}', $s$SELECT members_api.authenticate()$s$),
	(73, 'cache: clear', NULL, NULL, $s$SELECT members.subject_cache_clear()$s$),
	(74, 'authorize cold again', :t2, NULL, $s$SELECT members.authorize('read', 'user')$s$),
	(75, 'authorize_user cold again', NULL, NULL, $s$SELECT members.authorize_user('40b00000-0000-4000-8000-000000000002', 'update', 'organization', '40a00000-0000-4000-8000-000000000001')$s$),
	(76, 'authorize in a query', :t1, NULL, $s$SELECT pg_catalog.string_agg(pg_catalog.textin(pg_catalog.boolout(members.authorize(a.x, 'template', '40a00000-0000-4000-8000-000000000001'))), ',' ORDER BY a.x) FROM pg_catalog.unnest('{create,delete,read,update,use}'::pg_catalog.text[]) a(x)$s$),
	(77, 'permissions_valid', NULL, NULL, $s$SELECT members.permissions_valid('[{"negate": false, "resource_type": "template", "action": "read"}]')$s$),
	(78, 'permissions_valid invalid', NULL, NULL, $s$SELECT members.permissions_valid('[{"negate": false, "resource_type": "template", "action": "fly"}]')$s$);

-- Answers differ only in generated values: timestamps, random ids (not
-- this suite's fixed ones) and session tokens are masked.
CREATE FUNCTION sp.norm(t text) RETURNS text LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog AS $$
	SELECT regexp_replace(regexp_replace(regexp_replace(t,
		'\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d(:\d\d)?)', '<ts>', 'g'),
		'(?!40[a-d]00000)[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}', '<id>', 'g'),
		'^[A-Za-z0-9]{10}-[A-Za-z0-9]{22}$', '<token>')
$$;

GRANT USAGE ON SCHEMA sp TO members_app;
GRANT SELECT ON sp.battery TO members_app;
GRANT INSERT ON sp.got TO members_app;
GRANT EXECUTE ON FUNCTION sp.run_battery(text) TO members_app;
-- the battery also calls a sample of the members_api adapters
GRANT USAGE ON SCHEMA members_api TO members_app;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA members_api TO members_app;

---------------------------------------------------------------------------
-- The hostile schema, owned by the caller
---------------------------------------------------------------------------
CREATE SCHEMA hostile AUTHORIZATION members_app;
\c - members_app
SET search_path = pg_catalog;
-- The call log: a table (transactional) and a sequence (not undone by a
-- rollback); writable by everyone, so that a call as any role is recorded.
CREATE SEQUENCE hostile.calls_seq;
CREATE TABLE hostile.calls (n bigint, fn text, current_role_name name, session_role_name name);
GRANT USAGE ON SCHEMA hostile TO PUBLIC;
GRANT ALL ON hostile.calls, hostile.calls_seq TO PUBLIC;
CREATE FUNCTION hostile.trap(fn text) RETURNS boolean LANGUAGE plpgsql
SET search_path = pg_catalog AS $$
BEGIN
	INSERT INTO hostile.calls VALUES (nextval('hostile.calls_seq'), fn, current_user, session_user);
	RAISE WARNING 'hostile % called as %', fn, current_user;
	RETURN true;
END
$$;
GRANT EXECUTE ON FUNCTION hostile.trap(text) TO PUBLIC;

-- Look-alike functions: each records its call and returns a wrong answer.
DO $do$
DECLARE
	f record;
BEGIN
	FOR f IN SELECT * FROM (VALUES
		('lower', 'text', 'text', $$'owner'$$),
		('lower', 'varchar', 'text', $$'owner'$$),
		('lower', 'name', 'text', $$'owner'$$),
		('upper', 'text', 'text', $$'OWNER'$$),
		('left', 'text, int4', 'text', $$'x'$$),
		('substr', 'text, int4', 'text', $$'x'$$),
		('substr', 'text, int4, int4', 'text', $$'x'$$),
		('length', 'text', 'int4', '0'),
		('length', 'bytea', 'int4', '32'),
		('octet_length', 'text', 'int4', '0'),
		('now', '', 'timestamptz', $$'2001-01-01'$$),
		('clock_timestamp', '', 'timestamptz', $$'2001-01-01'$$),
		('statement_timestamp', '', 'timestamptz', $$'2001-01-01'$$),
		('count', 'text', 'int8', '0'),
		('array_remove', 'text[], text', 'text[]', $$'{owner}'$$),
		('array_position', 'text[], text', 'int4', '1'),
		('array_length', 'text[], int4', 'int4', '0'),
		('array_to_string', 'text[], text', 'text', $$'owner'$$),
		('unnest', 'text[]', 'text', $$'owner'$$),
		('jsonb_typeof', 'jsonb', 'text', $$'array'$$),
		('jsonb_array_length', 'jsonb', 'int4', '0'),
		('jsonb_build_object', 'text, text', 'jsonb', $$'{}'$$),
		('jsonb_build_object', 'text, jsonb', 'jsonb', $$'{}'$$),
		('jsonb_build_object', 'text, text, text, text', 'jsonb', $$'{}'$$),
		('jsonb_build_array', 'jsonb', 'jsonb', $$'[]'$$),
		('jsonb_agg', 'text', 'jsonb', $$'[]'$$),
		('to_jsonb', 'text', 'jsonb', $$'"owner"'$$),
		('to_json', 'text', 'json', $$'"owner"'$$),
		('jsonb_array_elements_text', 'jsonb', 'text', $$'owner'$$),
		('jsonb_extract_path_text', 'jsonb, text', 'text', $$'owner'$$),
		('uuid_eq', 'uuid, uuid', 'bool', 'true'),
		('texteq', 'text, text', 'bool', 'true'),
		('textne', 'text, text', 'bool', 'false'),
		('current_setting', 'text', 'text', $$'40b00000-0000-4000-8000-000000000001'$$),
		('current_setting', 'text, bool', 'text', $$'40b00000-0000-4000-8000-000000000001'$$),
		('set_config', 'text, text, bool', 'text', $$'x'$$),
		('format', 'text, text', 'text', $$'x'$$),
		('md5', 'text', 'text', $$'x'$$),
		('sha256', 'bytea', 'bytea', $$'\x00'$$),
		('encode', 'bytea, text', 'text', $$'x'$$),
		('decode', 'text, text', 'bytea', $$'\x00'$$),
		('gen_random_uuid', '', 'uuid', $$'40b00000-0000-4000-8000-000000000001'$$),
		('new_id', '', 'uuid', $$'40b00000-0000-4000-8000-000000000001'$$),
		('regexp_replace', 'text, text, text', 'text', $$'x'$$),
		('replace', 'text, text, text', 'text', $$'x'$$),
		('split_part', 'text, text, int4', 'text', $$'x'$$),
		('nextval', 'regclass', 'int8', '1'),
		('pg_has_role', 'name, name, text', 'bool', 'true'),
		('has_table_privilege', 'name, text, text', 'bool', 'true'),
		('authorize', 'text, text', 'bool', 'true'),
		('current_actor', '', 'uuid', $$'40b00000-0000-4000-8000-000000000001'$$)
	) AS t(name, args, ret, val) LOOP
		EXECUTE format($f$CREATE FUNCTION hostile.%I(%s) RETURNS %s%s LANGUAGE plpgsql
			SET search_path = pg_catalog AS $b$BEGIN PERFORM hostile.trap(%L); RETURN %s; END$b$$f$,
			f.name, f.args, CASE WHEN f.name IN ('unnest', 'jsonb_array_elements_text') THEN 'SETOF ' ELSE '' END,
			f.ret, f.name || '(' || f.args || ')',
			CASE WHEN f.name IN ('unnest', 'jsonb_array_elements_text') THEN 'NEXT ' || f.val || '; RETURN' ELSE f.val END);
	END LOOP;
END
$do$;

-- Look-alike operators (=, <>, ~, ||, ->>, ... on every type the extension
-- compares), each backed by a function that records its call.
DO $do$
DECLARE
	o record;
	i int := 0;
BEGIN
	FOR o IN SELECT * FROM (VALUES
		('=', 'uuid', 'uuid', 'bool', 'true'),
		('<>', 'uuid', 'uuid', 'bool', 'false'),
		('<', 'uuid', 'uuid', 'bool', 'true'),
		('=', 'text', 'text', 'bool', 'true'),
		('<>', 'text', 'text', 'bool', 'false'),
		('<', 'text', 'text', 'bool', 'true'),
		('~', 'text', 'text', 'bool', 'true'),
		('~*', 'text', 'text', 'bool', 'true'),
		('~~', 'text', 'text', 'bool', 'true'),
		('||', 'text', 'text', 'text', $$'owner'$$),
		('=', 'varchar', 'varchar', 'bool', 'true'),
		('=', 'name', 'name', 'bool', 'true'),
		('=', 'name', 'text', 'bool', 'true'),
		('=', 'bool', 'bool', 'bool', 'true'),
		('=', 'int4', 'int4', 'bool', 'true'),
		('<', 'int4', 'int4', 'bool', 'true'),
		('>', 'int4', 'int4', 'bool', 'true'),
		('<=', 'int4', 'int4', 'bool', 'true'),
		('>=', 'int4', 'int4', 'bool', 'true'),
		('+', 'int4', 'int4', 'int4', '0'),
		('=', 'int8', 'int8', 'bool', 'true'),
		('>', 'int8', 'int8', 'bool', 'true'),
		('=', 'timestamptz', 'timestamptz', 'bool', 'true'),
		('<', 'timestamptz', 'timestamptz', 'bool', 'true'),
		('>=', 'timestamptz', 'timestamptz', 'bool', 'true'),
		('+', 'timestamptz', 'interval', 'timestamptz', $$'2001-01-01'$$),
		('-', 'timestamptz', 'interval', 'timestamptz', $$'2001-01-01'$$),
		('=', 'bytea', 'bytea', 'bool', 'true'),
		('=', 'jsonb', 'jsonb', 'bool', 'true'),
		('->', 'jsonb', 'text', 'jsonb', $$'"owner"'$$),
		('->>', 'jsonb', 'text', 'text', $$'owner'$$),
		('->', 'jsonb', 'int4', 'jsonb', $$'"owner"'$$),
		('#>>', 'jsonb', 'text[]', 'text', $$'owner'$$),
		('?', 'jsonb', 'text', 'bool', 'true'),
		('@>', 'jsonb', 'jsonb', 'bool', 'true'),
		('||', 'jsonb', 'jsonb', 'jsonb', $$'{}'$$),
		('-', 'jsonb', 'text', 'jsonb', $$'{}'$$),
		('=', 'text[]', 'text[]', 'bool', 'true'),
		('@>', 'text[]', 'text[]', 'bool', 'true'),
		('<@', 'text[]', 'text[]', 'bool', 'true'),
		('&&', 'text[]', 'text[]', 'bool', 'true'),
		('||', 'text[]', 'text[]', 'text[]', $$'{owner}'$$),
		('||', 'text[]', 'text', 'text[]', $$'{owner}'$$),
		('=', 'uuid[]', 'uuid[]', 'bool', 'true'),
		('=', 'anyelement', 'anyelement', 'bool', 'true'),
		('<>', 'anyelement', 'anyelement', 'bool', 'false')
	) AS t(op, l, r, ret, val) LOOP
		i := i + 1;
		EXECUTE format($f$CREATE FUNCTION hostile.evil_op_%s(%s, %s) RETURNS %s LANGUAGE plpgsql
			SET search_path = pg_catalog AS $b$BEGIN PERFORM hostile.trap(%L); RETURN %s; END$b$$f$,
			i, o.l, o.r, o.ret, 'operator ' || o.op || '(' || o.l || ', ' || o.r || ')', o.val);
		EXECUTE format('CREATE OPERATOR hostile.%s (LEFTARG = %s, RIGHTARG = %s, FUNCTION = hostile.evil_op_%s)',
			o.op, o.l, o.r, i);
	END LOOP;
	-- prefix operators
	EXECUTE $f$CREATE FUNCTION hostile.evil_not(bool) RETURNS bool LANGUAGE plpgsql
		SET search_path = pg_catalog AS $b$BEGIN PERFORM hostile.trap('operator !!(bool)'); RETURN true; END$b$$f$;
	EXECUTE 'CREATE OPERATOR hostile.!! (RIGHTARG = bool, FUNCTION = hostile.evil_not)';
END
$do$;

-- Look-alike tables, as views whose every read is recorded.
CREATE VIEW hostile.users AS
	SELECT '40b00000-0000-4000-8000-000000000003'::uuid AS id, 'sp-member'::text AS username,
	       'x@x'::text AS email, ''::text AS name, ''::text AS avatar_url, 'active'::text AS status,
	       'password'::text AS login_type, '{owner}'::text[] AS rbac_roles, false AS deleted,
	       now() AS created_at, now() AS updated_at
	 WHERE hostile.trap('table users');
CREATE VIEW hostile.organizations AS
	SELECT '40a00000-0000-4000-8000-000000000001'::uuid AS id, 'sp-org'::text AS name, ''::text AS display_name,
	       ''::text AS description, ''::text AS icon, true AS is_default, false AS workspace_sharing_disabled,
	       false AS deleted, now() AS created_at, now() AS updated_at
	 WHERE hostile.trap('table organizations');
CREATE VIEW hostile.organization_members AS
	SELECT '40a00000-0000-4000-8000-000000000001'::uuid AS organization_id,
	       '40b00000-0000-4000-8000-000000000003'::uuid AS user_id, '{organization-admin}'::text[] AS roles,
	       now() AS created_at, now() AS updated_at
	 WHERE hostile.trap('table organization_members');
CREATE VIEW hostile.custom_roles AS
	SELECT '40c00000-0000-4000-8000-000000000001'::uuid AS id, 'sp-reviewer'::text AS name, ''::text AS display_name,
	       '[]'::jsonb AS site_permissions, '[{"negate": false, "resource_type": "*", "action": "*"}]'::jsonb AS org_permissions,
	       '[]'::jsonb AS user_permissions, '[]'::jsonb AS member_permissions,
	       '40a00000-0000-4000-8000-000000000001'::uuid AS organization_id, now() AS created_at, now() AS updated_at
	 WHERE hostile.trap('table custom_roles');
CREATE VIEW hostile.api_keys AS
	SELECT 'SPkey00001'::text AS id, '\x00'::bytea AS hashed_secret,
	       '40b00000-0000-4000-8000-000000000001'::uuid AS user_id, 'token'::text AS login_type, 'all'::text AS scope,
	       ''::text AS token_name, 1::bigint AS lifetime_seconds, now() AS last_used, now() AS expires_at,
	       now() AS created_at, now() AS updated_at
	 WHERE hostile.trap('table api_keys');
CREATE TABLE hostile.audit_log (id uuid, "time" timestamptz, user_id uuid, organization_id uuid, action text,
	resource_type text, resource_id uuid, resource_target text, diff jsonb, status_code integer,
	ip inet, user_agent text, request_id uuid);
CREATE FUNCTION hostile.audit_trigger() RETURNS trigger LANGUAGE plpgsql
SET search_path = pg_catalog AS $$BEGIN PERFORM hostile.trap('table audit_log'); RETURN NULL; END$$;
CREATE TRIGGER audit_log_trap BEFORE INSERT OR UPDATE OR DELETE ON hostile.audit_log
	FOR EACH STATEMENT EXECUTE FUNCTION hostile.audit_trigger();
GRANT SELECT ON ALL TABLES IN SCHEMA hostile TO PUBLIC;

-- A collation named like the one the listings sort custom roles by, but
-- numeric (r9 before r10), and look-alike types: domains whose check
-- records every cast to them.
CREATE COLLATION hostile."C" (provider = icu, locale = 'und-u-kn-true');
CREATE COLLATION hostile."default" (provider = icu, locale = 'und-u-kn-true');
CREATE DOMAIN hostile.text AS pg_catalog.text CHECK (hostile.trap('type text'));
CREATE DOMAIN hostile.uuid AS pg_catalog.uuid CHECK (hostile.trap('type uuid'));
CREATE DOMAIN hostile.jsonb AS pg_catalog.jsonb CHECK (hostile.trap('type jsonb'));
CREATE DOMAIN hostile.int4 AS pg_catalog.int4 CHECK (hostile.trap('type int4'));
CREATE DOMAIN hostile.bool AS pg_catalog.bool CHECK (hostile.trap('type bool'));
CREATE DOMAIN hostile.timestamptz AS pg_catalog.timestamptz CHECK (hostile.trap('type timestamptz'));
CREATE DOMAIN hostile.bytea AS pg_catalog.bytea CHECK (hostile.trap('type bytea'));
CREATE DOMAIN hostile.interval AS pg_catalog.interval CHECK (hostile.trap('type interval'));

SELECT (SELECT count(*) FROM pg_proc WHERE pronamespace = 'hostile'::regnamespace) AS functions,
       (SELECT count(*) FROM pg_operator WHERE oprnamespace = 'hostile'::regnamespace) AS operators,
       (SELECT count(*) FROM pg_class WHERE relnamespace = 'hostile'::regnamespace AND relkind IN ('r', 'v')) AS tables,
       (SELECT count(*) FROM pg_type WHERE typnamespace = 'hostile'::regnamespace AND typtype = 'd') AS domains,
       (SELECT count(*) FROM pg_collation WHERE collnamespace = 'hostile'::regnamespace) AS collations;

-- Control: under the hostile search_path, unqualified names do reach the
-- look-alikes (recorded, as members_app), so the empty log below means
-- something.
SET search_path = hostile, pg_catalog;
SELECT lower('ABC') AS lower, 'a' = 'b' AS text_eq,
       '40a00000-0000-4000-8000-000000000001'::pg_catalog.uuid = '40a00000-0000-4000-8000-000000000002'::pg_catalog.uuid AS uuid_eq,
       '{"a": 1}'::pg_catalog.jsonb ->> 'a' AS jsonb_get;
SELECT count(*) AS from_look_alike_table FROM users;
SELECT string_agg(x, ',' ORDER BY x COLLATE "C") AS collate_c_order,
       string_agg(x, ',' ORDER BY x COLLATE pg_catalog."C") AS real_c_order
  FROM (VALUES ('r9'), ('r10')) v(x);
SET search_path = pg_catalog;
SELECT fn, current_role_name, session_role_name FROM hostile.calls ORDER BY n;
TRUNCATE hostile.calls;
ALTER SEQUENCE hostile.calls_seq RESTART;

---------------------------------------------------------------------------
-- Run 1: clean search_path, fresh session
---------------------------------------------------------------------------
\c - members_app
SET search_path = pg_catalog, public;
SELECT sp.run_battery('1 clean') AS calls;

---------------------------------------------------------------------------
-- Runs 2 and 3: hostile schema first, fresh session (cold: every SPI plan
-- is prepared under this search_path), then again (warm; the plans of run
-- 2 are reused, and re-analysed after the invalidations that the
-- rolled-back mutations send)
---------------------------------------------------------------------------
\c - members_app
SET search_path = hostile, pg_catalog, public;
SELECT sp.run_battery('2 hostile cold') AS calls;
SELECT sp.run_battery('3 hostile warm') AS calls;

---------------------------------------------------------------------------
-- Runs 4 and 5: pg_temp explicitly first, with temporary look-alike tables
-- (and temporary functions and operators, which PostgreSQL only finds when
-- qualified), then the hostile schema; fresh session, cold then warm
---------------------------------------------------------------------------
\c - members_app
SET search_path = pg_catalog;
CREATE TEMP VIEW users AS SELECT * FROM hostile.users WHERE hostile.trap('temp table users');
CREATE TEMP VIEW organizations AS SELECT * FROM hostile.organizations WHERE hostile.trap('temp table organizations');
CREATE TEMP VIEW organization_members AS SELECT * FROM hostile.organization_members WHERE hostile.trap('temp table organization_members');
CREATE TEMP VIEW custom_roles AS SELECT * FROM hostile.custom_roles WHERE hostile.trap('temp table custom_roles');
CREATE TEMP VIEW api_keys AS SELECT * FROM hostile.api_keys WHERE hostile.trap('temp table api_keys');
CREATE TEMP TABLE audit_log (LIKE hostile.audit_log);
CREATE FUNCTION pg_temp.lower(text) RETURNS text LANGUAGE sql AS $$SELECT 'owner' WHERE hostile.trap('pg_temp.lower')$$;
CREATE FUNCTION pg_temp.now() RETURNS timestamptz LANGUAGE sql AS $$SELECT '2001-01-01'::timestamptz WHERE hostile.trap('pg_temp.now')$$;
CREATE FUNCTION pg_temp.evil_uuid_eq(uuid, uuid) RETURNS bool LANGUAGE sql AS $$SELECT hostile.trap('pg_temp.=(uuid, uuid)')$$;
CREATE OPERATOR pg_temp.= (LEFTARG = uuid, RIGHTARG = uuid, FUNCTION = pg_temp.evil_uuid_eq);
SET search_path = pg_temp, hostile, pg_catalog, public;
SELECT count(*) AS temp_look_alikes FROM pg_class WHERE relnamespace = pg_my_temp_schema();
SELECT sp.run_battery('4 pg_temp first cold') AS calls;
SELECT sp.run_battery('5 pg_temp first warm') AS calls;

---------------------------------------------------------------------------
-- Run 6: plans prepared under a clean search_path, then called with the
-- hostile schema first (an application session whose search_path changes;
-- PostgreSQL re-analyses a cached plan under the current search_path when
-- it differs from the one the plan was made with, so only qualified names
-- protect the answers); the same session
---------------------------------------------------------------------------
\c - members_app
SET search_path = pg_catalog, public;
SELECT sp.run_battery('6a prepared clean') AS calls;
SET search_path = hostile, pg_catalog, public;
SELECT sp.run_battery('6b then hostile') AS calls;

---------------------------------------------------------------------------
-- Verdict (postgres, clean search_path)
---------------------------------------------------------------------------
\c - postgres
-- No look-alike ever ran: the log is empty and the sequence untouched
-- (nextval is not undone by the runner's rollbacks); neither as postgres
-- (the extension owner) nor as anyone else.
SELECT count(*) AS hostile_calls,
       count(*) FILTER (WHERE current_role_name = 'postgres') AS as_owner
  FROM hostile.calls;
SELECT last_value, is_called FROM hostile.calls_seq;
SELECT fn, current_role_name FROM hostile.calls ORDER BY n;

-- The clean run: what each call answered (SQLSTATE 00000: success).
SELECT b.ord, b.k, g.sqlstate
  FROM sp.battery b JOIN sp.got g ON g.ord = b.ord AND g.run = '1 clean'
 ORDER BY b.ord;

-- Every other run gave the same answers, call by call.
SELECT g.run, count(*) AS calls,
       count(*) FILTER (WHERE g.sqlstate = c.sqlstate
                          AND sp.norm(g.result) IS NOT DISTINCT FROM sp.norm(c.result)) AS same_as_clean
  FROM sp.got g JOIN sp.got c ON c.ord = g.ord AND c.run = '1 clean'
 GROUP BY g.run ORDER BY g.run;
SELECT g.run, b.k, c.sqlstate AS clean_state, g.sqlstate,
       left(sp.norm(c.result), 120) AS clean, left(sp.norm(g.result), 120) AS got
  FROM sp.got g
  JOIN sp.got c ON c.ord = g.ord AND c.run = '1 clean'
  JOIN sp.battery b ON b.ord = g.ord
 WHERE g.sqlstate <> c.sqlstate OR sp.norm(g.result) IS DISTINCT FROM sp.norm(c.result)
 ORDER BY g.run, g.ord;

-- The answers are the real ones (a few spot checks against the tables).
SELECT result AS authorize_cold FROM sp.got WHERE run = '2 hostile cold' AND ord = 5;
SELECT result AS custom_role_listing_order
  FROM (SELECT string_agg(r.value->>'name', ',' ORDER BY r.n) AS result
          FROM sp.got g, jsonb_array_elements(g.result::jsonb) WITH ORDINALITY r(value, n)
         WHERE g.run = '2 hostile cold' AND g.ord = 29 AND NOT (r.value->>'built_in')::boolean) s;
SELECT result::jsonb->0->>'username' AS first_member,
       jsonb_array_length(result::jsonb) AS members
  FROM sp.got WHERE run = '2 hostile cold' AND ord = 25;
SELECT result AS authorize_in_a_query FROM sp.got WHERE run = '4 pg_temp first cold' AND ord = 76;

-- Nothing the battery did stayed (every call was rolled back), except the
-- audit rows of refused attempts, which the autonomous writer commits: the
-- same ones in each of the 7 runs.
SELECT count(*) AS organizations FROM members.organizations;
SELECT count(*) AS users FROM members.users;
SELECT count(*) AS custom_roles FROM members.custom_roles;
SELECT string_agg(roles::text, ' ' ORDER BY user_id) AS member_roles
  FROM members.organization_members WHERE organization_id = :org;
SELECT action, resource_target, status_code, count(*) AS rows, count(*) / 7 AS per_run
  FROM members.audit_log WHERE organization_id IS DISTINCT FROM :auditorg
 GROUP BY 1, 2, 3 ORDER BY 1, 2, 3;

---------------------------------------------------------------------------
-- Cleanup
---------------------------------------------------------------------------
SET client_min_messages = warning;
REVOKE ALL ON SCHEMA members_api FROM members_app;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA members_api FROM members_app;
DROP SCHEMA hostile CASCADE;
DROP SCHEMA sp CASCADE;
TRUNCATE members.organizations, members.users, members.audit_log CASCADE;
RESET client_min_messages;
SELECT members.subject_cache_clear();
