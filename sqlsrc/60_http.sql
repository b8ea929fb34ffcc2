/*==== section: HTTP schema members_api (PostgREST) ====*/
/*
 * What PostgREST exposes (db-schemas = "members_api"): one RPC function per
 * Coder endpoint, thin adapters over members.*, and the pre-request
 * members_api.authenticate().  postgrest/roles.sql creates the roles and
 * grants EXECUTE on this schema's functions to the web role; nothing here is
 * executable by PUBLIC.
 *
 * Every adapter is SECURITY DEFINER (owned by the extension owner), so the
 * web role needs EXECUTE on members_api only and no privilege on members.
 * Because the owner is trusted (it could act as the system), each adapter
 * first requires the acting user that authenticate() established in this
 * transaction (members.http_require_actor, in C: not merely a members.actor
 * value, which could have been set before the library loaded) and fails
 * closed (401) without one.
 *
 * Path values: GET endpoints take them as function arguments (nginx puts
 * them in the query string); write endpoints read them from the request
 * headers X-Members-Organization, X-Members-User and X-Members-Role that
 * nginx sets (a request body would be the client's).  Bodies that Coder
 * reads are passed whole as one unnamed jsonb parameter.
 *
 * Errors: each adapter catches the error of its members.* call and hands it
 * to members.http_error, the one place that maps design's error classes to
 * HTTP: 22xxx/23xxx 400, P0002 404, 42501 403, 28xxx 401.  Adapters that
 * return JSON set response.status and return Coder's body
 * ({"message", "detail"} or Coder's generic 403/404 bodies); the savepoint
 * of the EXCEPTION block has undone the failed call's writes.  Adapters that
 * return void (Coder's 204) and the pre-request cannot return a body, so
 * they raise SQLSTATE PGRST with the same status and message (PostgREST's
 * body then carries the detail under "details").  Other SQLSTATEs are
 * raised again unchanged, for PostgREST's own handling (40001 retries).
 */

/*---- shared helpers (schema members: not exposed) ----*/

/*
 * SQL errors follow PostgreSQL's message style (lower case, no period);
 * HTTP bodies carry Coder's exact wording.  The mapping is one table in C,
 * next to the messages the C code raises (src/messages.h, src/messages.c);
 * messages it does not list pass unchanged.
 */
CREATE FUNCTION @extschema@.http_coder_message(message text) RETURNS text
	AS 'MODULE_PATHNAME', 'members_http_coder_message'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.http_coder_message(text) IS
	'HTTP layer: Coder''s exact wording of an error message written in PostgreSQL style, from the table of src/messages.c (the initial capital and final period Coder uses for the known messages); other messages unchanged.';

CREATE FUNCTION @extschema@.http_error(
	sqlstate text,
	message text,
	detail text DEFAULT NULL,
	hint text DEFAULT NULL,
	as_body boolean DEFAULT true,
	unique_status integer DEFAULT 400) RETURNS jsonb
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	status integer;
	body jsonb;
	d text := nullif(detail, '');
