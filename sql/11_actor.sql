-- The acting user: who may set members.actor, and how it resolves.
INSERT INTO members.users (id, username, email, status, deleted) VALUES
	('00000000-0000-0000-0000-000000000001', 'alice', 'alice@example.com', 'active', false),
	('00000000-0000-0000-0000-000000000002', 'sam', 'sam@example.com', 'suspended', false),
	('00000000-0000-0000-0000-000000000003', 'dora', 'dora@example.com', 'dormant', false),
	('00000000-0000-0000-0000-000000000004', 'gone', 'gone@example.com', 'active', true);

-- A superuser without an actor acts as the system (NULL).
SELECT members.current_actor() IS NULL AS acts_as_system;

-- A superuser may set the actor; it resolves to that user.
BEGIN;
SET LOCAL members.actor = '00000000-0000-0000-0000-000000000001';
SELECT members.current_actor();
COMMIT;
-- SET LOCAL ends with the transaction.
SHOW members.actor;

-- Malformed values are refused at SET time with 22P02.
\set VERBOSITY default
SET members.actor = 'not-a-uuid';
SET members.actor = '00000000-0000-0000-0000-00000000000';

-- Unknown, deleted, suspended and dormant users cannot act (28000).
\set VERBOSITY sqlstate
BEGIN;
SET LOCAL members.actor = '00000000-0000-0000-0000-0000000000ff';
SELECT members.current_actor();
ROLLBACK;
BEGIN;
SET LOCAL members.actor = '00000000-0000-0000-0000-000000000004';
SELECT members.current_actor();
ROLLBACK;
\set VERBOSITY default
BEGIN;
SET LOCAL members.actor = '00000000-0000-0000-0000-000000000002';
SELECT members.current_actor();
ROLLBACK;
BEGIN;
SET LOCAL members.actor = '00000000-0000-0000-0000-000000000003';
SELECT members.current_actor();
ROLLBACK;

-- A plain role: cannot set the actor (42501), with SET or set_config, and
-- without an actor it cannot act as the system (28000).
SET ROLE members_plain;
SET members.actor = '00000000-0000-0000-0000-000000000001';
SELECT set_config('members.actor', '00000000-0000-0000-0000-000000000001', true);
SELECT members.current_actor();
-- Clearing the value is harmless and allowed.
SET members.actor = '';
RESET ROLE;

-- A member of the service role may set the actor and, without one, acts as
-- the system.
SET ROLE members_app;
SELECT members.current_actor() IS NULL AS acts_as_system;
BEGIN;
SELECT set_config('members.actor', '00000000-0000-0000-0000-000000000001', true) IS NOT NULL AS set_ok;
SELECT members.current_actor();
COMMIT;
RESET ROLE;

-- The service role's name is a superuser-only setting.
SET ROLE members_app;
SET members.service_role = 'members_app';
RESET ROLE;

-- Renaming the service role setting to a role that does not exist leaves
-- only superusers trusted.
SET members.service_role = 'no_such_role';
SET ROLE members_app;
SELECT members.current_actor();
SET members.actor = '00000000-0000-0000-0000-000000000001';
RESET ROLE;
RESET members.service_role;

-- A value set by a plain role before the library is loaded in its session
-- is checked when the library loads: refused with a warning, not used.
\c - members_plain
SET members.actor = '00000000-0000-0000-0000-000000000001';
SELECT members.current_actor();
SHOW members.actor;
\c - postgres

-- ... even when the library is first loaded inside a SECURITY DEFINER
-- function of a trusted owner: the value is checked against the session's
-- (outer) user too, so the plain role's placeholder is not adopted.
CREATE FUNCTION public.definer_actor() RETURNS text LANGUAGE sql SECURITY DEFINER
	SET search_path = pg_catalog AS $$ SELECT coalesce(members.current_actor()::text, 'system') $$;
GRANT EXECUTE ON FUNCTION public.definer_actor() TO members_plain;
\c - members_plain
SET members.actor = '00000000-0000-0000-0000-000000000001';
SELECT public.definer_actor();
\c - postgres
DROP FUNCTION public.definer_actor();

-- A setting of the service role applied at login is honoured.
ALTER ROLE members_app SET members.actor = '00000000-0000-0000-0000-000000000001';
\c - members_app
SELECT members.current_actor();
\c - postgres
ALTER ROLE members_app RESET members.actor;

-- Parallel workers inherit the leader's actor without the check, whether
-- the library was loaded before the query ...
SELECT members.current_actor() IS NULL AS loaded_first;
BEGIN;
SET LOCAL members.actor = '00000000-0000-0000-0000-000000000001';
SET LOCAL force_parallel_mode = on;
SELECT DISTINCT current_setting('members.actor') AS in_worker, members.current_actor() AS resolved_in_worker FROM generate_series(1, 10);
COMMIT;
-- ... or first loaded inside the worker (PostgreSQL warns that it cannot
-- re-apply the placeholder; the worker adopts the trusted leader's value).
\c - postgres
BEGIN;
SET LOCAL members.actor = '00000000-0000-0000-0000-000000000001';
SET LOCAL force_parallel_mode = on;
SELECT DISTINCT current_setting('members.actor') AS in_worker, members.current_actor() AS resolved_in_worker FROM generate_series(1, 10);
COMMIT;
-- A plain role's unchecked placeholder is not adopted by a worker.
\c - members_plain
BEGIN;
SET LOCAL members.actor = '00000000-0000-0000-0000-000000000001';
SET LOCAL force_parallel_mode = on;
SELECT DISTINCT members.current_actor() AS resolved_in_worker FROM generate_series(1, 10);
COMMIT;
\c - postgres

TRUNCATE members.users CASCADE;
