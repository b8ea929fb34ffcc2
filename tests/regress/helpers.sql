-- Helpers shared by the pg_regress suites (sql/NN_*.sql), included with
--   \set ECHO none
--   \getenv abs_srcdir PG_ABS_SRCDIR
--   \i :abs_srcdir/tests/regress/helpers.sql
--   \set ECHO all
-- (ECHO none keeps their text out of the expected outputs.)
-- They live in pg_temp, so they vanish with the suite's session.

-- Run a statement; 'ok', or "SQLSTATE: message (detail)" when it fails.
CREATE FUNCTION pg_temp.try(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	st text; msg text; det text;
BEGIN
	EXECUTE q;
	RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL;
	RETURN st || ': ' || msg || CASE WHEN det <> '' THEN ' (' || det || ')' ELSE '' END;
END
$$;

-- try(q) with members.actor set to actor (NULL: none) for the transaction.
CREATE FUNCTION pg_temp.try_as(actor text, q text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	PERFORM set_config('members.actor', coalesce(actor, ''), true);
	RETURN pg_temp.try(q);
END
$$;

-- Evaluate an expression; its SQLSTATE ('00000' when it succeeds), message
-- and detail.
CREATE FUNCTION pg_temp.try_call(call text, OUT state text, OUT message text, OUT detail text)
LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE 'SELECT ' || call;
	state := '00000';
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, message = MESSAGE_TEXT, detail = PG_EXCEPTION_DETAIL;
END $$;

-- Run a query returning one JSON value as actor: the JSON (created_at and
-- updated_at replaced by whether both are RFC 3339 UTC), 'void' for an empty
-- answer, or "SQLSTATE: message (detail)" when it fails.
CREATE FUNCTION pg_temp.act(actor text, q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	t text; r jsonb; st text; msg text; det text;
BEGIN
	PERFORM set_config('members.actor', coalesce(actor, ''), true);
	EXECUTE q INTO t;
	IF t IS NULL OR t = '' THEN
		RETURN 'void';
	END IF;
	r := t::jsonb;
	IF jsonb_typeof(r) = 'object' AND r ? 'created_at' THEN
		r := r - 'created_at' - 'updated_at' || jsonb_build_object('timestamps_rfc3339',
			(r->>'created_at') ~ '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?Z$'
			AND (r->>'updated_at') ~ '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?Z$');
	END IF;
	RETURN r::text;
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL;
	RETURN st || ': ' || msg || CASE WHEN det <> '' THEN ' (' || det || ')' ELSE '' END;
END
$$;