BEGIN
	IF sqlstate IS NULL THEN
		RAISE EXCEPTION 'http_error needs a SQLSTATE' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF unique_status IS DISTINCT FROM 400 AND unique_status IS DISTINCT FROM 409 THEN
		RAISE EXCEPTION 'unique_status must be 400 or 409' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF sqlstate = '22M01' THEN
		-- query parameter validation (members.http_pagination): detail is
		-- the JSON array of Coder's validations
		status := 400;
		body := jsonb_build_object('message', @extschema@.http_coder_message(message), 'validations', d::jsonb);
	ELSIF sqlstate = '23505' AND unique_status = 409 THEN
		-- endpoints where Coder checks for the duplicate first and answers
		-- 409 with its message alone (coderd/users.go postUser,
		-- enterprise/coderd/organizations.go postOrganizations)
		status := 409;
		body := jsonb_build_object('message', @extschema@.http_coder_message(message));
	ELSIF left(sqlstate, 2) IN ('22', '23') THEN
		status := 400;
		body := jsonb_build_object('message', @extschema@.http_coder_message(message));
		IF d IS NOT NULL THEN
			body := body || jsonb_build_object('detail', d);
		END IF;
	ELSIF sqlstate = 'P0002' THEN
		status := 404;
		body := jsonb_build_object('message',
			'Resource not found or you do not have access to this resource');
	ELSIF sqlstate = '42501' THEN
		status := 403;
		body := jsonb_build_object('message', 'Forbidden.',
			'detail', 'You don''t have permission to view this content. If you believe this is a mistake, please contact your administrator or try signing in with different credentials.');
	ELSIF left(sqlstate, 2) = '28' THEN
		status := 401;
		IF message LIKE 'user is not active (status = %)' THEN
			-- Coder: "User is not active (status = \"suspended\"). Contact an admin ..."
			body := jsonb_build_object('message',
				'U' || substr(message, 2) || '.' || coalesce(' ' || d, ''));
		ELSE
			body := jsonb_build_object('message',
				'You are signed out or your session has expired. Please sign in again to continue.',
				'detail', coalesce(d, message));
		END IF;
	ELSE
		-- not one of design's classes: raise it again unchanged
		IF d IS NULL AND nullif(hint, '') IS NULL THEN
			RAISE EXCEPTION USING ERRCODE = sqlstate, MESSAGE = message;
		ELSIF nullif(hint, '') IS NULL THEN
			RAISE EXCEPTION USING ERRCODE = sqlstate, MESSAGE = message, DETAIL = d;
		ELSIF d IS NULL THEN
			RAISE EXCEPTION USING ERRCODE = sqlstate, MESSAGE = message, HINT = hint;
		ELSE
			RAISE EXCEPTION USING ERRCODE = sqlstate, MESSAGE = message, DETAIL = d, HINT = hint;
		END IF;
	END IF;

	IF as_body THEN
		PERFORM set_config('response.status', status::text, true);
		RETURN body;
	END IF;
	RAISE SQLSTATE 'PGRST' USING
		MESSAGE = jsonb_build_object(
			'code', sqlstate,
			'message', body->>'message',
			'details', coalesce(body->>'detail', body#>>'{validations,0,detail}'),
			'hint', NULL)::text,
		DETAIL = jsonb_build_object('status', status, 'headers', '{}'::jsonb)::text;
END
$$;
COMMENT ON FUNCTION @extschema@.http_error(text, text, text, text, boolean, integer) IS
	'HTTP layer: the one mapping of an error (SQLSTATE, message, detail) to Coder''s status and body: 22xxx/23xxx 400 {message, detail} (23505 409 {message} where unique_status is 409), P0002 404 and 42501 403 with Coder''s generic bodies, 28xxx 401. as_body: set response.status and return the body; else raise SQLSTATE PGRST with that status. Other SQLSTATEs are raised again unchanged.';

CREATE FUNCTION @extschema@.http_establish_actor(user_id uuid) RETURNS void
	AS 'MODULE_PATHNAME', 'members_http_establish_actor'
	LANGUAGE C VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.http_establish_actor(uuid) IS
	'HTTP layer: set members.actor for the transaction (with the caller''s privileges: only trusted callers may) and remember that the pre-request established it; used by members_api.authenticate().';

CREATE FUNCTION @extschema@.http_require_actor() RETURNS void
	AS 'MODULE_PATHNAME', 'members_http_require_actor'
	LANGUAGE C STABLE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.http_require_actor() IS
	'HTTP layer: raise 28000 unless members.actor holds the user members_api.authenticate() established in this transaction. The adapters run as the extension owner and must never act as the system nor trust a members.actor set some other way.';

/*
 * In C (src/http.c), as the SQL expression
 * coalesce(nullif(current_setting('request.headers', true), '')::json ->> lower(name), '')
 * in a SQL function (one with a SET clause is never inlined) would be
 * planned again on every adapter call.
 */
CREATE FUNCTION @extschema@.http_header(name text) RETURNS text
	AS 'MODULE_PATHNAME', 'members_http_header'
	LANGUAGE C STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.http_header(text) IS
	'HTTP layer: the value of a request header as PostgREST passed it in request.headers (names lower case), '''' when absent.';

/*
 * nginx passes Coder's query values raw (still percent-encoded) in the
 * X-Members-Limit/-Offset headers, so that PostgREST's query grammar never
 * sees them; decode them as Go's url.ParseQuery does: "+" is a space, %XX a
 * byte, and a malformed escape drops the parameter (NULL: absent).  Bytes
 * that are not UTF-8 are kept as \xNN escapes, as Go's %q shows them.
 */
CREATE FUNCTION @extschema@.http_query_value(raw text) RETURNS text
	LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	bytes bytea := '';
	out text := '';
	i integer := 1;
	n integer;
	b integer;
BEGIN
	IF raw IS NULL OR strpos(raw, '%') = 0 THEN
		RETURN replace(raw, '+', ' ');
	END IF;
	IF length(raw) > 1024 THEN
		-- longer than any integer Coder accepts; keep it raw
		RETURN raw;
	END IF;
	IF raw ~ '%($|.$|[^0-9A-Fa-f]|.[^0-9A-Fa-f])' THEN
		RETURN NULL;
	END IF;
	n := length(raw);
	WHILE i <= n LOOP
		IF substr(raw, i, 1) = '%' THEN
			bytes := bytes || decode(substr(raw, i + 1, 2), 'hex');
			i := i + 3;
		ELSE
			bytes := bytes || convert_to(replace(substr(raw, i, 1), '+', ' '), 'UTF8');
			i := i + 1;
		END IF;
	END LOOP;
	BEGIN
		RETURN convert_from(bytes, 'UTF8');
	EXCEPTION WHEN character_not_in_repertoire OR untranslatable_character THEN
		NULL;
	END;
	FOR j IN 0..length(bytes) - 1 LOOP
		b := get_byte(bytes, j);
		out := out || CASE WHEN b BETWEEN 1 AND 127 THEN chr(b) ELSE '\x' || lpad(to_hex(b), 2, '0') END;
	END LOOP;
	RETURN out;
END
$$;
COMMENT ON FUNCTION @extschema@.http_query_value(text) IS
	'HTTP layer: a raw (percent-encoded) query value decoded as Go''s url.ParseQuery does; NULL for a malformed escape (Go drops the parameter); bytes that are not UTF-8 as \xNN.';

CREATE FUNCTION @extschema@.http_go_quote(value text) RETURNS text
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
SELECT CASE WHEN value OPERATOR(pg_catalog.~) '\\x[0-9a-f]{2}'
			THEN '"' OPERATOR(pg_catalog.||) value OPERATOR(pg_catalog.||) '"'
			ELSE pg_catalog.to_json(value)::text END
$$;
COMMENT ON FUNCTION @extschema@.http_go_quote(text) IS
	'HTTP layer: a value quoted as Go''s %q shows it in strconv errors (JSON quoting; values holding \xNN escapes of non-UTF-8 bytes as they are).';

CREATE FUNCTION @extschema@.http_pagination(page_limit text, page_offset text) RETURNS integer[]
	LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	names text[] := ARRAY['limit', 'offset'];
	vals text[] := ARRAY[page_limit, page_offset];
	result integer[] := ARRAY[0, 0];
	problems jsonb := '[]';
	v text;
	reason text;
BEGIN
	-- Coder's PositiveInt32 (coderd/httpapi/queryparams.go); absent or empty is 0
	FOR i IN 1..2 LOOP
		v := @extschema@.http_query_value(vals[i]);
		reason := NULL;
		IF v IS NULL OR v = '' THEN
			CONTINUE;
		ELSIF v !~ '^[+-]?[0-9]+$' THEN
			reason := 'strconv.ParseInt: parsing ' || @extschema@.http_go_quote(v) || ': invalid syntax';
		ELSIF v::numeric > 2147483647 OR v::numeric < -2147483648 THEN
			reason := 'strconv.ParseInt: parsing ' || @extschema@.http_go_quote(v) || ': value out of range';
		ELSIF v::numeric < 0 THEN
			reason := 'value is negative';
		ELSE
			result[i] := v::integer;
		END IF;
		IF reason IS NOT NULL THEN
			problems := problems || jsonb_build_array(jsonb_build_object(
				'field', names[i],
				'detail', format('Query param "%s" must be a valid 32-bit positive integer: %s',
								 names[i], reason)));
		END IF;
	END LOOP;
	IF jsonb_array_length(problems) > 0 THEN
		RAISE EXCEPTION 'Query parameters have invalid values.'
			USING ERRCODE = '22M01', DETAIL = problems::text;
	END IF;
	RETURN result;
END
$$;
COMMENT ON FUNCTION @extschema@.http_pagination(text, text) IS
	'HTTP layer: Coder''s limit and offset query parameters (empty = 0) as {limit, offset}; invalid values raise 22M01 whose detail is Coder''s validations array (members.http_error answers 400).';

CREATE FUNCTION @extschema@.http_body_roles(body jsonb) RETURNS text[]
	LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
BEGIN
	-- codersdk.UpdateRoles: {"roles": ["name", ...]}; absent or null = none
	IF body IS NULL OR jsonb_typeof(body) <> 'object' OR
	   (body ? 'roles' AND jsonb_typeof(body->'roles') NOT IN ('array', 'null')) OR
	   EXISTS (SELECT FROM jsonb_array_elements(CASE WHEN jsonb_typeof(body->'roles') = 'array'
													THEN body->'roles' ELSE '[]' END) e
			   WHERE jsonb_typeof(e) <> 'string') THEN
		RAISE EXCEPTION 'request body must be valid JSON'
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = 'The body must be an object whose "roles" is an array of role names.';
	END IF;
	RETURN ARRAY(SELECT jsonb_array_elements_text(CASE WHEN jsonb_typeof(body->'roles') = 'array'
													  THEN body->'roles' ELSE '[]' END));
END
$$;
COMMENT ON FUNCTION @extschema@.http_body_roles(jsonb) IS
	'HTTP layer: the roles of a codersdk.UpdateRoles body as text[] (absent or null: none); anything else raises 22023 "request body must be valid JSON" (400).';

/*
 * The body of a write endpoint, as nginx forwards it: the client's bytes as
 * text (Content-Type: text/plain, one unnamed text parameter), so that
 * PostgREST neither parses nor rejects it and every body reaches Coder's
 * rules here (coderd/httpapi/httpapi.go Read: json.Decoder into a struct).
 * An empty body (Go: EOF), invalid JSON or a JSON value other than an
 * object is 400 "Request body must be valid JSON."; null decodes into the
 * empty struct, as in Go.
 */
CREATE FUNCTION @extschema@.http_body(body text) RETURNS jsonb
	LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	parsed jsonb;
	kind text;
BEGIN
	IF body IS NULL OR btrim(body, E' \t\r\n') = '' THEN
		RAISE EXCEPTION 'request body must be valid JSON'
			USING ERRCODE = 'invalid_parameter_value', DETAIL = 'EOF';
	END IF;
	BEGIN
		parsed := body::jsonb;
	EXCEPTION WHEN invalid_text_representation OR untranslatable_character THEN
		RAISE EXCEPTION 'request body must be valid JSON'
			USING ERRCODE = 'invalid_parameter_value', DETAIL = 'The body is not valid JSON.';
	END;
	kind := jsonb_typeof(parsed);
	IF kind = 'null' THEN
		RETURN '{}';
	ELSIF kind <> 'object' THEN
		RAISE EXCEPTION 'request body must be valid JSON'
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = format('json: cannot unmarshal %s into Go value of type struct',
								  CASE kind WHEN 'boolean' THEN 'bool' ELSE kind END);
	END IF;
	RETURN parsed;
END
$$;
COMMENT ON FUNCTION @extschema@.http_body(text) IS
	'HTTP layer: a request body (text as the client sent it) as a JSON object; null is {} (Go decodes it into the empty struct); empty, invalid JSON or any other value raises 22023 "request body must be valid JSON" (400).';

CREATE FUNCTION @extschema@.http_paginated_members(
	organization text, page_limit text, page_offset text) RETURNS jsonb
	LANGUAGE plpgsql STABLE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	page integer[];
BEGIN
	-- the usual values, nothing or at most 9 plain digits (within int32),
	-- need no decoding nor checking: they are what http_pagination would
	-- make of them (0 for nothing), without its two calls of http_query_value
	IF coalesce(page_limit, '') ~ '^[0-9]{0,9}$' AND coalesce(page_offset, '') ~ '^[0-9]{0,9}$' THEN
		RETURN @extschema@.paginated_organization_members(organization,
			coalesce(nullif(page_limit, ''), '0')::integer,
			coalesce(nullif(page_offset, ''), '0')::integer);
	END IF;
	page := @extschema@.http_pagination(page_limit, page_offset);
	RETURN @extschema@.paginated_organization_members(organization, page[1], page[2]);
END
$$;
COMMENT ON FUNCTION @extschema@.http_paginated_members(text, text, text) IS
	'HTTP layer: members.paginated_organization_members with Coder''s raw limit and offset query values (members.http_pagination: invalid values raise 22M01, 400 with Coder''s validations).';

CREATE FUNCTION @extschema@.http_create_organization(body jsonb) RETURNS jsonb
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
BEGIN
	-- codersdk.CreateOrganizationRequest: name, display_name, description, icon
	RETURN @extschema@.create_organization(
		body->>'name',
		nullif(body->>'display_name', ''),
		coalesce(body->>'description', ''),
		coalesce(body->>'icon', ''));
END
$$;
COMMENT ON FUNCTION @extschema@.http_create_organization(jsonb) IS
	'HTTP layer: members.create_organization from a codersdk.CreateOrganizationRequest object (name, display_name, description, icon); never the default organization.';

CREATE FUNCTION @extschema@.http_create_user(body jsonb) RETURNS jsonb
	LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
BEGIN
	-- codersdk.CreateUserRequestWithOrgs: username, email, name, user_status
	-- (password, login_type and organization_ids are not modelled)
	RETURN @extschema@.create_user(
		body->>'username',
		body->>'email',
		coalesce(body->>'name', ''),
		'',
		'{}'::text[],
		coalesce(nullif(body->>'user_status', ''), 'active'));
END
$$;
COMMENT ON FUNCTION @extschema@.http_create_user(jsonb) IS
	'HTTP layer: members.create_user from a codersdk.CreateUserRequestWithOrgs object (username, email, name, user_status; password, login_type and organization_ids are not modelled).';

CREATE FUNCTION @extschema@.http_trusts_jwt() RETURNS boolean
	AS 'MODULE_PATHNAME', 'members_http_trusts_jwt'
	LANGUAGE C STABLE PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION @extschema@.http_trusts_jwt() IS
	'HTTP layer: the value of members.http_trust_jwt (superuser-only, off by default): whether members_api.authenticate() takes the acting user from the "sub" of request.jwt.claims. Read in C, so a value set before the library loaded cannot count.';

/*---- the exposed schema ----*/

CREATE SCHEMA members_api;
COMMENT ON SCHEMA members_api IS
	'What PostgREST exposes of the members extension: one RPC function per Coder endpoint and the pre-request authenticate(). See postgrest/.';

CREATE FUNCTION members_api.authenticate() RETURNS void
	LANGUAGE plpgsql VOLATILE SECURITY DEFINER PARALLEL UNSAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	cookies jsonb := nullif(current_setting('request.cookies', true), '')::jsonb;
	headers jsonb := nullif(current_setting('request.headers', true), '')::jsonb;
	claims jsonb := nullif(current_setting('request.jwt.claims', true), '')::jsonb;
	token text;
	subject text;
	uid uuid;
	u record;
	st text;
	msg text;
	det text;
	hnt text;
BEGIN
	-- Coder's order: cookie, then the header (nginx puts the query parameter
	-- and a Coder-format bearer value there)
	token := coalesce(nullif(cookies->>'coder_session_token', ''),
					  nullif(headers->>'coder-session-token', ''));
	-- a JWT that PostgREST validated (jwt-secret) names the user in "sub",
	-- only where the superuser said so (members.http_trust_jwt): without a
	-- jwt-secret the authenticator login could set request.jwt.claims itself
	IF @extschema@.http_trusts_jwt() THEN
		subject := CASE WHEN jsonb_typeof(claims->'sub') = 'string' THEN nullif(claims->>'sub', '') END;
	END IF;
	BEGIN
		IF token IS NOT NULL OR subject IS NULL THEN
			uid := @extschema@.authenticate_api_key(token);
		ELSE
			IF subject !~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN
				RAISE EXCEPTION 'invalid JWT subject'
					USING ERRCODE = 'invalid_authorization_specification',
						  DETAIL = 'The JWT "sub" claim must be a user id.';
			END IF;
			SELECT us.id, us.status, us.deleted INTO u
			  FROM @extschema@.users us WHERE us.id OPERATOR(pg_catalog.=) subject::uuid;
			IF NOT FOUND OR u.deleted THEN
				RAISE EXCEPTION 'unknown JWT subject'
					USING ERRCODE = 'invalid_authorization_specification',
						  DETAIL = 'The JWT "sub" claim does not name an existing user.';
			END IF;
			IF u.status OPERATOR(pg_catalog.<>) 'active' THEN
				RAISE EXCEPTION 'user is not active (status = "%")', u.status
					USING ERRCODE = 'invalid_authorization_specification',
						  DETAIL = 'Contact an admin to reactivate your account.';
			END IF;
			uid := u.id;
		END IF;
	EXCEPTION WHEN OTHERS THEN
		GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT,
								det = PG_EXCEPTION_DETAIL, hnt = PG_EXCEPTION_HINT;
		PERFORM @extschema@.http_error(st, msg, det, hnt, false);
	END;
	-- sets members.actor (allowed: this runs as the extension owner) and
	-- records it for members.http_require_actor()
	PERFORM @extschema@.http_establish_actor(uid);
END
$$;
COMMENT ON FUNCTION members_api.authenticate() IS
	'PostgREST db-pre-request: the acting user from the coder_session_token cookie or the Coder-Session-Token header (Coder''s token, checked by members.authenticate_api_key), else, only when members.http_trust_jwt is on, from the "sub" of a JWT PostgREST validated; sets members.actor for the transaction. Anything else: 401 with Coder''s message.';

/*
 * The adapters, one per Coder endpoint, are generated by make from
 * sqlsrc/http/endpoints.txt (one line each: name, arguments, volatility,
 * status, route, call) and the one template sqlsrc/http/adapter.sql.in, by
 * sqlsrc/http/adapters.awk; the built members--1.1.sql shows them in full.
 */
-- @members_http_adapters@

/* Nothing here is executable by PUBLIC (also the helpers above, in members). */
REVOKE ALL ON SCHEMA members_api FROM PUBLIC;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA members_api FROM PUBLIC;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA @extschema@ FROM PUBLIC;

/* A running PostgREST reloads its schema cache. */
NOTIFY pgrst, 'reload schema';
/*==== end of section: HTTP schema members_api ====*/
